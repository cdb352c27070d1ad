/**
 * The dead-letter stream.
 *
 * Format of one dead letter (a message in the DLQ stream, subject
 * `<natsSubject>_dlq.<cluster>.<event>`):
 *  - payload: the original message payload, byte for byte (JSON v1 or line protocol);
 *  - headers: every original header except `Nats-Msg-Id`, plus the `Cc-Dlq-*` headers of
 *    {@link DLQ_HEADER}. Free-text values (detail, response body) are JSON-string escaped
 *    (no surrounding quotes) so they fit on one header line; the response body is cut to
 *    {@link MAX_RESPONSE_BYTES}.
 *  - `Nats-Msg-Id: ccsb-dlq:<stream>:<seq>`: a crash between dead-lettering and the term of the
 *    original cannot create a second entry (within the DLQ stream's duplicate window).
 *
 * Replay re-publishes payload and original headers to the original subject with
 * `Nats-Msg-Id: <original id>:replay-<ms>` (so the event stream's dedupe does not swallow it),
 * waits for the PubAck, then deletes the dead letter.
 */
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { HEADER, dlqStreamNameOf, dlqStreamSubject, dlqSubject, isValidSubjectToken, type NatsSettings } from '@cc-slurm-bridge/shared';

export const DLQ_HEADER = {
  /** Machine-readable reason: bad_request, invalid_message, stop_not_found_timeout, max_deliveries, client_error, … */
  reason: 'Cc-Dlq-Reason',
  /** Human-readable explanation (JSON-string escaped). */
  detail: 'Cc-Dlq-Detail',
  /** HTTP status of the last attempt; absent when none was made or none came back. */
  status: 'Cc-Dlq-Status',
  /** Response body of the last attempt, at most 4 KiB (JSON-string escaped). */
  response: 'Cc-Dlq-Response',
  originalSubject: 'Cc-Dlq-Original-Subject',
  originalStream: 'Cc-Dlq-Original-Stream',
  originalSeq: 'Cc-Dlq-Original-Seq',
  originalMsgId: 'Cc-Dlq-Original-Msg-Id',
  /** Original publish time (ISO 8601). */
  originalTime: 'Cc-Dlq-Original-Time',
  /** JetStream delivery count when dead-lettered. */
  deliveries: 'Cc-Dlq-Deliveries',
  /** First and last POST attempt by this forwarder process (ISO 8601); absent if never posted. */
  firstAttempt: 'Cc-Dlq-First-Attempt',
  lastAttempt: 'Cc-Dlq-Last-Attempt',
  /** When it was dead-lettered (ISO 8601). */
  time: 'Cc-Dlq-Time',
  consumer: 'Cc-Dlq-Consumer',
} as const;

export const MAX_RESPONSE_BYTES = 4096;
const DLQ_ID_PREFIX = 'ccsb-dlq';

/** Why and how a message is dead-lettered. */
export interface DeadLetterInfo {
  reason: string;
  detail: string;
  status?: number | undefined;
  response?: string | undefined;
  deliveries: number;
  firstAttempt?: Date | undefined;
  lastAttempt?: Date | undefined;
}

/** The original message as read from the event stream. */
export interface OriginalMessage {
  subject: string;
  seq: number;
  data: Uint8Array;
  headers: MsgHdrs | undefined;
  time?: Date | undefined;
}

/** Escapes free text for one header line. */
export function escapeHeaderText(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

export function unescapeHeaderText(s: string): string {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
export function truncateUtf8(s: string, max: number): string {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= max) return s;
  let end = max;
  while (end > 0 && ((b[end] ?? 0) & 0xc0) === 0x80) end--;
  return `${b.subarray(0, end).toString('utf8')}…[truncated ${b.length - end} bytes]`;
}

/** cluster and event tokens for the DLQ subject: from headers, else from the original subject. */
function routeOf(orig: OriginalMessage, natsSubject: string): { cluster: string; event: string } {
  const fromSubject = orig.subject.startsWith(`${natsSubject}.`) ? orig.subject.slice(natsSubject.length + 1).split('.') : [];
  const pick = (header: string, fallbackToken: string | undefined, dflt: string): string => {
    const h = orig.headers?.get(header) ?? '';
    if (h && isValidSubjectToken(h)) return h;
    if (fallbackToken && isValidSubjectToken(fallbackToken)) return fallbackToken;
    return dflt;
  };
  return {
    cluster: pick(HEADER.cluster, fromSubject.length === 2 ? fromSubject[0] : undefined, '_unknown'),
    event: pick(HEADER.event, fromSubject.length === 2 ? fromSubject[1] : undefined, '_unknown'),
  };
}

export function dlqMsgId(stream: string, seq: number): string {
  return `${DLQ_ID_PREFIX}:${stream}:${seq}`;
}

/** Builds subject, headers and msg id of the dead letter for `orig`. */
export function buildDeadLetter(
  s: Pick<NatsSettings, 'natsSubject' | 'streamName' | 'consumerName'>,
  orig: OriginalMessage,
  info: DeadLetterInfo,
  now = new Date(),
): { subject: string; headers: MsgHdrs; msgId: string } {
  const { cluster, event } = routeOf(orig, s.natsSubject);
  const h = natsHeaders();
  if (orig.headers) {
    for (const [k, vs] of orig.headers) {
      if (k.toLowerCase() === HEADER.msgId.toLowerCase() || k.toLowerCase().startsWith('cc-dlq-') || k.toLowerCase().startsWith('nats-')) continue;
      for (const v of vs) h.append(k, v);
    }
  }
  const set = (k: string, v: string | undefined): void => {
    if (v !== undefined && v !== '') h.set(k, v);
  };
  set(DLQ_HEADER.reason, info.reason);
  set(DLQ_HEADER.detail, escapeHeaderText(truncateUtf8(info.detail, 1024)));
  set(DLQ_HEADER.status, info.status === undefined ? undefined : String(info.status));
  set(DLQ_HEADER.response, info.response === undefined ? undefined : escapeHeaderText(truncateUtf8(info.response, MAX_RESPONSE_BYTES)));
  set(DLQ_HEADER.originalSubject, orig.subject);
  set(DLQ_HEADER.originalStream, s.streamName);
  set(DLQ_HEADER.originalSeq, String(orig.seq));
  set(DLQ_HEADER.originalMsgId, orig.headers?.get(HEADER.msgId) || undefined);
  set(DLQ_HEADER.originalTime, orig.time?.toISOString());
  set(DLQ_HEADER.deliveries, String(info.deliveries));
  set(DLQ_HEADER.firstAttempt, info.firstAttempt?.toISOString());
  set(DLQ_HEADER.lastAttempt, info.lastAttempt?.toISOString());
  set(DLQ_HEADER.time, now.toISOString());
  set(DLQ_HEADER.consumer, s.consumerName);
  const msgId = dlqMsgId(s.streamName, orig.seq);
  h.set(HEADER.msgId, msgId);
  return { subject: dlqSubject(s, cluster, event), headers: h, msgId };
}

/** Publishes the dead letter and waits for the DLQ stream's PubAck. Throws if it is not stored. */
export async function publishDeadLetter(
  js: JetStreamClient,
  s: Pick<NatsSettings, 'natsSubject' | 'streamName' | 'consumerName' | 'dlqStreamName'>,
  orig: OriginalMessage,
  info: DeadLetterInfo,
  timeoutMs = 10_000,
): Promise<{ subject: string; seq: number; duplicate: boolean }> {
  const dl = buildDeadLetter(s, orig, info);
  const ack = await js.publish(dl.subject, orig.data, {
    headers: dl.headers,
    msgID: dl.msgId,
    expect: { streamName: dlqStreamNameOf(s) },
    timeout: timeoutMs,
  });
  return { subject: dl.subject, seq: ack.seq, duplicate: ack.duplicate };
}

// --- reading, replaying and purging (the `dlq` CLI) ---------------------------------------------

/** One dead letter as the CLI shows it. */
export interface DeadLetter {
  /** Sequence in the DLQ stream. */
  seq: number;
  /** When it was stored in the DLQ stream. */
  time: string;
  subject: string;
  reason: string;
  detail: string;
  status: number | undefined;
  response: string | undefined;
  originalSubject: string;
  originalSeq: number | undefined;
  originalMsgId: string | undefined;
  deliveries: number | undefined;
  firstAttempt: string | undefined;
  lastAttempt: string | undefined;
  cluster: string | undefined;
  jobId: string | undefined;
  startTime: string | undefined;
  event: string | undefined;
  /** The original headers (without Cc-Dlq-*). */
  headers: Record<string, string[]>;
  /** The original payload (UTF-8). */
  payload: string;
  data: Uint8Array;
}

export interface DeadLetterFilter {
  cluster?: string | undefined;
  jobId?: string | undefined;
  reason?: string | undefined;
  event?: string | undefined;
  seq?: number | undefined;
}

export function matchesFilter(d: DeadLetter, f: DeadLetterFilter): boolean {
  if (f.cluster !== undefined && d.cluster !== f.cluster) return false;
  if (f.jobId !== undefined && d.jobId !== String(f.jobId)) return false;
  if (f.reason !== undefined && d.reason !== f.reason) return false;
  if (f.event !== undefined && d.event !== f.event) return false;
  if (f.seq !== undefined && d.seq !== f.seq) return false;
  return true;
}

export function hasFilter(f: DeadLetterFilter): boolean {
  return Object.values(f).some((v) => v !== undefined);
}

function toDeadLetter(m: { seq: number; subject: string; header: MsgHdrs; data: Uint8Array; time: Date }): DeadLetter {
  const h = m.header;
  const get = (k: string): string | undefined => {
    const v = h?.get(k);
    return v ? v : undefined;
  };
  const headers: Record<string, string[]> = {};
  if (h) {
    for (const [k, vs] of h) {
      if (k.toLowerCase().startsWith('cc-dlq-') || k === HEADER.msgId) continue;
      headers[k] = [...vs];
    }
  }
  const num = (v: string | undefined): number | undefined => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  const response = get(DLQ_HEADER.response);
  return {
    seq: m.seq,
    time: m.time.toISOString(),
    subject: m.subject,
    reason: get(DLQ_HEADER.reason) ?? 'unknown',
    detail: unescapeHeaderText(get(DLQ_HEADER.detail) ?? ''),
    status: num(get(DLQ_HEADER.status)),
    response: response === undefined ? undefined : unescapeHeaderText(response),
    originalSubject: get(DLQ_HEADER.originalSubject) ?? '',
    originalSeq: num(get(DLQ_HEADER.originalSeq)),
    originalMsgId: get(DLQ_HEADER.originalMsgId),
    deliveries: num(get(DLQ_HEADER.deliveries)),
    firstAttempt: get(DLQ_HEADER.firstAttempt),
    lastAttempt: get(DLQ_HEADER.lastAttempt),
    cluster: get(HEADER.cluster),
    jobId: get(HEADER.jobId),
    startTime: get(HEADER.startTime),
    event: get(HEADER.event),
    headers,
    payload: new TextDecoder().decode(m.data),
    data: m.data,
  };
}

/** Every dead letter matching the filter, oldest first (reads by sequence; no consumer is created). */
export async function listDeadLetters(jsm: JetStreamManager, s: NatsSettings, filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
  const stream = dlqStreamNameOf(s);
  const subj = dlqStreamSubject(s);
  const out: DeadLetter[] = [];
  let seq = filter.seq ?? 1;
  for (;;) {
    const m = await jsm.streams.getMessage(stream, { seq, next_by_subj: subj } as unknown as { seq: number });
    if (!m) break;
    const d = toDeadLetter(m);
    if (matchesFilter(d, filter)) out.push(d);
    if (filter.seq !== undefined) break;
    seq = m.seq + 1;
  }
  return out;
}

/** Re-publishes one dead letter to its original subject and removes it from the DLQ. */
export async function replayDeadLetter(
  js: JetStreamClient,
  jsm: JetStreamManager,
  s: NatsSettings,
  d: DeadLetter,
  now = Date.now(),
): Promise<{ subject: string; msgId: string; seq: number }> {
  if (!d.originalSubject) throw new Error(`dead letter ${d.seq} has no ${DLQ_HEADER.originalSubject} header`);
  const h = natsHeaders();
  for (const [k, vs] of Object.entries(d.headers)) for (const v of vs) h.append(k, v);
  const msgId = `${d.originalMsgId ?? `${DLQ_ID_PREFIX}-${d.seq}`}:replay-${now}`;
  h.set(HEADER.msgId, msgId);
  const ack = await js.publish(d.originalSubject, d.data, { headers: h, msgID: msgId, expect: { streamName: s.streamName } });
  await jsm.streams.deleteMessage(dlqStreamNameOf(s), d.seq, false);
  return { subject: d.originalSubject, msgId, seq: ack.seq };
}

export async function deleteDeadLetter(jsm: JetStreamManager, s: NatsSettings, seq: number): Promise<void> {
  await jsm.streams.deleteMessage(dlqStreamNameOf(s), seq, false);
}

/** Number of dead letters (stream message count). */
export async function deadLetterCount(jsm: JetStreamManager, s: NatsSettings): Promise<number> {
  const si = await jsm.streams.info(dlqStreamNameOf(s));
  return si.state.messages;
}

export async function dlqClients(nc: NatsConnection): Promise<{ js: JetStreamClient; jsm: JetStreamManager }> {
  return { js: jetstream(nc), jsm: await jetstreamManager(nc) };
}
