/**
 * Slurm job state → cc-backend stop state (CONTRACT §8.1: 12 states, of which a stop may only
 * carry the 9 final ones — never running/pending/suspended).
 *
 * | Slurm (base state or, in ≤ v0.0.39 string form, flag) | cc-backend | note |
 * |---|---|---|
 * | COMPLETED | completed | |
 * | FAILED | failed | |
 * | CANCELLED | cancelled | |
 * | TIMEOUT | timeout | |
 * | NODE_FAIL | node_fail | (the Go adapter rewrites it to failed; cc-backend accepts node_fail) |
 * | OUT_OF_MEMORY | out_of_memory | |
 * | PREEMPTED | preempted | |
 * | BOOT_FAIL | boot_fail | |
 * | DEADLINE | deadline | |
 * | REQUEUED, REQUEUE_FED, REQUEUE_HOLD | cancelled + warning | this run was stopped from outside and the job queued again; its next run is a new cc-backend job |
 * | REVOKED | cancelled + warning | federation: the job runs on a sibling cluster |
 * | RESV_DEL_HOLD | cancelled + warning | held because its reservation was deleted |
 * | SPECIAL_EXIT | failed + warning | requeued in special-exit state after a failure |
 * | LAUNCH_FAILED, RECONFIG_FAIL | failed + warning | |
 * | any other (unknown) token | — | not known to be final: no stop, with a warning (a ctld record of a running job carries an expected end_time, so an unknown state is not proof of an end) |
 * | PENDING, RUNNING, SUSPENDED, CONFIGURING, RESIZING, STOPPED, SIGNALING, POWER_UP_NODE, UPDATE_DB | — | not ended: no stop |
 * | COMPLETING, STAGE_OUT without a base state | — | ending, final state not known yet: no stop (a later poll gives it) |
 */
import type { FinalJobState } from '@cc-slurm-bridge/shared';

export type StopStateDecision =
  | { ended: true; state: FinalJobState; note?: string }
  | { ended: false; reason: string };

const DIRECT: Record<string, FinalJobState> = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TIMEOUT: 'timeout',
  NODE_FAIL: 'node_fail',
  OUT_OF_MEMORY: 'out_of_memory',
  PREEMPTED: 'preempted',
  BOOT_FAIL: 'boot_fail',
  DEADLINE: 'deadline',
};

const SUBSTITUTE: Record<string, { state: FinalJobState; why: string }> = {
  REQUEUED: { state: 'cancelled', why: 'the run was requeued (its next run is a new cc-backend job)' },
  REQUEUE_FED: { state: 'cancelled', why: 'the run was requeued by the federation' },
  REQUEUE_HOLD: { state: 'cancelled', why: 'the run was requeued and held' },
  REVOKED: { state: 'cancelled', why: 'the job was revoked (it runs on a sibling cluster)' },
  RESV_DEL_HOLD: { state: 'cancelled', why: 'the job was held because its reservation was deleted' },
  SPECIAL_EXIT: { state: 'failed', why: 'the job ended in SPECIAL_EXIT' },
  LAUNCH_FAILED: { state: 'failed', why: 'the launch failed' },
  RECONFIG_FAIL: { state: 'failed', why: 'node reconfiguration failed' },
};

/** Every state token stopState() decides as ended (base states and the substituted flags). */
export const ENDED_STATES: ReadonlySet<string> = new Set([...Object.keys(DIRECT), ...Object.keys(SUBSTITUTE)]);

const NOT_ENDED = new Set(['PENDING', 'RUNNING', 'SUSPENDED', 'CONFIGURING', 'RESIZING', 'STOPPED', 'SIGNALING', 'POWER_UP_NODE', 'UPDATE_DB']);
const ENDING = new Set(['COMPLETING', 'STAGE_OUT']);

/** Decides whether a job (base state + flags) has ended, and with which cc-backend state. */
export function stopState(state: string, flags: readonly string[] = []): StopStateDecision {
  const direct = DIRECT[state];
  if (direct) return { ended: true, state: direct };
  if (NOT_ENDED.has(state)) return { ended: false, reason: `state ${state}` };
  if (ENDING.has(state)) return { ended: false, reason: `state ${state}: the final state is not known yet` };
  if (state === 'UNKNOWN') return { ended: false, reason: 'state unknown' };
  const sub = SUBSTITUTE[state];
  if (sub) return { ended: true, state: sub.state, note: `Slurm state ${state} mapped to ${sub.state}: ${sub.why}` };
  void flags;
  return { ended: false, reason: `unknown Slurm state ${state}: not known to be final` };
}

/** Slurm states in which the job holds (or held) an allocation it ran on. */
export function hasRun(state: string): boolean {
  return state !== 'PENDING' && state !== 'CONFIGURING' && state !== 'UNKNOWN';
}
