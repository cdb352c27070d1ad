// Observation of the double: the request log, counters by endpoint and status, and JSON-friendly
// snapshots of the job tables.

import type { IncomingHttpHeaders } from 'node:http';
import type { EndpointName } from './router.js';
import type { JobRow, JobStore, Table } from './store.js';

export interface RequestRecord {
  seq: number;
  /** Arrival time, ms since epoch. */
  time: number;
  method: string;
  /** The request target as sent (path and query). */
  url: string;
  path: string;
  endpoint: EndpointName;
  /** Request headers; X-Auth-Token, Authorization and Cookie values are replaced by "<redacted>". */
  headers: Record<string, string | string[]>;
  /** Which auth header carried a value (the token itself is never logged). */
  authVia: 'x-auth-token' | 'authorization' | null;
  body: string;
  /** Status sent, or null when the connection was reset (fault) or the client went away. */
  status: number | null;
  /** Response body before compression (utf8). */
  responseBody: string;
  fault: null | { kind: 'status' | 'reset'; phase: 'before' | 'after'; ruleId: number };
  latencyMs: number;
  durationMs: number;
}

export interface Counters {
  total: number;
  /** endpoint → status (or "reset") → count */
  byEndpoint: Record<string, Record<string, number>>;
  /** status (or "reset") → count */
  byStatus: Record<string, number>;
}

const SECRET_HEADERS = new Set(['x-auth-token', 'authorization', 'cookie']);

export function redactHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    out[k] = SECRET_HEADERS.has(k) ? '<redacted>' : v;
  }
  return out;
}

export class Observer {
  private log: RequestRecord[] = [];
  private seq = 0;
  private counts: Counters = { total: 0, byEndpoint: {}, byStatus: {} };

  nextSeq(): number {
    return ++this.seq;
  }

  record(r: RequestRecord): void {
    this.log.push(r);
    const key = r.status === null ? 'reset' : String(r.status);
    this.counts.total++;
    const ep = (this.counts.byEndpoint[r.endpoint] ??= {});
    ep[key] = (ep[key] ?? 0) + 1;
    this.counts.byStatus[key] = (this.counts.byStatus[key] ?? 0) + 1;
  }

  requests(): RequestRecord[] {
    return this.log.map((r) => ({ ...r }));
  }

  clearRequests(): void {
    this.log = [];
  }

  counters(): Counters {
    return JSON.parse(JSON.stringify(this.counts)) as Counters;
  }

  reset(): void {
    this.log = [];
    this.counts = { total: 0, byEndpoint: {}, byStatus: {} };
  }
}

/** A job row as tests see it. int64 values become numbers (exact up to 2^53). */
export interface JobSnapshot {
  table: Table;
  /** Id in its table: job_cache id for cache rows, the `job` id (the id clients see) for main rows. */
  id: number;
  cacheId: number | null;
  movedBy: 'commit' | 'stop' | null;
  jobId: number;
  cluster: string;
  subCluster: string;
  user: string;
  project: string;
  partition: string;
  arrayJobId: number;
  startTime: number;
  /** stopTime of the successful stop_job (not a cc-backend column; duration is). */
  stopTime: number | null;
  duration: number;
  jobState: string;
  numNodes: number;
  numHwthreads: number;
  numAcc: number;
  shared: string;
  smt: number;
  monitoringStatus: number;
  walltime: number;
  energy: number;
  resources: unknown;
  metaData: unknown;
  footprint: unknown;
  tags: Array<{ id: number; type: string; name: string; scope: string }>;
  insertedAt: number;
  stoppedAt: number | null;
}

function snapshot(r: JobRow, table: Table, store: JobStore): JobSnapshot {
  return {
    table,
    id: Number(r.id),
    cacheId: r.cacheId === undefined ? null : Number(r.cacheId),
    movedBy: r.movedBy ?? null,
    jobId: Number(r.jobId),
    cluster: r.cluster,
    subCluster: r.subCluster,
    user: r.user,
    project: r.project,
    partition: r.partition,
    arrayJobId: Number(r.arrayJobId),
    startTime: Number(r.startTime),
    stopTime: r.stopTime === undefined ? null : Number(r.stopTime),
    duration: r.duration,
    jobState: r.jobState,
    numNodes: r.numNodes,
    numHwthreads: r.numHwthreads,
    numAcc: r.numAcc,
    shared: r.shared,
    smt: r.smt,
    monitoringStatus: r.monitoringStatus,
    walltime: Number(r.walltime),
    energy: r.energy,
    resources: JSON.parse(r.resourcesJson) as unknown,
    metaData: JSON.parse(r.metaDataJson) as unknown,
    footprint: JSON.parse(r.footprintJson) as unknown,
    tags: table === 'main' ? store.tagsOf(r.id).map((t) => ({ id: Number(t.id), type: t.type, name: t.name, scope: t.scope })) : [],
    insertedAt: r.insertedAt,
    stoppedAt: r.stoppedAt ?? null,
  };
}

/** Both tables: job_cache rows first (by cache id), then job rows (by id). */
export function jobSnapshots(store: JobStore): JobSnapshot[] {
  const byId = (a: JobRow, b: JobRow): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [
    ...[...store.cache].sort(byId).map((r) => snapshot(r, 'cache', store)),
    ...[...store.main].sort(byId).map((r) => snapshot(r, 'main', store)),
  ];
}
