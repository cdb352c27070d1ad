/**
 * Job state normalisation. Slurm gives the state as a string (≤ v0.0.39: `job_state`,
 * `state.current`) or as an array of a base state plus flags (≥ v0.0.40). In the string form
 * Slurm's job_state_string() prints a *flag* instead of the base state when one is set
 * (e.g. "COMPLETING", "REQUEUED", "CONFIGURING"), so a state may come without any base.
 */

/** Slurm's base job states (JOB_STATE_BASE), as job_state_string() spells them. */
export const SLURM_BASE_STATES = [
  'PENDING',
  'RUNNING',
  'SUSPENDED',
  'COMPLETED',
  'CANCELLED',
  'FAILED',
  'TIMEOUT',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'OUT_OF_MEMORY',
] as const;
export type SlurmBaseState = (typeof SLURM_BASE_STATES)[number];

const BASE = new Set<string>(SLURM_BASE_STATES);
/** Spellings seen in other tools / older outputs. */
const ALIASES: Record<string, string> = { COMPLETE: 'COMPLETED', OOM: 'OUT_OF_MEMORY', CANCELED: 'CANCELLED', NODEFAIL: 'NODE_FAIL' };

export function isBaseState(s: string): s is SlurmBaseState {
  return BASE.has(s);
}

/**
 * Splits a state value into the base state and the flags. When the value carries no base
 * state, `state` is its first flag (e.g. "COMPLETING") and `flags` the rest. `undefined` when
 * the value has no usable token at all.
 */
export function normaliseState(v: unknown): { state: string; flags: string[] } | undefined {
  let tokens: string[] = [];
  if (typeof v === 'string') tokens = v.split(/[\s,|+]+/);
  else if (Array.isArray(v)) tokens = v.filter((x): x is string => typeof x === 'string');
  tokens = tokens.map((t) => t.trim().toUpperCase()).filter((t) => t !== '');
  // sacct text says "CANCELLED by 0"; drop "BY" and the uid after it.
  const byAt = tokens.indexOf('BY');
  if (byAt >= 0) tokens = tokens.slice(0, byAt);
  tokens = tokens.map((t) => ALIASES[t] ?? t);
  if (tokens.length === 0) return undefined;
  const baseAt = tokens.findIndex((t) => BASE.has(t));
  if (baseAt < 0) return { state: tokens[0] as string, flags: dedupe(tokens.slice(1)) };
  const state = tokens[baseAt] as string;
  return { state, flags: dedupe(tokens.filter((_, i) => i !== baseAt)) };
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}
