/**
 * `job_resources` (ctld records only) in its three layouts (SHAPES §4), and the derivation of
 * OS processor ids ("hwthreads") from it.
 *
 * ## hwthread derivation (ours, not stated by Slurm)
 * Slurm never gives CPU ids; it gives per-node socket and core indices. We number them as Linux
 * does on typical x86 machines:
 * - core id  = socket_index × cores_per_socket + core_index
 * - thread t (0-based) of that core = core id + t × total_cores, where total_cores =
 *   sockets × cores_per_socket (Linux lists all first siblings, then all second siblings, …).
 * Threads listed per allocated core: cpus.count / allocated cores when that divides evenly
 * (Slurm allocates whole cores, so 2 CPUs on 1 core means both siblings), else
 * `threads_per_core` when set, else 1.
 *
 * Per layout:
 * - **v0.0.41+** (`nodes.allocation[]`, sockets/cores arrays listing unallocated cores too):
 *   cores_per_socket is the length of a socket's core list and sockets the length of the socket
 *   list, so ids are derived as above.
 * - **v0.0.38 (22.05) / v0.0.39 / v0.0.40** (`allocated_nodes[]` with `sockets` / `cores`
 *   objects keyed by index strings): only allocated cores are listed, so cores_per_socket and
 *   total_cores are unknown. Ids are exact only when every allocated core is on socket 0 and
 *   the job has one CPU per allocated core; then id = core index. Otherwise hwthreads are left
 *   out with a warning rather than guessed.
 * - **v0.0.37** (21.08, `allocated_nodes` keyed by node index, sockets and cores side by side):
 *   the values are unreliable ("unassigned" on running jobs), so hwthreads are left out with a
 *   warning.
 * cc-backend accepts resources without hwthreads; numHwthreads then falls back to the CPU count.
 */
import type { SlurmNodeAllocation, SlurmWarning } from './job.js';
import { count, isObj, readNum, show, strList, type Obj } from './values.js';

export type JobResourcesLayout = 'v0.0.37' | 'v0.0.39' | 'v0.0.41' | 'empty' | 'unknown';

export interface JobResourcesResult {
  layout: JobResourcesLayout;
  /** Allocation per host name, from job_resources. */
  byHost: Map<string, Omit<SlurmNodeAllocation, 'hostname'>>;
  /** Node order as job_resources gives it (for v0.0.37: by index, names unknown → empty). */
  hosts: string[];
  /** v0.0.37 only: allocation by node index. */
  byIndex: Map<number, Omit<SlurmNodeAllocation, 'hostname'>>;
  /** job_resources.nodes (v0.0.37–40) or nodes.list (v0.0.41+), when given. */
  nodeList?: string;
  warnings: SlurmWarning[];
}

export function jobResourcesLayout(jr: unknown): JobResourcesLayout {
  if (jr === null || jr === undefined) return 'empty';
  if (!isObj(jr)) return 'unknown';
  if (Object.keys(jr).length === 0) return 'empty';
  if (isObj(jr['nodes']) && ('allocation' in jr['nodes'] || 'list' in jr['nodes'])) return 'v0.0.41';
  const an = jr['allocated_nodes'];
  if (Array.isArray(an)) return 'v0.0.39';
  if (isObj(an)) return 'v0.0.37';
  return 'unknown';
}

/**
 * Reads job_resources. `jobCpus` is the job's total CPU count (for the v0.0.39/40 one-thread
 * check).
 */
export function readJobResources(jr: unknown, jobId: number, jobCpus: number | undefined): JobResourcesResult {
  const layout = jobResourcesLayout(jr);
  const res: JobResourcesResult = { layout, byHost: new Map(), hosts: [], byIndex: new Map(), warnings: [] };
  const warn = (field: string, message: string) => res.warnings.push({ jobId, field, message });
  if (layout === 'empty') return res;
  if (layout === 'unknown' || !isObj(jr)) {
    warn('job_resources', `unknown job_resources layout (keys: ${isObj(jr) ? Object.keys(jr).join(', ') : typeof jr}); hwthreads left out`);
    return res;
  }
  if (layout === 'v0.0.41') readV41(jr, res, warn);
  else if (layout === 'v0.0.39') readV39(jr, res, warn, jobCpus);
  else readV37(jr, res, warn);
  return res;
}

type Warn = (field: string, message: string) => void;

function readV41(jr: Obj, res: JobResourcesResult, warn: Warn): void {
  const nodes = jr['nodes'] as Obj;
  if (typeof nodes['list'] === 'string') res.nodeList = nodes['list'];
  const tpcRaw = readNum(jr['threads_per_core']);
  const tpc = tpcRaw.kind === 'value' && tpcRaw.n >= 1 ? Math.trunc(tpcRaw.n) : undefined;
  const allocation = nodes['allocation'];
  if (!Array.isArray(allocation)) {
    if (allocation !== undefined && allocation !== null) warn('job_resources.nodes.allocation', `not a list: ${show(allocation)}`);
    return;
  }
  allocation.forEach((a, i) => {
    if (!isObj(a) || typeof a['name'] !== 'string' || a['name'] === '') {
      warn(`job_resources.nodes.allocation[${i}]`, `node entry without a name: ${show(a)}`);
      return;
    }
    const name = a['name'];
    const entry: Omit<SlurmNodeAllocation, 'hostname'> = {};
    const cpus = count(isObj(a['cpus']) ? a['cpus']['count'] : a['cpus']);
    if (cpus !== undefined) entry.cpus = cpus;
    const ids = hwthreadsV41(a['sockets'], cpus, tpc, (m) => warn(`job_resources.nodes.allocation[${i}].sockets`, `${name}: ${m}`));
    if (ids !== undefined) entry.hwthreads = ids;
    res.hosts.push(name);
    res.byHost.set(name, entry);
  });
}

function hwthreadsV41(sockets: unknown, cpus: number | undefined, tpc: number | undefined, warn: (m: string) => void): number[] | undefined {
  if (!Array.isArray(sockets) || sockets.length === 0) {
    warn('no socket/core listing; hwthreads left out');
    return undefined;
  }
  let coresPerSocket = 0;
  let maxSocket = -1;
  const allocated: Array<[number, number]> = [];
  for (const [si, s] of sockets.entries()) {
    if (!isObj(s) || !Array.isArray(s['cores'])) {
      warn(`socket entry ${si} has no core list; hwthreads left out`);
      return undefined;
    }
    const sIdx = count(s['index']) ?? si;
    maxSocket = Math.max(maxSocket, sIdx);
    const cores = s['cores'];
    coresPerSocket = Math.max(coresPerSocket, cores.length);
    for (const [ci, c] of cores.entries()) {
      if (!isObj(c)) continue;
      const status = strList(c['status']).map((x) => x.toUpperCase());
      if (!status.includes('ALLOCATED')) continue;
      allocated.push([sIdx, count(c['index']) ?? ci]);
    }
  }
  if (allocated.length === 0) {
    warn('no core marked ALLOCATED; hwthreads left out');
    return undefined;
  }
  for (const [, c] of allocated) {
    if (c >= coresPerSocket) {
      warn(`core index ${c} is not below the ${coresPerSocket} cores listed per socket; hwthreads left out`);
      return undefined;
    }
  }
  const totalCores = (maxSocket + 1) * coresPerSocket;
  const threads = threadsPerCore(cpus, allocated.length, tpc);
  const ids: number[] = [];
  for (const [s, c] of allocated) {
    const core = s * coresPerSocket + c;
    for (let t = 0; t < threads; t++) ids.push(core + t * totalCores);
  }
  return sortUnique(ids);
}

/** Threads per allocated core: cpus / cores when it divides evenly, else threads_per_core, else 1. */
function threadsPerCore(cpus: number | undefined, cores: number, tpc: number | undefined): number {
  if (cpus !== undefined && cpus >= cores && cores > 0 && cpus % cores === 0) return cpus / cores;
  return tpc ?? 1;
}

function readV39(jr: Obj, res: JobResourcesResult, warn: Warn, jobCpus: number | undefined): void {
  if (typeof jr['nodes'] === 'string') res.nodeList = jr['nodes'];
  const list = jr['allocated_nodes'] as unknown[];
  // First pass: collect allocated (socket, core) pairs per node (as two parallel lists).
  const perNode: Array<{ name: string; sockets: number[]; cores: number[]; ok: boolean }> = [];
  list.forEach((a, i) => {
    const name = isObj(a) ? a['nodename'] : undefined;
    if (!isObj(a) || typeof name !== 'string' || name === '') {
      warn(`job_resources.allocated_nodes[${i}]`, `node entry without a nodename: ${show(a)}`);
      return;
    }
    const socketIdx: number[] = [];
    const cores: number[] = [];
    let ok = true;
    const sockets = a['sockets'];
    if (isObj(sockets)) {
      for (const sk of Object.keys(sockets)) {
        const sv = sockets[sk];
        const s = Number(sk);
        const coreMap = isObj(sv) ? sv['cores'] : undefined;
        if (!Number.isInteger(s) || s < 0 || !isObj(coreMap)) {
          ok = false;
          continue;
        }
        for (const ck of Object.keys(coreMap)) {
          const c = Number(ck);
          if (!Number.isInteger(c) || c < 0) {
            ok = false;
            continue;
          }
          const cv = coreMap[ck];
          if (cv === 'allocated' || (typeof cv === 'string' ? cv : strList(cv)[0] ?? '').toLowerCase() === 'allocated') {
            socketIdx.push(s);
            cores.push(c);
          }
        }
      }
    } else ok = false;
    perNode.push({ name, sockets: socketIdx, cores, ok });
  });
  const totalAllocatedCores = perNode.reduce((n, p) => n + p.cores.length, 0);
  const oneThreadPerCore = jobCpus !== undefined && jobCpus === totalAllocatedCores;
  const multiSocket: string[] = [];
  const smt: string[] = [];
  for (const p of perNode) {
    const entry: Omit<SlurmNodeAllocation, 'hostname'> = {};
    if (!p.ok || p.cores.length === 0) {
      warn('job_resources.allocated_nodes', `${p.name}: no usable socket/core listing; hwthreads left out`);
    } else if (p.sockets.some((s) => s !== 0)) {
      multiSocket.push(p.name);
    } else if (!oneThreadPerCore) {
      smt.push(p.name);
    } else {
      entry.hwthreads = sortUnique(p.cores);
      entry.cpus = p.cores.length;
    }
    res.hosts.push(p.name);
    res.byHost.set(p.name, entry);
  }
  if (multiSocket.length > 0) {
    warn(
      'job_resources.allocated_nodes',
      `allocated cores on socket > 0 (${hostSummary(multiSocket)}) but this layout (v0.0.38–v0.0.40) does not give cores per socket; hwthreads left out there`,
    );
  }
  if (smt.length > 0) {
    warn(
      'job_resources.allocated_nodes',
      `job has ${jobCpus ?? 'an unknown number of'} CPUs on ${totalAllocatedCores} allocated cores, so thread ids cannot be derived from this layout (v0.0.38–v0.0.40); hwthreads left out (${hostSummary(smt)})`,
    );
  }
}

function hostSummary(hosts: string[]): string {
  return hosts.length <= 3 ? hosts.join(', ') : `${hosts.slice(0, 3).join(', ')} and ${hosts.length - 3} more`;
}

function readV37(jr: Obj, res: JobResourcesResult, warn: Warn): void {
  if (typeof jr['nodes'] === 'string') res.nodeList = jr['nodes'];
  const an = jr['allocated_nodes'] as Obj;
  for (const [k, v] of Object.entries(an)) {
    const idx = Number(k);
    if (!Number.isInteger(idx) || idx < 0 || !isObj(v)) {
      warn('job_resources.allocated_nodes', `entry ${JSON.stringify(k)} is not a node index with an object: ${show(v)}`);
      continue;
    }
    const entry: Omit<SlurmNodeAllocation, 'hostname'> = {};
    const cpus = count(v['cpus']);
    if (cpus !== undefined) entry.cpus = cpus;
    res.byIndex.set(idx, entry);
  }
  if (res.byIndex.size > 0) {
    warn('job_resources.allocated_nodes', 'the v0.0.37 layout has no reliable socket/core values; hwthreads left out');
  }
}

/** The distinct values, ascending (a new array). */
function sortUnique(xs: number[]): number[] {
  // Slurm lists cores in order: a strictly ascending list (without -0, which a Set makes 0) is
  // already the answer.
  let ascending = true;
  for (let i = 0; i < xs.length && ascending; i++) ascending = (i === 0 || xs[i - 1]! < xs[i]!) && !Object.is(xs[i], -0);
  if (ascending) return xs.slice();
  return [...new Set(xs)].sort((a, b) => a - b);
}
