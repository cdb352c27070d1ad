/**
 * The one line the hook sends to the daemon (newline-terminated JSON). Built from the
 * environment slurmctld gives PrologSlurmctld / EpilogSlurmctld (REPORT G10). No imports beyond
 * node: the hook path must start fast.
 */
export interface HookMessage {
  v: 1;
  /** `prolog_slurmctld`, `epilog_slurmctld`, or whatever SLURM_SCRIPT_CONTEXT said. */
  context: string;
  /** SLURM_JOB_ID: the job's own id (an array task's own id). */
  jobId: number;
  arrayJobId?: number;
  arrayTaskId?: number;
  cluster?: string;
  /** SLURM_JOB_EXIT_CODE (raw wait status) and SLURM_JOB_EXIT_CODE2 (`exit:signal`), epilog only. */
  exitCode?: number;
  exitCode2?: string;
  derivedExitCode?: string;
  /** When the hook ran, epoch ms. */
  sentAt: number;
}

function int(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  const n = Number(v.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The message for this environment, or an error text when SLURM_JOB_ID is missing. */
export function hookMessageFromEnv(env: NodeJS.ProcessEnv, now = Date.now()): HookMessage | string {
  const jobId = int(env.SLURM_JOB_ID ?? env.SLURM_JOBID);
  if (jobId === undefined) return 'SLURM_JOB_ID is not set: the hook must run as PrologSlurmctld/EpilogSlurmctld';
  const m: HookMessage = { v: 1, context: env.SLURM_SCRIPT_CONTEXT ?? 'unknown', jobId, sentAt: now };
  const a = int(env.SLURM_ARRAY_JOB_ID);
  if (a !== undefined) m.arrayJobId = a;
  const t = int(env.SLURM_ARRAY_TASK_ID);
  if (t !== undefined) m.arrayTaskId = t;
  if (env.SLURM_CLUSTER_NAME) m.cluster = env.SLURM_CLUSTER_NAME;
  const ec = int(env.SLURM_JOB_EXIT_CODE);
  if (ec !== undefined) m.exitCode = ec;
  if (env.SLURM_JOB_EXIT_CODE2) m.exitCode2 = env.SLURM_JOB_EXIT_CODE2;
  if (env.SLURM_JOB_DERIVED_EC) m.derivedExitCode = env.SLURM_JOB_DERIVED_EC;
  return m;
}

/** Validates a received line; undefined when it is not a hook message. */
export function parseHookMessage(line: string): HookMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (r.v !== 1 || typeof r.jobId !== 'number' || !Number.isSafeInteger(r.jobId) || r.jobId <= 0) return undefined;
  const m: HookMessage = { v: 1, context: typeof r.context === 'string' ? r.context : 'unknown', jobId: r.jobId, sentAt: typeof r.sentAt === 'number' ? r.sentAt : Date.now() };
  if (typeof r.arrayJobId === 'number') m.arrayJobId = r.arrayJobId;
  if (typeof r.arrayTaskId === 'number') m.arrayTaskId = r.arrayTaskId;
  if (typeof r.cluster === 'string' && r.cluster) m.cluster = r.cluster;
  if (typeof r.exitCode === 'number') m.exitCode = r.exitCode;
  if (typeof r.exitCode2 === 'string') m.exitCode2 = r.exitCode2;
  if (typeof r.derivedExitCode === 'string') m.derivedExitCode = r.derivedExitCode;
  return m;
}
