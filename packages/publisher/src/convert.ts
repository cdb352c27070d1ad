/**
 * `cc-slurm-publisher convert`: Slurm JSON → the events the publisher would publish.
 *
 * `convertFiles` is pure (it takes the *contents* of the files); `convertPaths` reads the files
 * first. The CLI prints `formatConvertOutput(result.events)`: one wire-format-v1 JSON object per
 * line.
 *
 * Merging: records of the same job (same job id and, when both have one, the same start time)
 * from squeue / scontrol (ctld) and sacct (db) are merged before mapping. The ctld record gives
 * the allocation (hosts, hwthreads, GPU indices), sharing and CPU count; the db record gives the
 * final state, end time and exit code when it has ended, and the batch script. A db G1
 * placeholder ("allocation" record) is only used when nothing else is known, and then produces
 * no events. Events are deduplicated by their Nats-Msg-Id (first wins) and ordered by event time
 * (start: startTime, stop: stopTime; a start before a stop at the same second).
 */
import { readFile } from 'node:fs/promises';
import { encodeJson, eventMsgId, type JobEvent } from '@cc-slurm-bridge/shared';
import type { SlurmJob, SlurmReadError, SlurmWarning } from './slurm/job.js';
import { readSlurmJobs } from './slurm/read.js';
import { jobEvents, type MappingOptions } from './mapping/events.js';
import { hasRun, stopState } from './mapping/state.js';

export type ConvertSource = 'squeue' | 'scontrol' | 'sacct';
const SOURCES: readonly ConvertSource[] = ['squeue', 'scontrol', 'sacct'];

export interface ConvertInput extends MappingOptions {
  /** Text of `squeue --json` (or slurmrestd /slurm/vX/jobs). */
  squeue?: string;
  /** Text of `scontrol show job --json` (or slurmrestd /slurm/vX/job/{id}). */
  scontrol?: string;
  /** Text of `sacct --json` (or slurmrestd /slurmdb/vX/jobs). */
  sacct?: string;
}

export interface ConvertResult {
  /** Deduplicated by Nats-Msg-Id, ordered by event time (start: startTime, stop: stopTime). */
  events: JobEvent[];
  /** Reader and mapping warnings; `field` is prefixed with the input it came from ("sacct: state"). */
  warnings: SlurmWarning[];
  /** Inputs that could not be read at all (malformed JSON, not a job list, unreadable file). */
  errors: Array<{ source: ConvertSource; error: SlurmReadError | Error }>;
  /** The merged jobs the events came from. */
  jobs: SlurmJob[];
  /** Jobs that produced no event, with the reason. */
  skipped: Array<{ jobId: number; reason: string }>;
}

export function convertFiles(input: ConvertInput): ConvertResult {
  const warnings: SlurmWarning[] = [];
  const errors: ConvertResult['errors'] = [];
  const read: Record<ConvertSource, SlurmJob[]> = { squeue: [], scontrol: [], sacct: [] };
  for (const source of SOURCES) {
    const text = input[source];
    if (text === undefined) continue;
    const r = readSlurmJobs(text, { cluster: input.cluster });
    if (!r.ok) {
      errors.push({ source, error: r.error });
      continue;
    }
    for (const w of r.value.warnings) warnings.push({ ...w, field: `${source}: ${w.field}` });
    read[source] = r.value.jobs;
  }

  const jobs = mergeRecords([...read.squeue, ...read.scontrol], read.sacct);
  const mapping = mappingOptions(input);
  const byId = new Map<string, JobEvent>();
  const skipped: ConvertResult['skipped'] = [];
  for (const job of jobs) {
    const m = jobEvents(job, mapping);
    warnings.push(...m.warnings.map((w) => ({ ...w, field: `mapping: ${w.field}` })));
    if (m.skipped !== undefined) skipped.push({ jobId: job.jobId, reason: m.skipped });
    for (const e of m.events) {
      const id = eventMsgId(e.body.cluster ?? input.cluster, e.body.jobId, e.body.startTime ?? 0, e.event);
      if (!byId.has(id)) byId.set(id, e);
    }
  }
  const events = [...byId.values()].sort(compareEvents);
  return { events, warnings, errors, jobs, skipped };
}

export interface ConvertPathsInput extends MappingOptions {
  squeue?: string;
  scontrol?: string;
  sacct?: string;
}

/** Reads the named files and converts them; an unreadable file is reported in `errors`. */
export async function convertPaths(input: ConvertPathsInput): Promise<ConvertResult> {
  const texts: ConvertInput = { ...mappingOptions(input) };
  const readErrors: ConvertResult['errors'] = [];
  for (const source of SOURCES) {
    const path = input[source];
    if (path === undefined) continue;
    try {
      texts[source] = await readFile(path, 'utf8');
    } catch (e) {
      readErrors.push({ source, error: new Error(`cannot read ${source} file ${path}: ${(e as Error).message}`) });
    }
  }
  const result = convertFiles(texts);
  result.errors.unshift(...readErrors);
  return result;
}

/** One wire-format-v1 JSON object per line (shared encodeJson), newline-terminated. */
export function formatConvertOutput(events: readonly JobEvent[]): string {
  return events.map((e) => encodeJson(e) + '\n').join('');
}

function mappingOptions(input: MappingOptions): MappingOptions {
  const o: MappingOptions = { cluster: input.cluster };
  if (input.gpuPciAddrs !== undefined) o.gpuPciAddrs = input.gpuPciAddrs;
  if (input.ignoreHosts !== undefined) o.ignoreHosts = input.ignoreHosts;
  if (input.source !== undefined) o.source = input.source;
  if (input.observedAt !== undefined) o.observedAt = input.observedAt;
  if (input.includeJobScript !== undefined) o.includeJobScript = input.includeJobScript;
  return o;
}

function eventTime(e: JobEvent): number {
  return e.event === 'start_job' ? e.body.startTime : e.body.stopTime;
}

function compareEvents(a: JobEvent, b: JobEvent): number {
  return (
    eventTime(a) - eventTime(b) ||
    (a.event === b.event ? 0 : a.event === 'start_job' ? -1 : 1) ||
    a.body.jobId - b.body.jobId
  );
}

/**
 * Same run of the same job: same id, and the same start time when both have run (a pending
 * ctld record's start_time is only the scheduler's estimate).
 */
function sameRun(a: SlurmJob, b: SlurmJob): boolean {
  if (a.jobId !== b.jobId) return false;
  if (!started(a) || !started(b)) return true;
  return a.startTime === b.startTime;
}

function started(j: SlurmJob): boolean {
  return hasRun(j.state) && j.startTime !== undefined && j.nodes.length > 0;
}

/**
 * Merges ctld records (in order: later ones refine earlier ones, so scontrol wins over squeue)
 * with db records of the same run. Exported for tests and for the daemon.
 */
export function mergeRecords(ctld: readonly SlurmJob[], db: readonly SlurmJob[]): SlurmJob[] {
  // Runs by job id, so large inputs merge in linear time; output keeps first-seen order.
  const out: SlurmJob[] = [];
  const byId = new Map<number, number[]>();
  const find = (j: SlurmJob) => (byId.get(j.jobId) ?? []).find((i) => sameRun(out[i] as SlurmJob, j));
  const add = (j: SlurmJob) => {
    byId.set(j.jobId, [...(byId.get(j.jobId) ?? []), out.length]);
    out.push(j);
  };
  for (const c of ctld) {
    const i = find(c);
    if (i === undefined) add(c);
    else out[i] = mergeCtld(out[i] as SlurmJob, c);
  }
  for (const d of db) {
    const i = find(d);
    if (i === undefined) {
      add(d);
      continue;
    }
    const cur = out[i] as SlurmJob;
    if (d.placeholder) continue; // the ctld record is more complete than a G1 placeholder
    out[i] = cur.family === 'db' ? d : mergeCtldDb(cur, d);
  }
  return out;
}

/** Two ctld records of the same run: the later one wins, but an ended state is kept. */
function mergeCtld(a: SlurmJob, b: SlurmJob): SlurmJob {
  if (started(a) && !started(b)) return a;
  const m: SlurmJob = { ...fill(b, a) };
  if (b.allocation.length === 0 && a.allocation.length > 0) {
    m.nodes = a.nodes;
    m.allocation = a.allocation;
    if (a.nodeList !== undefined) m.nodeList = a.nodeList;
  }
  if (!stopState(b.state).ended && stopState(a.state).ended) takeEnd(m, a);
  return m;
}

/** ctld + db: ctld allocation and sharing, db end state, fields missing in ctld from db. */
function mergeCtldDb(c: SlurmJob, d: SlurmJob): SlurmJob {
  if (!started(c)) {
    // The ctld record is from before the start: only its sharing request is worth keeping.
    return started(d) ? { ...d, sharing: c.sharing } : c;
  }
  if (!started(d)) return c;
  const m: SlurmJob = { ...fill(c, d) };
  if (c.allocation.length === 0 && d.nodes.length > 0) {
    m.nodes = d.nodes;
    m.allocation = d.allocation;
    if (d.nodeList !== undefined) m.nodeList = d.nodeList;
  }
  if (c.gpuCount === undefined && d.gpuCount !== undefined) m.gpuCount = d.gpuCount;
  if (stopState(d.state).ended || !stopState(c.state).ended) takeEnd(m, d);
  if (d.jobScript !== undefined) m.jobScript = d.jobScript;
  m.placeholder = false;
  return m;
}

function takeEnd(m: SlurmJob, from: SlurmJob): void {
  m.state = from.state;
  m.stateFlags = from.stateFlags;
  if (from.stateReason !== undefined) m.stateReason = from.stateReason;
  if (from.endTime !== undefined) m.endTime = from.endTime;
  else delete m.endTime;
  if (from.exitCode !== undefined) m.exitCode = from.exitCode;
}

/** `primary` with its undefined fields filled from `other`. */
function fill(primary: SlurmJob, other: SlurmJob): SlurmJob {
  const m: Record<string, unknown> = { ...other };
  for (const [k, v] of Object.entries(primary)) if (v !== undefined) m[k] = v;
  return m as unknown as SlurmJob;
}
