import { err, ok, type Result } from '../errors.js';
import { startJobBodySchema } from '../cc-backend/start-job.js';
import { stopJobBodySchema } from '../cc-backend/stop-job.js';
import { eventMetaReadSchema, eventMetaWriteSchema, type JobEvent } from './envelope.js';
import { WireError } from './errors.js';
import { EVENT_TYPES, WIRE_VERSION, type EventType } from './headers.js';
import { describeIssues, toFieldIssues } from './validate.js';

declare const validated: unique symbol;

/**
 * An event that passed {@link validateEvent}. Only validateEvent makes one (its body is zod's
 * fresh copy, so nobody else holds it); the encoders take it without validating again
 * (`encodeEventMessage(e, { natsSubject, prevalidated: true })`). Treat it as read-only: a
 * changed ValidatedEvent is no longer known to be valid.
 */
export type ValidatedEvent = JobEvent & { readonly [validated]: true };

/**
 * Validates an event strictly (writing is strict, DESIGN §2). Returns the first problem as a
 * WireError, so a producer can refuse to emit an event cc-backend would reject.
 */
export function validateEvent(e: JobEvent): Result<ValidatedEvent, WireError> {
  const meta = eventMetaWriteSchema.safeParse(e.meta);
  if (!meta.success) {
    const issues = toFieldIssues(meta.error, 'meta');
    return err(new WireError('invalid_meta', `invalid meta: ${describeIssues(issues)}`, { issues }));
  }
  const parsed = parseBody(e.event, e.body);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error);
    return err(new WireError('invalid_body', `invalid ${e.event} body: ${describeIssues(issues)}`, { issues }));
  }
  return ok({ ...e, body: parsed.data } as ValidatedEvent);
}

/** Wire format v1 JSON: the cc-backend body, flat, with `event`, `version`, `meta` in front. */
export function encodeJson(e: JobEvent): string {
  const v = validateEvent(e);
  if (!v.ok) throw v.error;
  return jsonText(e);
}

/** {@link encodeJson} of an event validateEvent already passed: the same text, without validating again. */
export function encodeValidatedJson(e: ValidatedEvent): string {
  return jsonText(e);
}

function jsonText(e: JobEvent): string {
  return JSON.stringify({ event: e.event, version: e.version, meta: e.meta, ...e.body });
}

export function decodeJson(text: string): Result<JobEvent, WireError> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    return err(new WireError('malformed_json', `message is not valid JSON: ${(cause as Error).message}`, { cause }));
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return err(new WireError('not_an_object', 'message JSON is not an object'));
  }
  const { event, version, meta, ...body } = raw as Record<string, unknown>;
  if (typeof event !== 'string' || !(EVENT_TYPES as readonly string[]).includes(event)) {
    return err(new WireError('unknown_event', `"event" must be one of ${EVENT_TYPES.join(', ')}, got ${JSON.stringify(event)}`));
  }
  if (version !== WIRE_VERSION) {
    return err(new WireError('unsupported_version', `unsupported wire format version ${JSON.stringify(version)} (this reader speaks ${WIRE_VERSION})`));
  }
  const m = eventMetaReadSchema.safeParse(meta ?? {});
  if (!m.success) {
    const issues = toFieldIssues(m.error, 'meta');
    return err(new WireError('invalid_meta', `invalid meta: ${describeIssues(issues)}`, { issues }));
  }
  return decodeBody(event as EventType, body, m.data);
}

/** Validates a bare cc-backend body of the given event type into an event. */
export function decodeBody(event: EventType, body: unknown, meta: Record<string, unknown> = {}): Result<JobEvent, WireError> {
  const parsed = parseBody(event, body);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error);
    return err(new WireError('invalid_body', `invalid ${event} body: ${describeIssues(issues)}`, { issues }));
  }
  return ok({ event, version: WIRE_VERSION, meta, body: parsed.data } as JobEvent);
}

function parseBody(event: EventType, body: unknown) {
  return event === 'start_job' ? parseStartJobBody(body) : stopJobBodySchema.safeParse(body);
}

/**
 * `startJobBodySchema.safeParse(body)`, with the same result, faster for long hwthreads lists:
 * zod runs four checks per list element (about 0.5 µs; a 100-node job on 128-thread nodes has
 * 12,800 elements). Lists whose elements are all integers in [0, 2^31) — a subset of what the
 * schema's int32().min(0) accepts — are checked here by one loop and left out of the zod run
 * (replaced by []); copies of them are put back at their place in zod's output. Anything else
 * (a list with other values, objects that are not plain data) goes through zod whole, and so
 * does the whole body whenever zod finds a problem, so results and error messages are zod's.
 */
function parseStartJobBody(body: unknown): ReturnType<typeof startJobBodySchema.safeParse> {
  const resources = isPlainData(body) ? body['resources'] : undefined;
  if (!Array.isArray(resources)) return startJobBodySchema.safeParse(body);
  let lifted: (number[] | undefined)[] | undefined;
  const light: unknown[] = resources.slice();
  for (let i = 0; i < resources.length; i++) {
    const r: unknown = resources[i];
    if (!isPlainData(r)) continue;
    const hw = r['hwthreads'];
    if (!Array.isArray(hw) || hw.length === 0 || !allUint31(hw)) continue;
    (lifted ??= [])[i] = hw;
    light[i] = { ...r, hwthreads: [] };
  }
  if (!lifted) return startJobBodySchema.safeParse(body);
  const parsed = startJobBodySchema.safeParse({ ...(body as Record<string, unknown>), resources: light });
  if (!parsed.success) return startJobBodySchema.safeParse(body);
  const out = parsed.data.resources;
  for (let i = 0; i < lifted.length; i++) {
    const hw = lifted[i];
    if (hw) out[i]!.hwthreads = hw.slice();
  }
  return parsed;
}

/** A plain object (Object prototype or none) without non-enumerable own properties: a spread copies what zod reads. */
function isPlainData(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.keys(v).length === Object.getOwnPropertyNames(v).length;
}

function allUint31(xs: readonly unknown[]): boolean {
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 2147483647) return false;
  }
  return true;
}
