// The REST handlers of cc-backend that a bridge uses, step by step as CONTRACT.md §1–§4 lists them.

import type { ApiUser } from './auth.js';
import { assignSubCluster, clusterJson, NilDereference, type ResolvedCluster } from './clusters.js';
import { goDecodeBody, T, zeroValue } from './decode.js';
import { GoStruct, goMarshal, goQuote, type GoJsonValue } from './gojson.js';
import { errorReply, jsonReply, panicReply, reply, type Reply } from './respond.js';
import {
  type DecJob,
  type DecNodeStates,
  type DecStopJob,
  FootprintType,
  isValidJobState,
  JobType,
  jobToGo,
  marshalDecoded,
  MetaDataType,
  NodeStatesType,
  ResourcesType,
  StopJobType,
} from './schema.js';
import type { JobRow, JobStore } from './store.js';

export interface HandlerCtx {
  store: JobStore;
  clusters: ResolvedCluster[];
  user: ApiUser;
  body: Buffer;
  /** Query parameters as Go's url.ParseQuery yields them, keys in order of first appearance. */
  query: Array<[string, string[]]>;
  params: Record<string, string>;
  nowMs: number;
}

const SECONDS_PER_DAY = 86400n;
const i64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const i32 = (x: bigint): number => Number(BigInt.asIntN(32, x));

/** A stored row read back like scanJob: running jobs get duration = now - startTime (int32). */
export function viewOf(row: JobRow, store: JobStore, nowMs: number, opts: { metaData: boolean; tags: boolean; user?: ApiUser }): Parameters<typeof jobToGo>[0] {
  const nowSec = BigInt(Math.floor(nowMs / 1000));
  const visibleTags = opts.tags
    ? store.tagsOf(row.id).filter((t) => t.scope === 'global' || (t.scope === 'admin' && opts.user?.roles.includes('admin')) || t.scope === opts.user?.username)
    : [];
  return {
    id: row.id,
    jobId: row.jobId,
    user: row.user,
    project: row.project,
    cluster: row.cluster,
    subCluster: row.subCluster,
    startTime: row.startTime,
    partition: row.partition,
    arrayJobId: row.arrayJobId,
    numNodes: row.numNodes,
    numHwthreads: row.numHwthreads,
    numAcc: row.numAcc,
    shared: row.shared,
    monitoringStatus: row.monitoringStatus,
    smt: row.smt,
    jobState: row.jobState,
    duration: row.jobState === 'running' ? i32(i64(nowSec - row.startTime)) : row.duration,
    walltime: row.walltime,
    resourcesJson: row.resourcesJson,
    footprintJson: row.footprintJson,
    energy: row.energy,
    metaDataJson: opts.metaData ? row.metaDataJson : null,
    tags: visibleTags,
  };
}

// ------------------------------------------------------------------------------------- start_job

export function startJob(ctx: HandlerCtx): Reply {
  const initial = zeroValue(JobType) as Record<string, unknown>;
  initial['shared'] = 'none';
  initial['monitoringStatus'] = 1n;
  const dec = goDecodeBody<DecJob>(ctx.body, JobType, initial as never);
  if (!dec.ok) return errorReply(400, `parsing request body failed: ${dec.error}`);
  const req = dec.value;
  req.jobState = 'running';

  // SanityChecks (a–f).
  const cluster = ctx.clusters.find((c) => c.name === req.cluster);
  if (!cluster) return errorReply(400, `no such cluster: ${req.cluster}`);
  const resources = req.resources ?? [];
  try {
    req.subCluster = assignSubCluster(cluster, req.subCluster, resources[0], resources.length);
  } catch (e) {
    if (e instanceof NilDereference) return panicReply();
    return errorReply(400, (e as Error).message);
  }
  if (resources.length === 0 || req.user.length === 0) return errorReply(400, "'resources' and 'user' should not be empty");
  if (req.numAcc < 0n || req.numHwthreads < 0n || req.numNodes < 1n) return errorReply(400, "'numNodes', 'numAcc' or 'numHWThreads' invalid");
  if (BigInt(resources.length) !== req.numNodes) {
    return errorReply(400, `len(resources) does not equal numNodes (${resources.length} vs ${req.numNodes})`);
  }

  // Duplicate rule, against the committed table only (§1.3).
  for (const row of ctx.store.findAll(req.jobId, req.cluster)) {
    if (i64(req.startTime - row.startTime) < SECONDS_PER_DAY) {
      return errorReply(422, `a job with that jobId, cluster and startTime already exists: dbid: ${row.id}, jobid: ${row.jobId}`);
    }
  }

  const row: Omit<JobRow, 'id'> = {
    jobId: req.jobId,
    user: req.user,
    project: req.project,
    cluster: req.cluster,
    subCluster: req.subCluster,
    startTime: req.startTime,
    partition: req.partition,
    arrayJobId: req.arrayJobId,
    numNodes: Number(req.numNodes),
    numHwthreads: Number(req.numHwthreads),
    numAcc: Number(req.numAcc),
    shared: req.shared,
    monitoringStatus: Number(req.monitoringStatus),
    smt: Number(req.smt),
    jobState: 'running',
    duration: Number(req.duration),
    walltime: req.walltime,
    resourcesJson: goMarshal(marshalDecoded(req.resources, ResourcesType)),
    footprintJson: goMarshal(marshalDecoded(req.footprint, FootprintType)),
    metaDataJson: goMarshal(marshalDecoded(req.metaData, MetaDataType)),
    energy: req.energy,
    insertedAt: ctx.nowMs,
  };
  const tags = req.tags ?? [];
  const ins = tags.length > 0 ? ctx.store.insertMain(row) : ctx.store.insertCache(row);
  if (!ins.ok) return errorReply(500, `insert into database failed: ${ins.error}`);
  const id = ins.value;

  // Tags are attached after the insert; a failure leaves the job row in place (§1.4).
  for (const tag of tags) {
    if (tag === null) return panicReply();
    const scope = tag.scope === '' ? 'global' : tag.scope;
    const writable = scope === 'global' || scope === 'admin' || scope === ctx.user.username;
    if (!writable) return errorReply(500, `adding tag to new job ${id} failed: cannot write tag scope with current authorization`);
    const added = ctx.store.addTag(id, tag.type, tag.name, scope);
    if (!added.ok) return errorReply(500, `adding tag to new job ${id} failed: ${added.error}`);
  }
  return jsonReply(201, new GoStruct([['msg', 'success']]));
}

// -------------------------------------------------------------------------------------- stop_job

export function stopJob(ctx: HandlerCtx): Reply {
  const dec = goDecodeBody<DecStopJob>(ctx.body, StopJobType);
  if (!dec.ok) return errorReply(400, `parsing request body failed: ${dec.error}`);
  const req = dec.value;
  if (req.jobId === null) return errorReply(400, "the field 'jobId' is required");

  let isCached = true;
  let job = ctx.store.findCached(req.jobId, req.cluster, req.startTime);
  if (job === null) {
    isCached = false;
    job = ctx.store.find(req.jobId, req.cluster, req.startTime);
    if (job === null) return errorReply(404, 'finding job failed: sql: no rows in result set');
  }
  const view = viewOf(job, ctx.store, ctx.nowMs, { metaData: false, tags: false });
  const where = `jobId ${job.jobId} (id ${job.id}) on ${job.cluster}`;
  if (job.jobState !== 'running') {
    return errorReply(422, `${where} : job has already been stopped (state is: ${job.jobState})`);
  }
  if (job.startTime > req.stopTime) {
    return errorReply(400, `${where} : stopTime ${req.stopTime} must be larger/equal than startTime ${job.startTime}`);
  }
  let state = req.jobState;
  if (state !== '' && !isValidJobState(state)) return errorReply(400, `${where} : invalid requested job state: ${goQuote(state)}`);
  if (state === '') state = 'completed';

  view.duration = i32(i64(req.stopTime - job.startTime));
  view.jobState = state;
  let id = job.id;
  if (isCached) {
    const moved = ctx.store.transfer(job.id, ctx.nowMs);
    if (!moved.ok) return errorReply(500, `${where} : transferring cached job failed: ${moved.error}`);
    id = moved.value;
  }
  ctx.store.stop(id, view.duration, state, job.monitoringStatus, req.stopTime, ctx.nowMs);
  view.id = id;
  return jsonReply(200, jobToGo(view));
}

// ---------------------------------------------------------------------------------- GET /api/jobs/

/** strconv.Atoi / ParseInt(s, 10, 64) with Go's error text. */
export function goParseInt(s: string, fn: 'Atoi' | 'ParseInt'): { ok: true; value: bigint } | { ok: false; error: string } {
  if (!/^[+-]?\d+$/.test(s)) return { ok: false, error: `strconv.${fn}: parsing ${goQuote(s)}: invalid syntax` };
  const v = BigInt(s);
  if (BigInt.asIntN(64, v) !== v) return { ok: false, error: `strconv.${fn}: parsing ${goQuote(s)}: value out of range` };
  return { ok: true, value: v };
}

export function listJobs(ctx: HandlerCtx): Reply {
  let withMetadata = false;
  let page = 1n;
  let itemsPerPage = 25n;
  let states: string[] | null = null;
  let cluster: string | null = null;
  let project: string | null = null;
  let startRange: [bigint, bigint] | null = null;

  for (const [key, vals] of ctx.query) {
    const first = vals[0] ?? '';
    switch (key) {
      case 'project':
        project = first;
        break;
      case 'state':
        for (const s of vals) {
          if (!isValidJobState(s)) return errorReply(400, 'invalid query parameter value: state');
          (states ??= []).push(s);
        }
        break;
      case 'cluster':
        cluster = first;
        break;
      case 'start-time': {
        const st = first.split('-');
        if (st.length !== 2) return errorReply(400, 'invalid query parameter value: startTime');
        const from = goParseInt(st[0] ?? '', 'ParseInt');
        if (!from.ok) return errorReply(400, from.error);
        const to = goParseInt(st[1] ?? '', 'ParseInt');
        if (!to.ok) return errorReply(400, to.error);
        startRange = [from.value, to.value];
        break;
      }
      case 'page': {
        const x = goParseInt(first, 'Atoi');
        if (!x.ok) return errorReply(400, x.error);
        if (x.value < 1n) return errorReply(400, 'page must be >= 1');
        page = x.value;
        break;
      }
      case 'items-per-page': {
        const x = goParseInt(first, 'Atoi');
        if (!x.ok) return errorReply(400, x.error);
        if (x.value < 1n) return errorReply(400, 'items-per-page must be >= 1');
        itemsPerPage = x.value;
        break;
      }
      case 'with-metadata':
        withMetadata = true;
        break;
      default:
        return errorReply(400, `invalid query parameter: ${key}`);
    }
  }

  const rows = ctx.store.main
    .filter((r) => states === null || states.includes(r.jobState))
    .filter((r) => cluster === null || r.cluster === cluster)
    .filter((r) => project === null || r.project === project)
    .filter((r) => startRange === null || (r.startTime >= startRange[0] && r.startTime <= startRange[1]))
    .sort((a, b) => (a.startTime !== b.startTime ? (a.startTime > b.startTime ? -1 : 1) : a.id > b.id ? -1 : 1));
  const offset = (page - 1n) * itemsPerPage;
  const pageRows = offset >= BigInt(rows.length) ? [] : rows.slice(Number(offset), Number(offset + itemsPerPage));
  const jobs = pageRows.map((r) => jobToGo(viewOf(r, ctx.store, ctx.nowMs, { metaData: withMetadata, tags: true, user: ctx.user })));
  return jsonReply(200, new GoStruct([['jobs', jobs], ['items', itemsPerPage], ['page', page]]));
}

// ------------------------------------------------------------------------------------- nodestate

/** §4.1 state collapse: allocated > reserved > (idle+down → down) > idle > down > mixed > unknown. */
export function collapseNodeState(states: string[]): string {
  const s = new Set(states.map((x) => x.toLowerCase()));
  if (s.has('allocated')) return 'allocated';
  if (s.has('reserved')) return 'reserved';
  if (s.has('idle') && s.has('down')) return 'down';
  if (s.has('idle')) return 'idle';
  if (s.has('down')) return 'down';
  if (s.has('mixed')) return 'mixed';
  return 'unknown';
}

export function nodeState(ctx: HandlerCtx): Reply {
  const dec = goDecodeBody<DecNodeStates>(ctx.body, NodeStatesType);
  if (!dec.ok) return errorReply(400, `parsing request body failed: ${dec.error}`);
  for (const n of dec.value.nodes ?? []) {
    ctx.store.nodeStates.set(`${dec.value.cluster}\u0000${n.hostname}`, {
      cluster: dec.value.cluster,
      hostname: n.hostname,
      state: collapseNodeState(n.states ?? []),
      cpusAllocated: Number(n.cpusAllocated),
      memoryAllocated: Number(n.memoryAllocated),
      gpusAllocated: Number(n.gpusAllocated),
      jobsRunning: Number(n.jobsRunning),
      timeStamp: Math.floor(ctx.nowMs / 1000),
    });
  }
  return reply(200);
}

// ------------------------------------------------------------------------- other /api/* helpers

function parseIdParam(ctx: HandlerCtx, name: string): { ok: true; value: bigint } | { ok: false; reply: Reply } {
  const raw = ctx.params[name] ?? '';
  const id = goParseInt(raw, 'ParseInt');
  if (!id.ok) return { ok: false, reply: errorReply(400, `integer expected in path for ${name}: ${id.error}`) };
  return id;
}

/** GET /api/jobs/{id} (getCompleteJobByID, without metric data). */
export function getJobById(ctx: HandlerCtx): Reply {
  const id = parseIdParam(ctx, 'id');
  if (!id.ok) return id.reply;
  const row = ctx.store.findById(id.value);
  if (!row) return errorReply(422, `finding job with db id ${ctx.params['id'] ?? ''} failed: sql: no rows in result set`);
  const job = jobToGo(viewOf(row, ctx.store, ctx.nowMs, { metaData: true, tags: true, user: ctx.user }));
  return jsonReply(200, new GoStruct([['Meta', job], ['Data', null]]));
}

/** POST /api/jobs/{id} (getJobByID): with no metric store configured the data load fails after the checks → 200, empty body. */
export function postJobById(ctx: HandlerCtx): Reply {
  const id = parseIdParam(ctx, 'id');
  if (!id.ok) return id.reply;
  if (!ctx.store.findById(id.value)) {
    return errorReply(422, `finding job with db id ${ctx.params['id'] ?? ''} failed: sql: no rows in result set`);
  }
  const dec = goDecodeBody(ctx.body, T.slice(T.string, 'api.GetJobAPIRequest'));
  if (!dec.ok) return errorReply(400, `decoding request failed: ${dec.error}`);
  return reply(200);
}

/** GET /api/jobs/used_nodes?ts=<epoch>. */
export function usedNodes(ctx: HandlerCtx): Reply {
  const ts = ctx.query.find(([k]) => k === 'ts')?.[1][0] ?? '';
  if (ts === '') return errorReply(400, 'missing required query parameter: ts');
  const t = goParseInt(ts, 'ParseInt');
  if (!t.ok) return errorReply(400, `invalid timestamp format: ${t.error}`);
  const used = new Map<string, GoJsonValue>();
  const sets = new Map<string, Set<string>>();
  for (const r of ctx.store.main) {
    if (r.jobState !== 'running' || !(r.startTime < t.value)) continue;
    const hosts = sets.get(r.cluster) ?? new Set<string>();
    for (const res of JSON.parse(r.resourcesJson) as Array<{ hostname?: string } | null>) if (res?.hostname) hosts.add(res.hostname);
    sets.set(r.cluster, hosts);
  }
  for (const [c, hosts] of sets) used.set(c, [...hosts].sort());
  return jsonReply(200, new GoStruct([['usedNodes', used]]));
}

/** GET /api/clusters/[?cluster=name]. */
export function getClusters(ctx: HandlerCtx): Reply {
  const want = ctx.query.find(([k]) => k === 'cluster')?.[1][0];
  let list = ctx.clusters;
  if (want !== undefined && want !== '') {
    list = list.filter((c) => c.name === want);
    if (list.length === 0) return errorReply(400, `unknown cluster: ${want}`);
  }
  const body = JSON.stringify({ clusters: list.map((c) => clusterJson(c)) });
  return reply(200, body + '\n', 'application/json');
}

/** Routes cc-backend has but the double does not model: a 500 that names the gap. */
export function notModelled(ctx: HandlerCtx): Reply {
  void ctx;
  return errorReply(500, 'not implemented by the cc-backend test double');
}
