import { z } from 'zod';

/** cc-backend's 12 job states (CONTRACT §8.1), exactly as cc-lib spells them. */
export const JOB_STATES = [
  'boot_fail',
  'cancelled',
  'completed',
  'deadline',
  'failed',
  'node_fail',
  'out_of_memory',
  'pending',
  'preempted',
  'running',
  'suspended',
  'timeout',
] as const;

export type JobState = (typeof JOB_STATES)[number];
export const jobStateSchema = z.enum(JOB_STATES);

/** States a stop_job may carry: cc-backend accepts running/pending/suspended on stop but a bridge must never send them (CONTRACT §2.3). */
export const FINAL_JOB_STATES = [
  'boot_fail',
  'cancelled',
  'completed',
  'deadline',
  'failed',
  'node_fail',
  'out_of_memory',
  'preempted',
  'timeout',
] as const satisfies readonly JobState[];
export type FinalJobState = (typeof FINAL_JOB_STATES)[number];
export const finalJobStateSchema = z.enum(FINAL_JOB_STATES);

export function isJobState(s: string): s is JobState {
  return (JOB_STATES as readonly string[]).includes(s);
}
