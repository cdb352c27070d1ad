import type { JobEvent } from '@cc-slurm-bridge/shared';
import type { SlurmJob, SlurmWarning } from '../slurm/job.js';

export interface MappingOptions {
  /** cc-backend cluster name (must be a valid NATS subject token). */
  cluster: string;
  /** host regex (source text) → PCI addresses by GPU index; the first regex matching a hostname wins. */
  gpuPciAddrs?: Record<string, string[]>;
  /** Hosts matching this regex are dropped from resources; a job on only such hosts is not sent. */
  ignoreHosts?: string;
  /** meta.source of the events (the publisher's hostname). */
  source?: string;
  /** meta.observedAt (epoch s). */
  observedAt?: number;
  /** Put the batch script into metaData.jobScript when the record has it (default true). */
  includeJobScript?: boolean;
}

export interface MappingResult {
  /** start_job (if the job started) then stop_job (if it ended); each passed validateEvent. */
  events: JobEvent[];
  warnings: SlurmWarning[];
  /** Why no event was produced, when none was. */
  skipped?: string;
}

/** Maps one normalised Slurm job to its cc-backend start/stop events (DESIGN §3). Never throws. */
export function jobEvents(job: SlurmJob, opts: MappingOptions): MappingResult {
  void job;
  void opts;
  return { events: [], warnings: [], skipped: 'not implemented yet' };
}
