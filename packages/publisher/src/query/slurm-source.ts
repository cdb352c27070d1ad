/**
 * What the daemon asks Slurm, with the cheapest query the installed version offers:
 *
 * - running jobs: one unfiltered `squeue --json` per poll (22.05 ignores filters anyway, G3);
 * - ended jobs: `sacct --json -a -X -S <wm> -E <end> -s <all states>` (G4);
 * - specific jobs (hook): `scontrol show job <ids> --json` where it exists (23.02+; one call
 *   for many ids when the installed version takes a list, else one call per id), otherwise one
 *   unfiltered `squeue --json` for the whole batch (22.05 has no scontrol --json, G5); ids
 *   slurmctld no longer holds come from `sacct -j <ids>`.
 *
 * Whether scontrol speaks JSON is probed once, on the first hook query, and cached.
 */
import type { Logger } from '@cc-slurm-bridge/shared';
import { SACCT_ALL_STATES, slurmTime, type SlurmRunner } from './run-slurm.js';

export type ScontrolJson = 'unknown' | 'none' | 'single' | 'batch';

const UNSUPPORTED = /unrecognized option|unknown option|invalid option|illegal option/i;
const INVALID_JOB = /invalid job id|not found|no jobs/i;

export interface SlurmSourceOptions {
  runner: SlurmRunner;
  logger: Logger;
  /** Pass -M <cluster> (only when the daemon serves more than one cluster). */
  multiCluster: boolean;
}

export interface JobDocs {
  /** Raw JSON documents (slurmctld view) that hold the asked-for jobs (maybe more). */
  docs: string[];
  method: 'scontrol' | 'squeue';
}

export class SlurmSource {
  scontrolJson: ScontrolJson = 'unknown';

  constructor(private readonly o: SlurmSourceOptions) {}

  private clusterArgs(cluster: string): string[] {
    return this.o.multiCluster ? ['-M', cluster] : [];
  }

  /** `sacctmgr list clusters -n -P format=cluster`. */
  async listClusters(): Promise<string[]> {
    const r = await this.o.runner.run('sacctmgr', ['list', 'clusters', '-n', '-P', 'format=cluster']);
    return r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  }

  /** Every job slurmctld holds (running, pending, recently finished). */
  async squeue(cluster: string): Promise<string> {
    return (await this.o.runner.run('squeue', ['--json', ...this.clusterArgs(cluster)])).stdout;
  }

  /** Jobs active in [start, end] (epoch s), in every state, allocations only. */
  async sacctWindow(cluster: string, start: number, end: number): Promise<string> {
    const args = ['--json', '-a', '-X', '-S', slurmTime(start), '-E', slurmTime(end), '-s', SACCT_ALL_STATES, ...this.clusterArgs(cluster)];
    return (await this.o.runner.run('sacct', args)).stdout;
  }

  /** Accounting records of specific jobs. */
  async sacctJobs(cluster: string, ids: readonly number[]): Promise<string> {
    return (await this.o.runner.run('sacct', ['--json', '-a', '-X', '-j', ids.join(','), ...this.clusterArgs(cluster)])).stdout;
  }

  /** slurmctld's view of specific jobs, by the cheapest means available. */
  async ctldJobs(cluster: string, ids: readonly number[]): Promise<JobDocs> {
    if (!ids.length) return { docs: [], method: 'squeue' };
    if (this.scontrolJson === 'unknown') await this.probe(cluster, ids[0]!);
    if (this.scontrolJson === 'none') return { docs: [await this.squeue(cluster)], method: 'squeue' };
    if (this.scontrolJson === 'batch' || ids.length === 1) {
      const doc = await this.scontrol(cluster, ids);
      // A list fails as a whole when one id is unknown: then ask one by one below.
      if (doc || ids.length === 1) return { docs: doc ? [doc] : [], method: 'scontrol' };
    }
    // 'single' with several ids: try a list once; if refused, one call per id (at most 4 at a time).
    if (this.scontrolJson === 'single' && !this.listTried) {
      this.listTried = true;
      const r = await this.o.runner.run('scontrol', ['show', 'job', ids.join(','), '--json', ...this.clusterArgs(cluster)], { allowFailure: true });
      if (r.exitCode === 0 && looksLikeJobList(r.stdout)) {
        this.scontrolJson = 'batch';
        this.o.logger.info('scontrol show job takes a list of job ids; batching hook queries');
        return { docs: [r.stdout], method: 'scontrol' };
      }
    }
    const docs: string[] = [];
    const queue = [...ids];
    const worker = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const d = await this.scontrol(cluster, [id]);
        if (d) docs.push(d);
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, ids.length) }, worker));
    return { docs, method: 'scontrol' };
  }

  private listTried = false;

  /** One scontrol call; undefined when the ids are unknown to slurmctld. */
  private async scontrol(cluster: string, ids: readonly number[]): Promise<string | undefined> {
    const r = await this.o.runner.run('scontrol', ['show', 'job', ids.join(','), '--json', ...this.clusterArgs(cluster)], { allowFailure: true });
    if (r.exitCode === 0) return r.stdout;
    if (INVALID_JOB.test(r.stderr) || INVALID_JOB.test(r.stdout)) return undefined;
    throw new Error(`scontrol show job ${ids.join(',')} --json exited with ${r.exitCode}: ${r.stderr.trim().slice(0, 300)}`);
  }

  private async probe(cluster: string, id: number): Promise<void> {
    const r = await this.o.runner.run('scontrol', ['show', 'job', String(id), '--json', ...this.clusterArgs(cluster)], { allowFailure: true });
    if (r.exitCode !== 0 && UNSUPPORTED.test(r.stderr)) {
      this.scontrolJson = 'none';
      this.o.logger.info('scontrol has no --json (Slurm 22.05 or older): querying jobs with one unfiltered squeue --json per batch');
      return;
    }
    if (r.exitCode === 0 || INVALID_JOB.test(r.stderr)) {
      this.scontrolJson = 'single';
      this.o.logger.info('scontrol show job --json is available; using it for hook queries');
      return;
    }
    // Some other failure (slurmctld down?): decide next time.
    this.o.logger.warn({ exitCode: r.exitCode, stderr: r.stderr.trim().slice(0, 300) }, 'scontrol probe failed; falling back to squeue for now');
    throw new Error(`scontrol probe failed: ${r.stderr.trim().slice(0, 300)}`);
  }
}

function looksLikeJobList(text: string): boolean {
  try {
    const d = JSON.parse(text) as { jobs?: unknown };
    return Array.isArray(d.jobs);
  } catch {
    return false;
  }
}
