import { err, type Result } from '../errors.js';
import type { JobEvent } from './envelope.js';
import { WireError } from './errors.js';
import { CONTENT_TYPE, HEADER, type EventType } from './headers.js';
import { decodeJson, encodeJson, encodeValidatedJson, type ValidatedEvent } from './json-codec.js';
import { decodeLineProtocol, encodeLineProtocol, encodeValidatedLineProtocol } from './line-protocol.js';
import { eventMsgId, eventSubject } from './subject.js';

export type MessageFormat = 'json' | 'ccmessage';

/** Everything needed to publish one event: subject, payload and headers (incl. `Nats-Msg-Id`). */
export interface EventMessage {
  subject: string;
  data: Uint8Array;
  headers: Record<string, string>;
  msgId: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export interface EncodeEventOptions {
  /** Subject prefix (`<natsSubject>.<cluster>.<event>`). */
  natsSubject: string;
  format?: MessageFormat;
  /**
   * The event is a ValidatedEvent (validateEvent's output), so it is not validated again. The
   * type system holds callers to it: `prevalidated: true` only accepts a ValidatedEvent.
   */
  prevalidated?: boolean;
}

/** Builds the NATS message of an event. Throws WireError if the event is not valid (writing is strict). */
export function encodeEventMessage(e: ValidatedEvent, opts: EncodeEventOptions & { prevalidated: true }): EventMessage;
export function encodeEventMessage(e: JobEvent, opts: EncodeEventOptions & { prevalidated?: false }): EventMessage;
export function encodeEventMessage(e: JobEvent, opts: EncodeEventOptions): EventMessage {
  const format = opts.format ?? 'json';
  const cluster = e.body.cluster ?? '';
  const subject = subjectOf(opts.natsSubject, cluster, e.event);
  // stop_job always carries startTime in what we publish; the id falls back to 0 for foreign events.
  const startTime = e.body.startTime ?? 0;
  const msgId = eventMsgId(cluster, e.body.jobId, startTime, e.event);
  const text = opts.prevalidated
    ? format === 'json'
      ? encodeValidatedJson(e as ValidatedEvent)
      : encodeValidatedLineProtocol(e as ValidatedEvent)
    : format === 'json'
      ? encodeJson(e)
      : encodeLineProtocol(e);
  return {
    subject,
    data: encoder.encode(text),
    msgId,
    headers: {
      [HEADER.msgId]: msgId,
      [HEADER.event]: e.event,
      [HEADER.cluster]: cluster,
      [HEADER.jobId]: String(e.body.jobId),
      [HEADER.startTime]: String(startTime),
      [HEADER.contentType]: format === 'json' ? CONTENT_TYPE.json : CONTENT_TYPE.lineProtocol,
    },
  };
}

// The prefix and cluster last checked by eventSubject: a publisher encodes many events of one
// cluster under one prefix, and checking them costs a split and three regex tests per event.
let checkedPrefix: string | undefined;
let checkedCluster: string | undefined;

/** eventSubject(), skipping the checks for the prefix and cluster it last accepted. */
function subjectOf(natsSubject: string, cluster: string, event: EventType): string {
  if (natsSubject === checkedPrefix && cluster === checkedCluster) return `${natsSubject}.${cluster}.${event}`;
  const subject = eventSubject(natsSubject, cluster, event);
  checkedPrefix = natsSubject;
  checkedCluster = cluster;
  return subject;
}

/**
 * Decodes a message in either format. The Content-Type header decides when present; otherwise a
 * payload starting with `{` is JSON and anything else line protocol (the Go adapter sets no headers).
 */
export function decodeEventMessage(data: Uint8Array, contentType?: string): Result<JobEvent, WireError> {
  let text: string;
  try {
    text = decoder.decode(data);
  } catch (cause) {
    return err(new WireError('not_utf8', 'message payload is not valid UTF-8', { cause }));
  }
  const ct = contentType?.toLowerCase();
  const isJson = ct ? ct.startsWith(CONTENT_TYPE.json) : text.trimStart().startsWith('{');
  return isJson ? decodeJson(text) : decodeLineProtocol(text);
}
