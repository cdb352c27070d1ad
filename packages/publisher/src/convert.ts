/**
 * `cc-slurm-publisher convert`: Slurm JSON files → the events the publisher would publish.
 * Pure functions; the CLI reads the files and prints formatConvertOutput(result.events).
 */
import { encodeJson, type JobEvent } from '@cc-slurm-bridge/shared';
import type { SlurmJob, SlurmWarning } from './slurm/job.js';
import type { MappingOptions } from './mapping/events.js';

export interface ConvertInput extends Omit<MappingOptions, 'cluster'> {
  cluster: string;
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
  /** Warnings, each prefixed by the input it came from in `field` ("squeue: …"). */
  warnings: SlurmWarning[];
  /** The merged jobs the events came from. */
  jobs: SlurmJob[];
}

export function convertFiles(input: ConvertInput): ConvertResult {
  void input;
  return { events: [], warnings: [], jobs: [] };
}

/** One wire-format-v1 JSON object per line (shared encodeJson), newline-terminated. */
export function formatConvertOutput(events: readonly JobEvent[]): string {
  return events.map((e) => encodeJson(e) + '\n').join('');
}
