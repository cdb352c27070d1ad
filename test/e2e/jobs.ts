// Jobs for the end-to-end suite and the demo: what to submit, how to follow a job in Slurm
// (one sacct poller for all jobs, REPORT G1-aware), how to follow it in the cc-backend double, and
// the comparison of the double's final record with Slurm's own accounting record.
import type { JobSnapshot, RequestRecord } from '../cc-backend/mod.js';
import { sleep } from '../harness/process.js';
import type { RunOptions, RunResult } from '../slurm/cluster.js';
import type { BridgeStack } from './stack.js';

/** PCI addresses the publisher is told about for the fake GPUs of node1/node2 (gpuPciAddrs). */
export const GPU_PCI = ['0000:3b:00.0', '0000:d8:00.0'];
export const GPU_PCI_ADDRS: Record<string, string[]> = { '^node[12]$': GPU_PCI };

export interface JobSpec {
  key: string;
  title: string;
  /** sbatch arguments (besides --parsable) */
  args: string[];
  user?: string;
  /** scancel once the job runs */
  cancelWhileRunning?: boolean;
  /** scancel while it is still pending (the job never starts) */
  cancelPending?: boolean;
  /** number of job records the submission makes (array tasks) */
  records?: number;
  /** expected cc-backend jobState of every record; undefined: nothing is sent */
  state?: string;
}

const OUT = ['-o', '/dev/null', '-e', '/dev/null'];

/** The scenario jobs of the suite (the timeout job first: it costs 60-90 s). */
export const SUITE_JOBS: JobSpec[] = [
  { key: 'timeout', title: 'job hitting its time limit (--time=1)', args: ['-J', 'e2e-timeout', '--time=1', ...OUT, '--wrap', 'sleep 600'], state: 'timeout' },
  { key: 'ok', title: 'short successful job', args: ['-J', 'e2e-ok', ...OUT, '--wrap', 'sleep 2'], state: 'completed' },
  { key: 'fail', title: 'job exiting 3', args: ['-J', 'e2e-fail', ...OUT, '--wrap', 'sleep 1; exit 3'], state: 'failed' },
  { key: 'cancel', title: 'job cancelled while running', args: ['-J', 'e2e-cancel', ...OUT, '--wrap', 'sleep 300'], cancelWhileRunning: true, state: 'cancelled' },
  { key: 'array', title: '3-task array', args: ['-J', 'e2e-array', '--array=0-2', ...OUT, '--wrap', 'sleep 2'], records: 3, state: 'completed' },
  { key: 'multi', title: '2-node job', args: ['-J', 'e2e-multi', '-N', '2', ...OUT, '--wrap', 'srun sleep 2'], state: 'completed' },
  { key: 'excl', title: 'exclusive job', args: ['-J', 'e2e-excl', '--exclusive', ...OUT, '--wrap', 'sleep 2'], state: 'completed' },
  { key: 'gpu', title: 'GPU job (fake GRES)', args: ['-J', 'e2e-gpu', '-p', 'gpu', '--gres=gpu:1', ...OUT, '--wrap', 'sleep 2'], state: 'completed' },
  { key: 'alice', title: 'job of user alice', args: ['-J', 'e2e-alice', '-A', 'testacct', ...OUT, '--wrap', 'sleep 2'], user: 'alice', state: 'completed' },
  { key: 'held', title: 'job that never starts (--hold, then cancelled)', args: ['-J', 'e2e-held', '--hold', ...OUT, '--wrap', 'true'], cancelPending: true },
  { key: 'begin', title: 'job that never starts (--begin=now+1hour, then cancelled)', args: ['-J', 'e2e-begin', '--begin=now+1hour', ...OUT, '--wrap', 'true'], cancelPending: true },
];

/** cc-backend state for a final sacct state (CONTRACT §8.1: the Slurm state lower-cased). */
export function ccState(slurm: string): string {
  return slurm.toLowerCase();
}

const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'DEADLINE', 'BOOT_FAIL']);

/** The fields of a `sacct --json` (dbv0.0.38) job record the checks use. */
export interface SacctRecord {
  job_id: number;
  name: string;
  user: string;
  account: string;
  partition: string;
  nodes: string;
  allocation_nodes: number;
  state: { current: string; reason: string };
  array: { job_id: number; task_id: number | null };
  time: { submission: number; eligible: number; start: number | null; end: number; limit: number | null };
  tres?: { allocated?: Array<{ type: string; name: string | null; count: number | null }> };
}

/** Runs Slurm clients: a SlurmCluster (`run`) or anything with that shape. */
export interface SlurmRunner {
  run(cmd: string, args: string[], opts?: RunOptions): Promise<RunResult>;
}

/** Minimal Slurm host list expansion for the test cluster's names (`node[1-2,4]`, `node3`). */
export function expandNodes(expr: string): string[] {
  const out: string[] = [];
  for (const part of expr.match(/[^,[]+(\[[^\]]*\])?/g) ?? []) {
    const m = /^(.*)\[(.*)\]$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    for (const r of m[2]!.split(',')) {
      const [a, b] = r.split('-');
      if (b === undefined) out.push(`${m[1]}${a}`);
      else for (let i = Number(a); i <= Number(b); i++) out.push(`${m[1]}${String(i).padStart(a!.length, '0')}`);
    }
  }
  return out;
}

export interface Submitted {
  spec: JobSpec;
  id: number;
  submittedAt: number;
}

/**
 * One `sacct --json -X -j <ids>` per second for every job not settled yet. A submission is
 * settled when it has `records` records, all in a final state and complete (not the G1
 * "allocation" placeholder).
 */
export class SacctWatcher {
  private readonly want = new Map<number, number>();
  private readonly settled = new Map<number, SacctRecord[]>();
  private readonly latest = new Map<number, SacctRecord[]>();
  private stopped = false;
  private loop: Promise<void> | undefined;
  lastError = '';

  constructor(
    private readonly slurm: SlurmRunner,
    private readonly intervalMs = 1000,
  ) {}

  track(id: number, records = 1): void {
    this.want.set(id, records);
    this.loop ??= this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const ids = [...this.want.keys()].filter((id) => !this.settled.has(id));
      if (ids.length) {
        try {
          const r = await this.slurm.run('/usr/bin/sacct', ['--json', '-a', '-X', '-j', ids.join(',')], { timeoutMs: 30_000 });
          if (r.code !== 0) throw new Error(r.stderr.trim());
          const doc = JSON.parse(r.stdout) as { jobs: SacctRecord[] };
          for (const id of ids) {
            const recs = newestPerJob(doc.jobs.filter((j) => j.job_id === id || j.array?.job_id === id));
            this.latest.set(id, recs);
            const done = recs.length >= (this.want.get(id) ?? 1) && recs.every((j) => FINAL.has(j.state.current) && j.name !== 'allocation' && j.partition !== '');
            if (done) this.settled.set(id, recs);
          }
          this.lastError = '';
        } catch (e) {
          this.lastError = (e as Error).message;
        }
      }
      await sleep(this.intervalMs);
    }
  }

  /** The latest records seen for a submission (maybe not final). */
  records(id: number): SacctRecord[] {
    return this.settled.get(id) ?? this.latest.get(id) ?? [];
  }

  async waitSettled(id: number, timeoutMs: number): Promise<SacctRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.settled.get(id);
      if (s) return s;
      if (Date.now() > deadline) {
        const seen = (this.latest.get(id) ?? []).map((j) => `${j.job_id}:${j.state.current}/${j.name}`).join(' ');
        throw new Error(`job ${id} not final in sacct within ${timeoutMs} ms (seen: ${seen || 'nothing'}${this.lastError ? `; last error: ${this.lastError}` : ''})`);
      }
      await sleep(200);
    }
  }

  stop(): void {
    this.stopped = true;
  }
}

function newestPerJob(recs: SacctRecord[]): SacctRecord[] {
  const by = new Map<number, SacctRecord>();
  for (const r of recs) {
    const o = by.get(r.job_id);
    if (!o || r.time.submission > o.time.submission) by.set(r.job_id, r);
  }
  return [...by.values()].sort((a, b) => a.job_id - b.job_id);
}

/** Snapshots of the double (requests and job rows), refreshed every `intervalMs` while in use. */
export class CcWatcher {
  requests: RequestRecord[] = [];
  jobs: JobSnapshot[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;
  constructor(
    private readonly stack: BridgeStack,
    private readonly intervalMs = 300,
  ) {}

  start(): void {
    this.loop ??= (async () => {
      while (!this.stopped) {
        await this.refresh().catch(() => undefined);
        await sleep(this.intervalMs);
      }
    })();
  }

  async refresh(): Promise<void> {
    const [r, j] = await Promise.all([this.stack.ccRequests(), this.stack.ccJobs()]);
    this.requests = r;
    this.jobs = j;
  }

  rowsOf(jobId: number): JobSnapshot[] {
    return this.jobs.filter((r) => r.jobId === jobId);
  }

  /** Waits until the double has a row for the job id (its start arrived). */
  async waitStarted(jobId: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.rowsOf(jobId).length) {
      if (Date.now() > deadline) throw new Error(`job ${jobId} has no row in the cc-backend double after ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  /** Waits until every job id has a row in the double that is no longer running. */
  async waitStopped(jobIds: number[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = jobIds.filter((id) => !this.rowsOf(id).some((r) => r.jobState !== 'running'));
      if (!missing.length) return;
      if (Date.now() > deadline) {
        const seen = missing.map((id) => `${id}:${this.rowsOf(id).map((r) => r.jobState).join('+') || 'no row'}`).join(' ');
        throw new Error(`not stopped in the cc-backend double within ${timeoutMs} ms: ${seen}`);
      }
      await sleep(200);
    }
  }

  stop(): void {
    this.stopped = true;
  }
}

export function requestJobId(r: RequestRecord): number | undefined {
  try {
    const b = JSON.parse(r.body) as { jobId?: unknown };
    return typeof b.jobId === 'number' ? b.jobId : undefined;
  } catch {
    return undefined;
  }
}

export interface RecordCheck {
  jobId: number;
  /** sacct state.current */
  slurmState: string;
  /** the double's row (undefined: none) */
  row: JobSnapshot | undefined;
  rows: number;
  startPosts: { ok: number; total: number; firstOkAt: number | undefined };
  stopPosts: { ok: number; total: number; firstOkAt: number | undefined };
  /** sacct time.start (s) → first successful start_job POST at the double (ms) */
  latencyMs: number | undefined;
  problems: string[];
}

/**
 * Compares one Slurm accounting record with what the double holds: exactly one row, started
 * and stopped, every field equal to Slurm's own value. For a job that never started: no row and
 * no request at all.
 */
export function checkRecord(rec: SacctRecord, cluster: string, rows: JobSnapshot[], requests: RequestRecord[]): RecordCheck {
  const problems: string[] = [];
  const mine = rows.filter((r) => r.jobId === rec.job_id && r.cluster === cluster);
  const reqs = requests.filter((r) => requestJobId(r) === rec.job_id);
  const posts = (ep: string) => {
    const all = reqs.filter((r) => r.endpoint === ep);
    const ok = all.filter((r) => r.status === (ep === 'start_job' ? 201 : 200));
    return { ok: ok.length, total: all.length, firstOkAt: ok[0]?.time };
  };
  const startPosts = posts('start_job');
  const stopPosts = posts('stop_job');
  const started = ranInSlurm(rec);
  const check: RecordCheck = { jobId: rec.job_id, slurmState: rec.state.current, row: mine[0], rows: mine.length, startPosts, stopPosts, latencyMs: undefined, problems };
  if (!started) {
    if (mine.length) problems.push(`never started in Slurm but has ${mine.length} row(s) in cc-backend`);
    if (reqs.length) problems.push(`never started in Slurm but cc-backend got ${reqs.length} request(s) for it`);
    return check;
  }
  if (mine.length !== 1) problems.push(`expected exactly 1 row in cc-backend, found ${mine.length}`);
  if (startPosts.ok !== 1) problems.push(`expected 1 successful start_job, got ${startPosts.ok} (of ${startPosts.total})`);
  if (stopPosts.ok !== 1) problems.push(`expected 1 successful stop_job, got ${stopPosts.ok} (of ${stopPosts.total})`);
  const row = mine[0];
  if (!row) return check;
  if (startPosts.firstOkAt !== undefined) check.latencyMs = startPosts.firstOkAt - rec.time.start! * 1000;
  const eq = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${what}: cc-backend has ${JSON.stringify(got)}, Slurm says ${JSON.stringify(want)}`);
  };
  eq('startTime', row.startTime, rec.time.start);
  eq('stopTime', row.stopTime, rec.time.end);
  eq('duration', row.duration, rec.time.end - rec.time.start!);
  eq('jobState', row.jobState, ccState(rec.state.current));
  eq('user', row.user, rec.user);
  eq('project', row.project, rec.account);
  eq('partition', row.partition, rec.partition);
  eq('arrayJobId', row.arrayJobId, rec.array.job_id);
  eq('numNodes', row.numNodes, rec.allocation_nodes);
  eq('walltime', row.walltime, typeof rec.time.limit === 'number' ? rec.time.limit * 60 : 0);
  const hosts = ((row.resources as Array<{ hostname: string }> | null) ?? []).map((r) => r.hostname);
  eq('resources hostnames', hosts, expandNodes(rec.nodes));
  const gpus = rec.tres?.allocated?.find((t) => t.type === 'gres' && t.name === 'gpu')?.count ?? 0;
  eq('numAcc', row.numAcc, gpus);
  const meta = (row.metaData ?? {}) as Record<string, unknown>;
  eq('metaData.jobName', meta['jobName'], rec.name);
  if (row.stoppedAt === null) problems.push('the row was never stopped');
  return check;
}

/**
 * Whether the job ever ran. Not `time.start`: Slurm 22.05 sets start = end = the cancel time for a
 * job cancelled while pending (held or --begin in the future), with nodes "None assigned".
 */
export function ranInSlurm(rec: SacctRecord): boolean {
  return typeof rec.time.start === 'number' && rec.time.start > 0 && rec.allocation_nodes > 0 && rec.nodes !== '' && rec.nodes !== 'None assigned';
}

/** Median and maximum of a list (undefined when empty). */
export function stats(xs: number[]): { n: number; median: number | undefined; max: number | undefined; min: number | undefined } {
  if (!xs.length) return { n: 0, median: undefined, max: undefined, min: undefined };
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { n: s.length, median, max: s[s.length - 1], min: s[0] };
}
