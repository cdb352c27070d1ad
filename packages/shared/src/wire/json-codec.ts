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
  const parsed = bodySchemaFor(e.event).safeParse(e.body);
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
  const parsed = bodySchemaFor(event).safeParse(body);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error);
    return err(new WireError('invalid_body', `invalid ${event} body: ${describeIssues(issues)}`, { issues }));
  }
  return ok({ event, version: WIRE_VERSION, meta, body: parsed.data } as JobEvent);
}

function bodySchemaFor(event: EventType) {
  return event === 'start_job' ? startJobBodySchema : stopJobBodySchema;
}
