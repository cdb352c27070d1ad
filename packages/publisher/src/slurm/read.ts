import { err, type Result } from '@cc-slurm-bridge/shared';
import { SlurmReadError, type ReadSlurmOptions, type SlurmReadResult } from './job.js';

/**
 * Reads any Slurm job-list document (squeue / scontrol show job / sacct --json, slurmrestd
 * /slurm/vX/jobs, /slurm/vX/job/{id}, /slurmdb/vX/jobs, /slurmdb/vX/job/{id}; data parsers
 * v0.0.37 … v0.0.44) into normalised jobs. Never throws.
 */
export function readSlurmJobs(text: string, opts: ReadSlurmOptions = {}): Result<SlurmReadResult, SlurmReadError> {
  void text;
  void opts;
  return err(new SlurmReadError('not_a_job_list', 'not implemented yet'));
}
