/**
 * db job records: `sacct --json`, slurmrestd `GET /slurmdb/vX/jobs` and `/slurmdb/vX/job/{id}`
 * (SHAPES §3). db records never carry core-level allocation, so nodes have host names only;
 * GPUs come from `tres.allocated` when gres/gpu is an accounted TRES.
 */
import type { SlurmJob } from './job.js';
import { parseTres, tresGpuCount } from './tres.js';
import { isPlaceholder, readExitCode, readNodes, readState, readTimeLimit, warn, type RecordContext } from './common.js';
import { setStr, setTime } from './ctld.js';
import { at, count, isObj, str, type Obj } from './values.js';

export function readDbJob(rec: Obj, ctx: RecordContext, parser: string): SlurmJob {
  const jobId = ctx.jobId;
  const stateObj = rec['state'];
  const { state, stateFlags } = readState(ctx, isObj(stateObj) ? stateObj['current'] : stateObj, 'state.current');
  const job: SlurmJob = {
    jobId,
    arrayJobId: 0,
    state,
    stateFlags,
    nodes: [],
    allocation: [],
    sharing: 'unset',
    family: 'db',
    parser,
    placeholder: false,
  };
  if (isObj(stateObj)) setStr(job, 'stateReason', stateObj['reason']);

  // array: {job_id, task_id: int|null|NUM, task: str|null}
  const arr = rec['array'];
  if (isObj(arr)) {
    const aj = count(arr['job_id']);
    if (aj !== undefined) job.arrayJobId = aj;
    const at_ = count(arr['task_id']);
    if (at_ !== undefined && job.arrayJobId > 0) job.arrayTaskId = at_;
    const task = str(arr['task']);
    if (task !== undefined) job.arrayTaskString = task;
  }
  const het = rec['het'];
  if (isObj(het)) {
    const hj = count(het['job_id']);
    if (hj !== undefined && hj > 0) {
      job.hetJobId = hj;
      const off = count(het['job_offset']);
      if (off !== undefined) job.hetJobOffset = off;
    }
  }

  setStr(job, 'cluster', rec['cluster']);
  setStr(job, 'name', rec['name']);
  setStr(job, 'user', rec['user']);
  if (job.user === undefined) setStr(job, 'user', at(rec, 'association', 'user'));
  setStr(job, 'group', rec['group']);
  setStr(job, 'account', rec['account']);
  if (job.account === undefined) setStr(job, 'account', at(rec, 'association', 'account'));
  setStr(job, 'partition', rec['partition']);
  setStr(job, 'qos', rec['qos']);
  setStr(job, 'workDir', rec['working_directory']);
  setStr(job, 'submitLine', rec['submit_line']);
  setStr(job, 'jobScript', rec['script']);
  if (job.user === undefined) warn(ctx, 'user', 'missing');

  const time = rec['time'];
  if (isObj(time)) {
    setTime(job, 'submitTime', time['submission']);
    setTime(job, 'eligibleTime', time['eligible']);
    setTime(job, 'startTime', time['start']);
    setTime(job, 'endTime', time['end']);
    const tl = readTimeLimit(ctx, time['limit'], 'time.limit');
    if (tl !== undefined) job.timeLimit = tl;
  } else {
    warn(ctx, 'time', time === undefined ? 'missing; no submit/start/end times' : 'not an object; no submit/start/end times');
  }

  const exit = readExitCode(rec['exit_code']);
  if (exit) job.exitCode = exit;

  const cpusReq = count(at(rec, 'required', 'CPUs'));
  const tresAlloc = at(rec, 'tres', 'allocated');
  const { tres, bad } = parseTres(Array.isArray(tresAlloc) ? tresAlloc : undefined);
  if (bad.length > 0) warn(ctx, 'tres.allocated', `unreadable entries ${bad.join(', ')}`);
  if (Object.keys(tres).length > 0) job.tresAlloc = tres;
  const cpus = tres['cpu'] ?? cpusReq;
  if (cpus !== undefined && cpus > 0) job.cpus = cpus;
  job.gpuCount = tresGpuCount(tres);
  if (job.gpuCount === undefined) delete job.gpuCount;

  const { nodeList, nodes } = readNodes(ctx, rec['nodes'], 'nodes');
  if (nodeList !== undefined) job.nodeList = nodeList;
  job.nodes = nodes;
  job.allocation = nodes.map((hostname) => ({ hostname }));
  const an = count(rec['allocation_nodes']);
  if (an !== undefined && (an > 0 || nodes.length === 0)) job.nodeCount = an;
  else if (nodes.length > 0) job.nodeCount = nodes.length;
  if (an !== undefined && an > 0 && nodes.length > 0 && an !== nodes.length) {
    warn(ctx, 'allocation_nodes', `allocation_nodes ${an} but nodes ${JSON.stringify(rec['nodes'])} has ${nodes.length} hosts`);
  }
  job.placeholder = isPlaceholder(job);
  return job;
}
