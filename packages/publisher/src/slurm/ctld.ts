/**
 * ctld job records: `squeue --json`, `scontrol show job --json`, slurmrestd `GET /slurm/vX/jobs`
 * and `/slurm/vX/job/{id}` (SHAPES §2, §4, §5). Every value is read by its actual JSON type,
 * so a record that does not match its document's meta (the spliced 21.08 capture) still reads.
 */
import type { SlurmJob, SlurmNodeAllocation } from './job.js';
import { gresGpus } from './gres.js';
import { parseTres, tresGpuCount } from './tres.js';
import { readJobResources } from './resources.js';
import { readExitCode, readNodes, readSharing, readState, readTimeLimit, warn, type RecordContext } from './common.js';
import { count, epoch, isObj, num, str, type Obj } from './values.js';

export function readCtldJob(rec: Obj, ctx: RecordContext, parser: string): SlurmJob {
  const jobId = ctx.jobId;
  const { state, stateFlags } = readState(ctx, rec['job_state'], 'job_state');
  const job: SlurmJob = {
    jobId,
    arrayJobId: 0,
    state,
    stateFlags,
    nodes: [],
    allocation: [],
    sharing: readSharing(rec),
    family: 'ctld',
    parser,
    placeholder: false,
  };

  // array / het
  const arrayJobId = count(rec['array_job_id']);
  if (arrayJobId !== undefined) job.arrayJobId = arrayJobId;
  const arrayTaskId = count(rec['array_task_id']);
  if (arrayTaskId !== undefined && job.arrayJobId > 0) job.arrayTaskId = arrayTaskId;
  const ats = str(rec['array_task_string']);
  if (ats !== undefined) job.arrayTaskString = ats;
  // An unsplit array parent (pending, array_task_string set) is its own array master.
  if (job.arrayJobId === 0 && ats !== undefined) job.arrayJobId = jobId;
  const het = count(rec['het_job_id']);
  if (het !== undefined && het > 0) {
    job.hetJobId = het;
    const off = count(rec['het_job_offset']);
    if (off !== undefined) job.hetJobOffset = off;
  }

  // identity
  setStr(job, 'cluster', rec['cluster']);
  setStr(job, 'name', rec['name']);
  setStr(job, 'user', rec['user_name']);
  setStr(job, 'group', rec['group_name']);
  setStr(job, 'account', rec['account']);
  setStr(job, 'partition', rec['partition']);
  setStr(job, 'qos', rec['qos']);
  setStr(job, 'stateReason', rec['state_reason']);
  setStr(job, 'workDir', rec['current_working_directory']);
  setStr(job, 'submitLine', rec['submit_line']);
  setStr(job, 'command', rec['command']);
  const uid = count(rec['user_id']);
  if (uid !== undefined) job.userId = uid;
  if (job.user === undefined) warn(ctx, 'user_name', uid !== undefined ? `missing; only user_id ${uid} is known` : 'missing');

  // times
  setTime(job, 'submitTime', rec['submit_time']);
  setTime(job, 'eligibleTime', rec['eligible_time']);
  setTime(job, 'startTime', rec['start_time']);
  setTime(job, 'endTime', rec['end_time']);
  const tl = readTimeLimit(ctx, rec['time_limit'], 'time_limit');
  if (tl !== undefined) job.timeLimit = tl;

  const exit = readExitCode(rec['exit_code']);
  if (exit) job.exitCode = exit;

  // sizes
  const cpus = count(rec['cpus']);
  if (cpus !== undefined) job.cpus = cpus;
  const nodeCount = count(rec['node_count']);
  if (nodeCount !== undefined) job.nodeCount = nodeCount;
  const { tres, bad } = parseTres(typeof rec['tres_alloc_str'] === 'string' ? rec['tres_alloc_str'] : undefined);
  if (bad.length > 0) warn(ctx, 'tres_alloc_str', `unreadable entries ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
  if (Object.keys(tres).length > 0) job.tresAlloc = tres;

  // nodes and allocation
  const { nodeList, nodes } = readNodes(ctx, rec['nodes'], 'nodes');
  if (nodeList !== undefined) job.nodeList = nodeList;
  const jr = readJobResources(rec['job_resources'], jobId, cpus ?? num(tres['cpu']));
  ctx.warnings.push(...jr.warnings);
  let hosts = nodes;
  if (hosts.length === 0 && jr.hosts.length > 0) {
    // `nodes` empty or unreadable but job_resources names them
    hosts = jr.hosts;
    job.nodeList ??= jr.nodeList;
  } else if (jr.hosts.length > 0 && !sameSet(hosts, jr.hosts)) {
    warn(ctx, 'job_resources', `job_resources names ${jr.hosts.join(',')} but nodes is ${JSON.stringify(rec['nodes'])}; using nodes`);
  }
  job.nodes = hosts;
  if (job.nodeCount === undefined && hosts.length > 0) job.nodeCount = hosts.length;

  const gresDetail = Array.isArray(rec['gres_detail']) ? rec['gres_detail'] : undefined;
  if (gresDetail && gresDetail.length > 0 && gresDetail.length !== hosts.length) {
    warn(ctx, 'gres_detail', `${gresDetail.length} entries for ${hosts.length} nodes; GPU indices per node not used`);
  }
  let gresTotal = 0;
  job.allocation = hosts.map((hostname, i) => {
    const a: SlurmNodeAllocation = { hostname, ...(jr.byHost.get(hostname) ?? jr.byIndex.get(i) ?? {}) };
    if (gresDetail && gresDetail.length === hosts.length) {
      const g = gresDetail[i];
      const parsed = gresGpus(typeof g === 'string' ? g : undefined);
      if (parsed.bad.length > 0) warn(ctx, `gres_detail[${i}]`, `unreadable GRES entries ${parsed.bad.map((b) => JSON.stringify(b)).join(', ')}`);
      if (parsed.count > 0) {
        a.gpus = parsed.count;
        if (parsed.indices) a.gpuIndices = parsed.indices;
      }
      gresTotal += parsed.count;
    }
    return a;
  });

  // GPUs: the accounted TRES when gres/gpu is in it, else gres_detail (SHAPES §5).
  const tresGpus = tresGpuCount(tres);
  if (tresGpus !== undefined) {
    job.gpuCount = tresGpus;
    if (gresDetail && gresDetail.length === hosts.length && gresTotal !== tresGpus) {
      warn(ctx, 'gres_detail', `gres_detail lists ${gresTotal} GPUs but tres_alloc_str says ${tresGpus}; using tres_alloc_str`);
    }
  } else if (gresDetail && hosts.length > 0) {
    job.gpuCount = gresTotal;
  }
  return job;
}

function setStr<K extends 'cluster' | 'name' | 'user' | 'group' | 'account' | 'partition' | 'qos' | 'stateReason' | 'workDir' | 'submitLine' | 'command' | 'jobScript'>(
  job: SlurmJob,
  key: K,
  v: unknown,
): void {
  const s = str(v);
  if (s !== undefined) job[key] = s;
}

function setTime(job: SlurmJob, key: 'submitTime' | 'eligibleTime' | 'startTime' | 'endTime', v: unknown): void {
  const t = epoch(v);
  if (t !== undefined) job[key] = t;
}

function sameSet(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

export { setStr, setTime };
