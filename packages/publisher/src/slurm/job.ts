/**
 * The normalised Slurm job: what the readers in this folder produce from any Slurm JSON job
 * record (ctld or db family, data parsers v0.0.37 … v0.0.44), and what the mapping to
 * cc-backend bodies consumes. Every field that Slurm may leave out is optional; a reader never
 * invents a value it did not see, it reports a SlurmWarning instead.
 */
import { BridgeError } from '@cc-slurm-bridge/shared';

/** ctld = slurmctld's view (squeue, scontrol show job, /slurm/vX/jobs); db = slurmdbd's (sacct, /slurmdb/vX/jobs). */
export type SlurmFamily = 'ctld' | 'db';

/** A problem found while reading or mapping, kept as data (never thrown). */
export interface SlurmWarning {
  jobId?: number;
  /** The Slurm field (dotted path) or the mapping step the warning is about. */
  field: string;
  message: string;
}

/**
 * How the job may share its nodes, normalised from ctld `shared` / `exclusive` / `oversubscribe`
 * (all parser versions):
 * - `exclusive`: whole nodes, no other job (`--exclusive`; shared "none", exclusive "true")
 * - `user`: nodes shared only with jobs of the same user (`--exclusive=user`)
 * - `mcs`: nodes shared only with jobs of the same MCS label (`--exclusive=mcs`)
 * - `topo`: exclusive topology segment (`--exclusive=topo`, 24.11+); nodes are exclusive too
 * - `oversubscribe`: `--oversubscribe` / shared "oversubscribe"
 * - `unset`: nothing requested; the partition's default applies (nodes may be shared)
 */
export type SlurmSharing = 'exclusive' | 'user' | 'mcs' | 'topo' | 'oversubscribe' | 'unset';

/** One allocated node of a job. */
export interface SlurmNodeAllocation {
  hostname: string;
  /** CPUs allocated on this node, when Slurm says (v0.0.41+ `cpus.count`). */
  cpus?: number;
  /**
   * OS processor ids of the allocated hardware threads, derived from job_resources
   * (see resources.ts for the derivation). Undefined when not derivable.
   */
  hwthreads?: number[];
  /** GPU indices on this node, from `gres_detail` `(IDX:…)`. Undefined when unknown. */
  gpuIndices?: number[];
  /** GPU count on this node (from gres_detail), even when indices are unknown. */
  gpus?: number;
}

export interface SlurmExitCode {
  /** e.g. SUCCESS, ERROR, SIGNALED; from db records and v0.0.40+ ctld records. */
  status?: string[];
  /** Process exit status (0–255) when known. */
  returnCode?: number;
  /** Signal number when the job was signalled. */
  signal?: number;
  signalName?: string;
  /** The raw wait status as int (≤ v0.0.39 ctld records only). */
  raw?: number;
}

export interface SlurmJob {
  /** The record's own job id (for array tasks: the task's own id). */
  jobId: number;
  /** Array master id; 0 when the job is not part of an array. */
  arrayJobId: number;
  /** Array task index; undefined for non-array jobs and unsplit array parents. */
  arrayTaskId?: number;
  /** Pending tasks of an unsplit array parent, e.g. "1-10" or "1-5%2" (ctld) / hex bitmap (db 22.05). */
  arrayTaskString?: string;
  /** Heterogeneous job leader id (undefined / 0 when not a het job) and this component's offset. */
  hetJobId?: number;
  hetJobOffset?: number;
  cluster?: string;
  name?: string;
  user?: string;
  userId?: number;
  group?: string;
  account?: string;
  partition?: string;
  qos?: string;
  /** Upper-case Slurm base state (PENDING, RUNNING, COMPLETED, …); 'UNKNOWN' when missing. */
  state: string;
  /** Further state flags (REQUEUED, COMPLETING, …) that came with the base state. */
  stateFlags: string[];
  stateReason?: string;
  /** Epoch seconds; undefined when unset / zero. */
  submitTime?: number;
  eligibleTime?: number;
  /** Note: on pending ctld records Slurm reports an *expected* start here; check `state`. */
  startTime?: number;
  endTime?: number;
  /** Time limit in minutes, 'infinite' for UNLIMITED, undefined when unknown. */
  timeLimit?: number | 'infinite';
  /** The hostlist expression as Slurm gave it (e.g. "node[1-2]"). */
  nodeList?: string;
  /** Expanded host names, in Slurm's order. Empty when none allocated. */
  nodes: string[];
  nodeCount?: number;
  cpus?: number;
  /** Per-node allocation; same order and length as `nodes` when known, else empty. */
  allocation: SlurmNodeAllocation[];
  /** Allocated GPUs, from tres_alloc_str / tres.allocated / gres_detail. Undefined when no information. */
  gpuCount?: number;
  sharing: SlurmSharing;
  exitCode?: SlurmExitCode;
  jobScript?: string;
  workDir?: string;
  submitLine?: string;
  command?: string;
  /** The raw allocated TRES (e.g. { cpu: 4, mem: 4000, node: 1, 'gres/gpu': 2 }); mem in MiB. */
  tresAlloc?: Record<string, number>;
  family: SlurmFamily;
  /** The data parser that produced the record, e.g. "v0.0.38", "v0.0.42". */
  parser: string;
  /**
   * True for a G1 "allocation" placeholder: a db record slurmdbd created from a step before the
   * job record arrived (name "allocation", empty partition). It is incomplete; the real record
   * follows within seconds.
   */
  placeholder: boolean;
}

export type SlurmReadErrorCode = 'malformed_json' | 'not_a_job_list';

/** The document could not be read as a Slurm job list at all. */
export class SlurmReadError extends BridgeError<SlurmReadErrorCode> {}

export interface SlurmReadResult {
  jobs: SlurmJob[];
  warnings: SlurmWarning[];
  family: SlurmFamily;
  /** Data parser of the document ("v0.0.37" … "v0.0.44"), or "unknown" when neither meta nor sniffing told. */
  parser: string;
  /** Slurm release from meta, e.g. "24.11.5". */
  slurmVersion?: string;
  /** meta.slurm.cluster (v0.0.40+), when present. */
  metaCluster?: string;
}

export interface ReadSlurmOptions {
  /** Fills `cluster` on records that lack one. */
  cluster?: string;
}
