import { BridgeError } from '../errors.js';
import type { EventType } from './headers.js';

// A NATS subject token: non-empty, no separators, wildcards or whitespace.
const TOKEN = /^[^\s.*>]+$/;

export class SubjectError extends BridgeError<'invalid_cluster_token' | 'invalid_subject_prefix'> {}

export function isValidSubjectToken(s: string): boolean {
  return TOKEN.test(s) && !/[\u0000-\u001f\u007f]/.test(s);
}

/** Throws a SubjectError unless `cluster` can stand as one subject token. */
export function assertClusterToken(cluster: string): void {
  if (!isValidSubjectToken(cluster)) {
    throw new SubjectError(
      'invalid_cluster_token',
      `cluster name ${JSON.stringify(cluster)} is not a valid NATS subject token (no '.', '*', '>', whitespace or control characters, not empty)`,
    );
  }
}

/** Throws a SubjectError unless `prefix` is a dot-separated list of valid tokens (e.g. `jobs`, `site.jobs`). */
export function assertSubjectPrefix(prefix: string): void {
  if (!prefix.split('.').every(isValidSubjectToken)) {
    throw new SubjectError(
      'invalid_subject_prefix',
      `subject prefix ${JSON.stringify(prefix)} is not a dot-separated list of valid NATS subject tokens`,
    );
  }
}

/** `<natsSubject>.<cluster>.<event>`, e.g. `jobs.fritz.start_job`. */
export function eventSubject(natsSubject: string, cluster: string, event: EventType): string {
  assertSubjectPrefix(natsSubject);
  assertClusterToken(cluster);
  return `${natsSubject}.${cluster}.${event}`;
}

/** Deterministic `Nats-Msg-Id`: `<cluster>:<jobId>:<startTime>:<event>`, so republishing is free. */
export function eventMsgId(cluster: string, jobId: number, startTime: number, event: EventType): string {
  return `${cluster}:${jobId}:${startTime}:${event}`;
}
