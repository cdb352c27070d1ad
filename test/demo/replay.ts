// The demo's fallback where Slurm cannot be installed or started: real Slurm 22.05 captures
// (packages/publisher/test/fixtures/22.05-testcluster/sacct-all-states.json, 20 jobs of the
// capture scenario: ok, fail, cancel, timeout, array, multi-node, exclusive, GPU, held, …) are
// replayed through the Slurm stand-ins (test/slurm-standins/). Each record keeps its own values;
// only its times are moved (all of one record's times by the same offset) so that the records
// "end" one after another, about a second apart, starting now. `sacct.json` in the stand-in
// directory grows accordingly, and the publisher's poll picks the new records up.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../e2e/stack.js';
import type { SacctRecord } from '../e2e/jobs.js';
import { StandinScenario } from '../slurm-standins/scenario.js';

export const REPLAY_CLUSTER = 'testcluster';
export const REPLAY_SOURCE = join(ROOT, 'packages', 'publisher', 'test', 'fixtures', '22.05-testcluster', 'sacct-all-states.json');

interface SacctDoc {
  meta: unknown;
  errors: unknown[];
  jobs: Array<SacctRecord & Record<string, unknown>>;
}

export interface ReplayJob {
  record: SacctRecord;
  /** wall-clock ms when the record appears in sacct */
  revealAt: number;
}

export class CaptureReplay {
  readonly scenario: StandinScenario;
  readonly jobs: ReplayJob[];
  private readonly doc: SacctDoc;
  private revealed = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(dir: string, stepMs = 1000, startInMs = 2000) {
    mkdirSync(dir, { recursive: true });
    this.scenario = new StandinScenario(dir);
    this.doc = JSON.parse(readFileSync(REPLAY_SOURCE, 'utf8')) as SacctDoc;
    const t0 = Date.now() + startInMs;
    const order = [...this.doc.jobs].sort((a, b) => a.time.end - b.time.end || a.job_id - b.job_id);
    this.jobs = order.map((rec, k) => {
      const revealAt = t0 + k * stepMs;
      const offset = Math.floor(revealAt / 1000) - 1 - rec.time.end;
      const shifted = structuredClone(rec);
      for (const key of ['submission', 'eligible', 'start', 'end'] as const) {
        const v = shifted.time[key];
        if (typeof v === 'number' && v > 0) (shifted.time as Record<string, number | null>)[key] = v + offset;
      }
      return { record: shifted, revealAt };
    });
    this.scenario.write({ slurm: '22.05', cluster: REPLAY_CLUSTER, clusters: [REPLAY_CLUSTER], jobs: [] });
    this.writeSacct();
  }

  env(): Record<string, string> {
    return this.scenario.env();
  }

  /** Reveals the records as their time comes; `onReveal` sees each one. */
  start(onReveal: (j: ReplayJob) => void): void {
    const tick = (): void => {
      const now = Date.now();
      let changed = false;
      while (this.revealed < this.jobs.length && this.jobs[this.revealed]!.revealAt <= now) {
        onReveal(this.jobs[this.revealed]!);
        this.revealed++;
        changed = true;
      }
      if (changed) this.writeSacct();
      if (this.revealed < this.jobs.length) this.timer = setTimeout(tick, 100);
    };
    tick();
  }

  get done(): boolean {
    return this.revealed >= this.jobs.length;
  }

  private writeSacct(): void {
    const doc = { ...this.doc, jobs: this.jobs.slice(0, this.revealed).map((j) => j.record) };
    const p = join(this.scenario.dir, 'sacct.json');
    writeFileSync(`${p}.tmp`, JSON.stringify(doc));
    renameSync(`${p}.tmp`, p);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
