/**
 * Normalised Slurm job → cc-backend start_job / stop_job events (DESIGN §3, CONTRACT §1–§2).
 *
 * Decisions:
 * - jobId: the record's own job_id (an array task's own id), arrayJobId the master (0 if none).
 * - walltime: Slurm minutes × 60. An UNLIMITED or unknown limit leaves `walltime` out, which
 *   cc-backend stores as 0 ("no limit known", so its optional stop-exceeding-walltime task
 *   ignores the job). The 365-day limit backfill gives unlimited jobs (525600 min) is a real
 *   limit to Slurm and is passed on as 31536000 s.
 * - shared: exclusive / exclusive=topo → none; exclusive=user → single_user; everything else
 *   (oversubscribe, exclusive=mcs, nothing requested, db records that do not say) → multi_user,
 *   as the Go adapter does.
 * - numHwthreads: the number of hwthreads when every node has them, else the CPU count.
 * - numAcc: GPUs from TRES or GRES (SlurmJob.gpuCount), 0 when unknown.
 * - Regexes (gpuPciAddrs keys, ignoreHosts) are JavaScript regexes tested unanchored against
 *   the host name, like the Go adapter's regexp.MatchString; anchor them (^…$) to match whole names.
 * - Not sent: pending / never-started jobs, G1 placeholders, jobs on ignored hosts only, jobs
 *   without a user. A job whose event fails validateEvent is skipped with a warning, never thrown.
 */
import { isValidSubjectToken, startJobEvent, stopJobEvent, validateEvent, type EventMeta, type Resource, type Shared, type StartJobBody, type StopJobBody } from '@cc-slurm-bridge/shared';
import type { SlurmJob, SlurmNodeAllocation, SlurmSharing, SlurmWarning } from '../slurm/job.js';
import { slurmInfo } from './slurm-info.js';
import { hasRun, stopState } from './state.js';

export interface MappingOptions {
  /** cc-backend cluster name (must be a valid NATS subject token). */
  cluster: string;
  /** host regex (source text) → PCI addresses by GPU index; the first regex matching a hostname wins. */
  gpuPciAddrs?: Record<string, string[]>;
  /** Hosts matching this regex are dropped from resources; a job on only such hosts is not sent. */
  ignoreHosts?: string;
  /** meta.source of the events (the publisher's hostname). */
  source?: string;
  /** meta.observedAt (epoch s). Also the stopTime of last resort for an ended job without end time. */
  observedAt?: number;
  /** Put the batch script into metaData.jobScript when the record has it (default true). */
  includeJobScript?: boolean;
}

/**
 * An event that passed validateEvent (shared's `ValidatedEvent`, which its barrel does not name):
 * encode it with `encodeEventMessage(e, { …, prevalidated: true })` so it is not validated twice.
 */
export type ValidatedEvent = Extract<ReturnType<typeof validateEvent>, { ok: true }>['value'];

export interface MappingResult {
  /** start_job (if the job started) then stop_job (if it ended); each passed validateEvent. */
  events: ValidatedEvent[];
  warnings: SlurmWarning[];
  /** Why no event was produced, when none was. */
  skipped?: string;
}

/** cc-backend `shared` for a Slurm sharing mode (see the module comment). */
export function sharedFor(s: SlurmSharing): Shared {
  switch (s) {
    case 'exclusive':
    case 'topo':
      return 'none';
    case 'user':
      return 'single_user';
    default:
      return 'multi_user';
  }
}

/** Maps one normalised Slurm job to its cc-backend start/stop events. Never throws. */
export function jobEvents(job: SlurmJob, opts: MappingOptions): MappingResult {
  const warnings: SlurmWarning[] = [];
  const warn = (field: string, message: string) => warnings.push({ jobId: job.jobId, field, message });
  const skip = (reason: string): MappingResult => ({ events: [], warnings, skipped: reason });
  try {
    if (!isValidSubjectToken(opts.cluster)) {
      warn('cluster', `cluster name ${JSON.stringify(opts.cluster)} is not a valid NATS subject token`);
      return skip('invalid cluster name');
    }
    if (job.placeholder) {
      return skip('incomplete: slurmdbd "allocation" placeholder record (name "allocation", no partition); the real record follows');
    }
    if (!hasRun(job.state)) return skip(`not started (state ${job.state})`);
    if (job.startTime === undefined) return skip(`not started (state ${job.state}, no start time)`);
    if (job.nodes.length === 0) return skip(`never ran (state ${job.state}, no nodes allocated)`);

    // resources, minus ignored hosts
    let allocation: SlurmNodeAllocation[] = job.allocation.length > 0 ? job.allocation : job.nodes.map((hostname) => ({ hostname }));
    const ignore = compile(opts.ignoreHosts, 'ignoreHosts', warn);
    const before = allocation.length;
    if (ignore) allocation = allocation.filter((a) => !ignore.test(a.hostname));
    if (allocation.length === 0) return skip(`every host (${job.nodeList ?? job.nodes.join(',')}) matches ignoreHosts`);
    const dropped = before - allocation.length;

    if (job.user === undefined) {
      warn('user', 'no user name in the record; cc-backend requires one');
      return skip('no user');
    }

    const gpuMap = gpuMatchers(opts.gpuPciAddrs, warn);
    const resources: Resource[] = allocation.map((a) => {
      const r: Resource = { hostname: a.hostname };
      // Not copied: the event is validateEvent's output, which has its own copy.
      if (a.hwthreads && a.hwthreads.length > 0) r.hwthreads = a.hwthreads;
      const acc = accelerators(a, gpuMap, warn);
      if (acc && acc.length > 0) r.accelerators = acc;
      return r;
    });

    const body: StartJobBody = {
      jobId: job.jobId,
      cluster: opts.cluster,
      user: job.user,
      startTime: job.startTime,
      numNodes: resources.length,
      resources,
      arrayJobId: job.arrayJobId,
      shared: sharedFor(job.sharing),
      numAcc: numAcc(job, allocation, dropped),
    };
    if (job.account !== undefined) body.project = job.account;
    if (job.partition !== undefined) body.partition = job.partition;
    if (typeof job.timeLimit === 'number') body.walltime = job.timeLimit * 60;
    const hw = numHwthreads(job, allocation, dropped);
    if (hw !== undefined) body.numHwthreads = hw;
    const metaData: Record<string, string> = {};
    if (job.name !== undefined) metaData['jobName'] = job.name;
    if (job.jobScript !== undefined && opts.includeJobScript !== false) metaData['jobScript'] = job.jobScript;
    metaData['slurmInfo'] = slurmInfo(job);
    if (job.submitTime !== undefined) metaData['submitTime'] = String(job.submitTime);
    body.metaData = metaData;

    const meta: EventMeta = {};
    if (opts.observedAt !== undefined) meta.observedAt = opts.observedAt;
    if (opts.source !== undefined) meta.source = opts.source;
    const start = validateEvent(startJobEvent(body, meta));
    if (!start.ok) {
      warn('start_job', `cannot build a valid start_job: ${start.error.message}`);
      return skip('invalid start_job');
    }
    const events: ValidatedEvent[] = [start.value];

    const decision = stopState(job.state, job.stateFlags);
    if (!decision.ended) {
      if (decision.reason.startsWith('unknown')) warn('state', `${decision.reason}; no stop_job`);
      return { events, warnings };
    }
    if (decision.note) warn('state', decision.note);
    let stopTime = job.endTime;
    if (stopTime === undefined) {
      if (opts.observedAt === undefined) {
        warn('endTime', `job ended (${job.state}) but the record has no end time; no stop_job`);
        return { events, warnings };
      }
      warn('endTime', `job ended (${job.state}) but the record has no end time; using observedAt ${opts.observedAt}`);
      stopTime = opts.observedAt;
    }
    if (stopTime < job.startTime) {
      warn('endTime', `end time ${stopTime} is before start time ${job.startTime}; stopTime clamped to the start time`);
      stopTime = job.startTime;
    }
    const stopBody: StopJobBody = { jobId: job.jobId, cluster: opts.cluster, startTime: job.startTime, jobState: decision.state, stopTime };
    const stopMeta: EventMeta = { ...meta };
    if (job.partition !== undefined) stopMeta.partition = job.partition;
    const stop = validateEvent(stopJobEvent(stopBody, stopMeta));
    if (!stop.ok) {
      warn('stop_job', `cannot build a valid stop_job: ${stop.error.message}`);
      return { events, warnings };
    }
    events.push(stop.value);
    return { events, warnings };
  } catch (e) {
    warn('job', `mapping failed: ${(e as Error).message}`);
    return skip('mapping error');
  }
}

function numHwthreads(job: SlurmJob, kept: SlurmNodeAllocation[], dropped: number): number | undefined {
  if (kept.every((a) => a.hwthreads && a.hwthreads.length > 0)) return kept.reduce((n, a) => n + (a.hwthreads?.length ?? 0), 0);
  if (kept.every((a) => a.cpus !== undefined)) return kept.reduce((n, a) => n + (a.cpus ?? 0), 0);
  if (dropped === 0) return job.cpus;
  return undefined;
}

function numAcc(job: SlurmJob, kept: SlurmNodeAllocation[], dropped: number): number {
  if (dropped > 0 && job.allocation.some((a) => a.gpus !== undefined)) return kept.reduce((n, a) => n + (a.gpus ?? 0), 0);
  return job.gpuCount ?? 0;
}

type Warn = (field: string, message: string) => void;

const regexCache = new Map<string, RegExp | null>();
function compile(src: string | undefined, field: string, warn: Warn): RegExp | undefined {
  if (src === undefined || src === '') return undefined;
  let re = regexCache.get(src);
  if (re === undefined) {
    try {
      re = new RegExp(src);
    } catch {
      re = null;
    }
    regexCache.set(src, re);
  }
  if (re === null) {
    warn(field, `invalid regular expression ${JSON.stringify(src)}; ignored`);
    return undefined;
  }
  return re;
}

function gpuMatchers(map: Record<string, string[]> | undefined, warn: Warn): Array<[RegExp, string[]]> | undefined {
  if (!map) return undefined;
  const out: Array<[RegExp, string[]]> = [];
  for (const [src, addrs] of Object.entries(map)) {
    const re = compile(src, 'gpuPciAddrs', warn);
    if (re) out.push([re, addrs]);
  }
  return out;
}

function accelerators(a: SlurmNodeAllocation, matchers: Array<[RegExp, string[]]> | undefined, warn: Warn): string[] | undefined {
  if (!matchers || !a.gpuIndices || a.gpuIndices.length === 0) return undefined;
  const hit = matchers.find(([re]) => re.test(a.hostname));
  if (!hit) {
    warn('gpuPciAddrs', `no gpuPciAddrs entry matches host ${a.hostname}, which has GPUs ${a.gpuIndices.join(',')}; accelerators left out`);
    return undefined;
  }
  const addrs = hit[1];
  const out: string[] = [];
  for (const i of a.gpuIndices) {
    const addr = addrs[i];
    if (addr === undefined) warn('gpuPciAddrs', `host ${a.hostname}: GPU index ${i} has no PCI address (the list has ${addrs.length}); left out`);
    else out.push(addr);
  }
  return out;
}
