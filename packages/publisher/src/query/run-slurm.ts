/**
 * Runs a Slurm CLI from slurmBinDir with TZ=UTC and a timeout. Output is collected without a
 * size cap (a 50,000-job squeue --json is hundreds of MB); stderr is kept for messages.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BridgeError } from '@cc-slurm-bridge/shared';
import type { PublisherMetrics } from '../metrics.js';

export type SlurmCommand = 'squeue' | 'sacct' | 'scontrol' | 'sacctmgr' | 'sinfo';

export class SlurmCommandError extends BridgeError<'slurm_spawn' | 'slurm_timeout' | 'slurm_exit'> {
  constructor(
    code: 'slurm_spawn' | 'slurm_timeout' | 'slurm_exit',
    message: string,
    readonly stderr = '',
    readonly exitCode: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export interface SlurmResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

export interface SlurmRunnerOptions {
  binDir: string;
  timeoutMs: number;
  metrics?: PublisherMetrics;
  env?: NodeJS.ProcessEnv;
}

export class SlurmRunner {
  constructor(private readonly opts: SlurmRunnerOptions) {}

  /** Runs the command; rejects with SlurmCommandError on spawn failure, timeout or (unless allowFailure) non-zero exit. */
  async run(cmd: SlurmCommand, args: readonly string[], o: { allowFailure?: boolean; timeoutMs?: number } = {}): Promise<SlurmResult> {
    const file = join(this.opts.binDir, cmd);
    const timeoutMs = o.timeoutMs ?? this.opts.timeoutMs;
    const t0 = Date.now();
    const end = this.opts.metrics?.slurmQueryDuration.startTimer({ command: cmd });
    try {
      const res = await new Promise<SlurmResult>((resolve, reject) => {
        const child = spawn(file, args, {
          env: { ...(this.opts.env ?? process.env), TZ: 'UTC' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let errLen = 0;
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutMs);
        child.stdout.on('data', (b: Buffer) => out.push(b));
        child.stderr.on('data', (b: Buffer) => {
          if (errLen < 65_536) {
            err.push(b);
            errLen += b.length;
          }
        });
        child.on('error', (cause) => {
          clearTimeout(timer);
          reject(new SlurmCommandError('slurm_spawn', `cannot run ${file}: ${cause.message}`, '', null, { cause }));
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          const stderr = Buffer.concat(err).toString('utf8');
          if (timedOut) {
            reject(new SlurmCommandError('slurm_timeout', `${cmd} ${args.join(' ')} timed out after ${timeoutMs} ms`, stderr));
            return;
          }
          const exitCode = code ?? (signal ? 128 : 1);
          const r: SlurmResult = { stdout: Buffer.concat(out).toString('utf8'), stderr, exitCode, durationMs: Date.now() - t0 };
          if (exitCode !== 0 && !o.allowFailure) {
            reject(new SlurmCommandError('slurm_exit', `${cmd} ${args.join(' ')} exited with ${exitCode}${signal ? ` (${signal})` : ''}: ${stderr.trim().slice(0, 500)}`, stderr, exitCode));
            return;
          }
          resolve(r);
        });
      });
      return res;
    } catch (e) {
      this.opts.metrics?.slurmQueryErrors.inc({ command: cmd });
      throw e;
    } finally {
      end?.();
    }
  }
}

/** Epoch seconds → `YYYY-MM-DDTHH:MM:SS` (UTC; the CLIs run with TZ=UTC). */
export function slurmTime(epochSec: number): string {
  return new Date(epochSec * 1000).toISOString().slice(0, 19);
}

/** Every job state, so `sacct -S -E` also returns jobs that never became eligible (REPORT G4). */
export const SACCT_ALL_STATES = 'CA,CD,F,TO,NF,PD,R,OOM,DL,PR,RQ,RS,RV,S,BF';
