/**
 * DESIGN §5 as data: how the forwarder reacts to each cc-backend answer. The first matching rule
 * wins. `classify` is pure; the consumer loop turns the action into ack / nak / term / pause.
 */
import type { EventType } from '@cc-slurm-bridge/shared';

/** What cc-backend (or the network) answered to one POST. */
export type PostResult =
  | { kind: 'http'; status: number; body: string; location?: string | undefined }
  | { kind: 'network'; code: string; message: string };

export type Action =
  /** Final success: ack. */
  | 'ack'
  /** Already there (start 422) or already stopped (stop 422): ack, counted separately. */
  | 'ack_idempotent'
  /** The job's start is not in cc-backend yet: park or nak with delay; dead-letter after stopNotFoundTimeout. */
  | 'stop_not_found'
  /** A permanent rejection of this message: dead-letter at once, never retried. */
  | 'dead_letter'
  /** Transient, probably this message only (500, 429): nak with exponential back-off. */
  | 'retry'
  /** cc-backend unreachable or overloaded: nak with back-off; repeated, it opens the breaker (pause). */
  | 'backend_down'
  /** Nothing can succeed until an operator acts (token, URL, NATS job API): stop consuming, probe. */
  | 'pause';

export type PauseCause = 'unauthorized' | 'forbidden' | 'endpoint_missing' | 'redirect' | 'backend_unavailable';

export interface Rule {
  /** Name of the DESIGN §5 row (or of the extra rule) — used in logs, metrics and test names. */
  row: string;
  event?: EventType;
  /** A status, an inclusive range, or 'network' for answers without an HTTP status. */
  status?: number | readonly [number, number] | 'network';
  /** Substring the response body must contain. */
  bodyIncludes?: string;
  action: Action;
  /** Machine-readable reason (DLQ `Cc-Dlq-Reason`, pause cause, log field). */
  reason: string;
  pauseCause?: PauseCause;
  /** Log text that names the likely cause (pauses). */
  hint?: string;
}

export const ENDPOINT_MISSING_TEXT = 'the requested endpoint does not exist';
export const STOP_NOT_FOUND_TEXT = 'finding job failed';

export const RULES: readonly Rule[] = [
  // §5 row 1
  { row: 'start 201', event: 'start_job', status: 201, action: 'ack', reason: 'started' },
  { row: 'stop 200', event: 'stop_job', status: 200, action: 'ack', reason: 'stopped' },
  // §5 row 2
  { row: 'start 422 (already exists)', event: 'start_job', status: 422, action: 'ack_idempotent', reason: 'already_exists' },
  { row: 'stop 422 (already stopped)', event: 'stop_job', status: 422, action: 'ack_idempotent', reason: 'already_stopped' },
  // §5 row 6: a 404 that says the route does not exist (checked before the stop-404 row).
  {
    row: '404 endpoint does not exist',
    status: 404,
    bodyIncludes: ENDPOINT_MISSING_TEXT,
    action: 'pause',
    reason: 'endpoint_missing',
    pauseCause: 'endpoint_missing',
    hint:
      'cc-backend answers "the requested endpoint does not exist" for the job API: either it runs its NATS job API ' +
      '(main.api-subjects is set, which unmounts REST start_job/stop_job) or ccRestUrl is wrong',
  },
  // §5 row 3
  { row: 'stop 404 (start not applied yet)', event: 'stop_job', status: 404, bodyIncludes: STOP_NOT_FOUND_TEXT, action: 'stop_not_found', reason: 'stop_not_found' },
  // §5 row 6: start never answers 404 when the route exists.
  {
    row: 'start 404',
    event: 'start_job',
    status: 404,
    action: 'pause',
    reason: 'endpoint_missing',
    pauseCause: 'endpoint_missing',
    hint: 'start_job answered 404: REST start/stop is unmounted (cc-backend runs its NATS job API) or ccRestUrl points elsewhere',
  },
  {
    row: 'stop 404 (other body)',
    event: 'stop_job',
    status: 404,
    action: 'pause',
    reason: 'endpoint_missing',
    pauseCause: 'endpoint_missing',
    hint: 'stop_job answered 404 without cc-backend\'s "finding job failed": ccRestUrl probably points at something other than cc-backend',
  },
  // §5 row 4
  { row: '400 (validation)', status: 400, action: 'dead_letter', reason: 'bad_request' },
  // §5 row 5
  {
    row: '401 (token)',
    status: 401,
    action: 'pause',
    reason: 'unauthorized',
    pauseCause: 'unauthorized',
    hint: 'cc-backend rejects the token: check ccRestJwt / ccRestJwtFile (role must be exactly "api", EdDSA, not expired) and api-allowed-ips',
  },
  {
    row: '403 (forbidden)',
    status: 403,
    action: 'pause',
    reason: 'forbidden',
    pauseCause: 'forbidden',
    hint: 'cc-backend or a proxy in front of it answers 403: check the proxy rules for /api/jobs/',
  },
  {
    row: '405 (method not allowed)',
    status: 405,
    action: 'pause',
    reason: 'endpoint_missing',
    pauseCause: 'endpoint_missing',
    hint: 'the job API answered 405: ccRestUrl points at something other than cc-backend',
  },
  {
    row: '3xx (redirect)',
    status: [300, 399],
    action: 'pause',
    reason: 'redirect',
    pauseCause: 'redirect',
    hint: 'the job API answered with a redirect (not followed): fix ccRestUrl (http vs https, host name, path prefix)',
  },
  // §5 row 7
  { row: '500', status: 500, action: 'retry', reason: 'server_error' },
  { row: '502/503/504', status: [502, 504], action: 'backend_down', reason: 'backend_unavailable', pauseCause: 'backend_unavailable' },
  { row: 'timeout / connection refused / reset', status: 'network', action: 'backend_down', reason: 'network_error', pauseCause: 'backend_unavailable' },
  // Not in the table: answers a proxy may give.
  { row: '408 (request timeout)', status: 408, action: 'retry', reason: 'throttled' },
  { row: '429 (rate limited)', status: 429, action: 'retry', reason: 'throttled' },
  { row: 'other 2xx', status: [200, 299], action: 'ack', reason: 'unexpected_success' },
  { row: 'other 4xx', status: [400, 499], action: 'dead_letter', reason: 'client_error' },
  { row: 'other 5xx', status: [500, 599], action: 'retry', reason: 'server_error' },
];

const FALLBACK: Rule = { row: 'unexpected status', action: 'retry', reason: 'unexpected_status' };

function statusMatches(rule: Rule, r: PostResult): boolean {
  if (rule.status === undefined) return true;
  if (rule.status === 'network') return r.kind === 'network';
  if (r.kind !== 'http') return false;
  if (typeof rule.status === 'number') return r.status === rule.status;
  return r.status >= rule.status[0] && r.status <= rule.status[1];
}

/** The rule for one answer to one event. Never throws. */
export function classify(event: EventType, r: PostResult): Rule {
  for (const rule of RULES) {
    if (rule.event !== undefined && rule.event !== event) continue;
    if (!statusMatches(rule, r)) continue;
    if (rule.bodyIncludes !== undefined && !(r.kind === 'http' && r.body.includes(rule.bodyIncludes))) continue;
    return rule;
  }
  return FALLBACK;
}

/** Final outcomes are acked/termed; the rest are retried. */
export function isFinal(a: Action): boolean {
  return a === 'ack' || a === 'ack_idempotent' || a === 'dead_letter';
}
