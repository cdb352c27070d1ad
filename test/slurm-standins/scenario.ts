// Test helpers around the Slurm stand-ins: a scenario directory, atomic updates, the call log.
import { mkdtempSync, readFileSync, renameSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding the stand-in executables: point slurmBinDir here. */
export const STANDIN_BIN_DIR = fileURLToPath(new URL('.', import.meta.url));

export interface StandinJob {
  id: number;
  state: string;
  submit?: number;
  start?: number;
  end?: number;
  nodes?: string[];
  cpusPerNode?: number;
  user?: string;
  account?: string;
  partition?: string;
  name?: string;
  limit?: number | null;
  arrayJobId?: number;
  arrayTaskId?: number;
  exit?: number;
  gpus?: number;
  placeholder?: boolean;
  dbDelay?: boolean;
  dbOnly?: boolean;
}

export interface Scenario {
  slurm?: '22.05' | '24.05';
  scontrolBatch?: boolean;
  cluster?: string;
  clusters?: string[];
  minJobAge?: number;
  now?: number;
  fail?: Partial<Record<'squeue' | 'sacct' | 'scontrol' | 'sacctmgr', string>>;
  delayMs?: Partial<Record<'squeue' | 'sacct' | 'scontrol' | 'sacctmgr', number>>;
  jobs: StandinJob[];
}

export interface StandinCall {
  cmd: string;
  args: string[];
  t: number;
}

export class StandinScenario {
  readonly dir: string;
  constructor(dir?: string) {
    this.dir = dir ?? mkdtempSync(join(tmpdir(), 'ccsb-standin-'));
  }
  /** Environment for processes that run the stand-ins. */
  env(): Record<string, string> {
    return { CCSB_STANDIN_DIR: this.dir };
  }
  write(s: Scenario): void {
    const p = join(this.dir, 'scenario.json');
    const tmp = `${p}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(s));
    renameSync(tmp, p);
  }
  read(): Scenario {
    return JSON.parse(readFileSync(join(this.dir, 'scenario.json'), 'utf8')) as Scenario;
  }
  update(fn: (s: Scenario) => void): void {
    const s = this.read();
    fn(s);
    this.write(s);
  }
  calls(): StandinCall[] {
    const p = join(this.dir, 'calls.log');
    if (!existsSync(p)) return [];
    return readFileSync(p, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as StandinCall);
  }
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
