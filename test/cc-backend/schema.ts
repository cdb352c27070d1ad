// The Go request types cc-backend decodes into (CONTRACT.md §1.1, §2.1, §4.1, §8), described for
// decode.ts, and the schema.Job JSON encoding used by responses (field order and omitempty as in
// cc-lib schema/job.go).

import { T, type GoField, type GoType } from './decode.js';
import { GoStruct, RawJson, type GoJsonValue } from './gojson.js';
import type { JobColumns } from './store.js';

const f = (json: string, type: GoType, omitempty = false): GoField => ({ json, type, omitempty });

export const ResourceType = T.struct('schema.Resource', [
  f('hostname', T.string),
  f('configuration', T.string, true),
  f('hwthreads', T.slice(T.int, '[]int'), true),
  f('accelerators', T.slice(T.string, '[]string'), true),
]);

export const ResourcesType = T.slice(T.ptr(ResourceType), '[]*schema.Resource');
export const FootprintType = T.map(T.float64, 'map[string]float64');
export const MetaDataType = T.map(T.string, 'map[string]string');

export const TagType = T.struct('schema.Tag', [f('type', T.string), f('name', T.string), f('scope', T.string), f('id', T.int64)]);

const JobLinkType = T.struct('schema.JobLink', [f('id', T.int64), f('jobId', T.int64)]);
const UnitType = T.struct('schema.Unit', [f('base', T.string), f('prefix', T.string, true)]);
const JobStatisticsType = T.struct('schema.JobStatistics', [
  f('unit', UnitType),
  f('avg', T.float64),
  f('min', T.float64),
  f('max', T.float64),
]);

/** cc-lib schema.Job, the start_job request type. */
export const JobType = T.struct('schema.Job', [
  f('cluster', T.string),
  f('subCluster', T.string),
  f('partition', T.string, true),
  f('project', T.string),
  f('user', T.string),
  f('shared', T.string),
  f('jobState', T.named('schema.JobState')),
  f('tags', T.slice(T.ptr(TagType), '[]*schema.Tag'), true),
  f('resources', ResourcesType),
  f('energyFootprint', FootprintType),
  f('footprint', FootprintType),
  f('metaData', MetaDataType),
  f('concurrentJobs', T.struct('schema.JobLinkResultList', [f('items', T.slice(T.ptr(JobLinkType), '[]*schema.JobLink')), f('count', T.int)])),
  f('energy', T.float64),
  f('arrayJobId', T.int64, true),
  f('walltime', T.int64, true),
  f('requestedMemory', T.int64, true),
  f('jobId', T.int64),
  f('duration', T.int32),
  f('smt', T.int32, true),
  f('monitoringStatus', T.int32, true),
  f('numAcc', T.int32, true),
  f('numHwthreads', T.int32, true),
  f('numNodes', T.int32),
  f('statistics', T.map(JobStatisticsType, 'map[string]schema.JobStatistics')),
  f('id', T.ptr(T.int64), true),
  f('submitTime', T.int64, true),
  f('startTime', T.int64),
]);

/** cc-backend api.StopJobAPIRequest. */
export const StopJobType = T.struct('api.StopJobAPIRequest', [
  f('jobId', T.ptr(T.int64)),
  f('cluster', T.ptr(T.string)),
  f('startTime', T.ptr(T.int64)),
  f('jobState', T.named('schema.JobState')),
  f('stopTime', T.int64),
]);

const NodePayloadType = T.struct('schema.NodePayload', [
  f('hostname', T.string),
  f('states', T.slice(T.string, '[]string')),
  f('cpusAllocated', T.int),
  f('memoryAllocated', T.int64),
  f('gpusAllocated', T.int),
  f('jobsRunning', T.int),
]);

/** cc-backend api.UpdateNodeStatesRequest. */
export const NodeStatesType = T.struct('api.UpdateNodeStatesRequest', [
  f('nodes', T.slice(NodePayloadType, '[]schema.NodePayload')),
  f('cluster', T.string),
]);

// ----- decoded shapes (what goDecodeBody returns for the types above) -----

export interface DecResource {
  hostname: string;
  configuration: string;
  hwthreads: bigint[] | null;
  accelerators: string[] | null;
}
export interface DecTag {
  type: string;
  name: string;
  scope: string;
  id: bigint;
}
export interface DecJob {
  cluster: string;
  subCluster: string;
  partition: string;
  project: string;
  user: string;
  shared: string;
  jobState: string;
  tags: Array<DecTag | null> | null;
  resources: Array<DecResource | null> | null;
  energyFootprint: Map<string, number> | null;
  footprint: Map<string, number> | null;
  metaData: Map<string, string> | null;
  energy: number;
  arrayJobId: bigint;
  walltime: bigint;
  jobId: bigint;
  duration: bigint;
  smt: bigint;
  monitoringStatus: bigint;
  numAcc: bigint;
  numHwthreads: bigint;
  numNodes: bigint;
  startTime: bigint;
}
export interface DecStopJob {
  jobId: bigint | null;
  cluster: string | null;
  startTime: bigint | null;
  jobState: string;
  stopTime: bigint;
}
export interface DecNodePayload {
  hostname: string;
  states: string[] | null;
  cpusAllocated: bigint;
  memoryAllocated: bigint;
  gpusAllocated: bigint;
  jobsRunning: bigint;
}
export interface DecNodeStates {
  nodes: DecNodePayload[] | null;
  cluster: string;
}

/** The 12 valid job states (cc-lib JobState.Valid, §8.1). */
export const JOB_STATES = [
  'boot_fail',
  'cancelled',
  'completed',
  'deadline',
  'failed',
  'node_fail',
  'out_of_memory',
  'pending',
  'preempted',
  'running',
  'suspended',
  'timeout',
] as const;
export const isValidJobState = (s: string): boolean => (JOB_STATES as readonly string[]).includes(s);

// ----- encoding -----

/** json.Marshal of a decoded value of type `t` (used for the DB's JSON columns). */
export function marshalDecoded(v: unknown, t: GoType): GoJsonValue {
  if (v === null || v === undefined) return null;
  switch (t.k) {
    case 'ptr':
      return marshalDecoded(v, t.elem);
    case 'slice':
      return (v as unknown[]).map((x) => marshalDecoded(x, t.elem));
    case 'map': {
      const m = new Map<string, GoJsonValue>();
      for (const [k, x] of v as Map<string, unknown>) m.set(k, marshalDecoded(x, t.elem));
      return m;
    }
    case 'struct': {
      const o = v as Record<string, unknown>;
      const fields: Array<[string, GoJsonValue]> = [];
      for (const fl of t.fields) {
        const x = o[fl.json];
        if (fl.omitempty && isEmptyValue(x)) continue;
        fields.push([fl.json, marshalDecoded(x, fl.type)]);
      }
      return new GoStruct(fields);
    }
    default:
      return v as GoJsonValue;
  }
}

/** Go's isEmptyValue for omitempty. */
function isEmptyValue(x: unknown): boolean {
  if (x === null || x === undefined) return true;
  if (x === '' || x === 0 || x === 0n || x === false) return true;
  if (Array.isArray(x)) return x.length === 0;
  if (x instanceof Map) return x.size === 0;
  return false;
}

/** A stored job row, read back as schema.Job (scanJob plus what the handler adds). */
export type JobView = Omit<JobColumns, 'metaDataJson'> & {
  metaDataJson: string | null; // null = not fetched → "metaData":null
  tags: Array<{ id: bigint; type: string; name: string; scope: string }>;
};

/** schema.Job as encoded by Go: field order of the struct, omitempty where tagged. */
export function jobToGo(j: JobView): GoStruct {
  const fields: Array<[string, GoJsonValue]> = [];
  const add = (k: string, v: GoJsonValue, omitEmpty = false): void => {
    if (omitEmpty && (v === '' || v === 0 || v === 0n)) return;
    fields.push([k, v]);
  };
  add('cluster', j.cluster);
  add('subCluster', j.subCluster);
  add('partition', j.partition, true);
  add('project', j.project);
  add('user', j.user);
  add('shared', j.shared);
  add('jobState', j.jobState);
  if (j.tags.length > 0) {
    add(
      'tags',
      j.tags.map((t) => new GoStruct([['type', t.type], ['name', t.name], ['scope', t.scope], ['id', t.id]])),
    );
  }
  add('resources', new RawJson(j.resourcesJson));
  add('energyFootprint', null);
  add('footprint', new RawJson(j.footprintJson));
  add('metaData', j.metaDataJson === null ? null : new RawJson(j.metaDataJson));
  add('concurrentJobs', new GoStruct([['items', null], ['count', 0n]]));
  add('energy', j.energy);
  add('arrayJobId', j.arrayJobId, true);
  add('walltime', j.walltime, true);
  add('jobId', j.jobId);
  add('duration', BigInt(j.duration));
  add('smt', BigInt(j.smt), true);
  add('monitoringStatus', BigInt(j.monitoringStatus), true);
  add('numAcc', BigInt(j.numAcc), true);
  add('numHwthreads', BigInt(j.numHwthreads), true);
  add('numNodes', BigInt(j.numNodes));
  add('statistics', null);
  add('id', j.id);
  add('startTime', j.startTime);
  return new GoStruct(fields);
}
