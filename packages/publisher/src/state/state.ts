/**
 * Small daemon state beside the outbox: per-cluster sacct watermarks and what was learned about
 * the installed Slurm. Written atomically (temp file, fsync, rename, fsync of the directory), so
 * a kill -9 leaves either the old or the new file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, openSync, fsyncSync, closeSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir } from '../outbox/outbox.js';

export interface DaemonState {
  version: 1;
  /** cluster → epoch seconds: every job that ended before this has its events acknowledged. */
  watermarks: Record<string, number>;
}

export function emptyState(): DaemonState {
  return { version: 1, watermarks: {} };
}

export class StateFile {
  readonly file: string;
  constructor(readonly dir: string) {
    this.file = join(dir, 'state.json');
  }

  read(): DaemonState {
    if (!existsSync(this.file)) return emptyState();
    const raw = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<DaemonState>;
    const st = emptyState();
    if (raw && typeof raw === 'object' && raw.watermarks && typeof raw.watermarks === 'object') {
      for (const [k, v] of Object.entries(raw.watermarks)) if (typeof v === 'number' && Number.isFinite(v)) st.watermarks[k] = v;
    }
    return st;
  }

  write(st: DaemonState): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(st, null, 2)}\n`);
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    fsyncDir(this.dir);
  }
}
