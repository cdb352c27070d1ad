/** Pieces shared by the ctld and db record readers. */
import type { SlurmExitCode, SlurmJob, SlurmSharing, SlurmWarning } from './job.js';
import { tryExpandHostlist } from './hostlist.js';
import { normaliseState } from './state.js';
import { count, isObj, num, readNum, show, strList, type Obj } from './values.js';

export interface RecordContext {
  jobId: number;
  warnings: SlurmWarning[];
}

export function warn(ctx: RecordContext, field: string, message: string): void {
  ctx.warnings.push({ jobId: ctx.jobId, field, message });
}

/** The record's job id, or undefined (the record is then skipped by the caller). */
export function readJobId(rec: Obj): number | undefined {
  const n = num(rec['job_id']);
  return n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

export function readState(ctx: RecordContext, v: unknown, field: string): { state: string; stateFlags: string[] } {
  const s = normaliseState(v);
  if (!s) {
    warn(ctx, field, v === undefined ? 'missing; state is UNKNOWN' : `unreadable state ${show(v)}; state is UNKNOWN`);
    return { state: 'UNKNOWN', stateFlags: [] };
  }
  return { state: s.state, stateFlags: s.flags };
}

/** Time limit in minutes: NUM/int → minutes; infinite or null (≤ 22.05 UNLIMITED) → 'infinite'; 0 / unset → undefined. */
export function readTimeLimit(ctx: RecordContext, v: unknown, field: string): number | 'infinite' | undefined {
  const r = readNum(v);
  switch (r.kind) {
    case 'value':
      return r.n > 0 ? Math.trunc(r.n) : undefined;
    case 'infinite':
      return 'infinite';
    case 'unset':
      // In ≤ 22.05 output UNLIMITED is null (REPORT §4); in NUM form set:false means "not set".
      return v === null ? 'infinite' : undefined;
    case 'missing':
      return undefined;
    case 'invalid':
      warn(ctx, field, `unreadable time limit ${show(r.raw)}`);
      return undefined;
  }
}

/** Expands a hostlist, with a warning instead of a throw. `"None assigned"` / `""` → []. */
export function readNodes(ctx: RecordContext, v: unknown, field: string): { nodeList?: string; nodes: string[] } {
  if (v === undefined || v === null) return { nodes: [] };
  if (typeof v !== 'string') {
    warn(ctx, field, `not a hostlist string: ${show(v)}`);
    return { nodes: [] };
  }
  const nodes = tryExpandHostlist(v);
  if (nodes === undefined) {
    warn(ctx, field, `cannot expand hostlist ${JSON.stringify(v)}`);
    return { nodes: [] };
  }
  return nodes.length > 0 ? { nodeList: v.trim(), nodes } : { nodes };
}

/**
 * Exit codes in all three forms (SHAPES §7.3): a raw wait status int (≤ 22.05 ctld), a NUM
 * (23.02 ctld), or `{status, return_code, signal}` (db always; ctld from v0.0.40).
 */
export function readExitCode(v: unknown): SlurmExitCode | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v) || 'number' in v) {
    const raw = num(v);
    if (raw === undefined || !Number.isInteger(raw) || raw < 0) return undefined;
    // POSIX wait status: low 7 bits = signal, next 8 bits = exit status.
    const sig = raw & 0x7f;
    const out: SlurmExitCode = { raw };
    if (sig !== 0) {
      out.signal = sig;
      out.status = ['SIGNALED'];
    } else {
      out.returnCode = (raw >> 8) & 0xff;
      out.status = [out.returnCode === 0 ? 'SUCCESS' : 'ERROR'];
    }
    return out;
  }
  const out: SlurmExitCode = {};
  const status = strList(v['status']);
  if (status.length > 0) out.status = status;
  const rc = count(v['return_code']);
  if (rc !== undefined) out.returnCode = rc;
  const sigObj = v['signal'];
  if (isObj(sigObj)) {
    const id = count(sigObj['id'] ?? sigObj['signal_id']);
    if (id !== undefined && id > 0) out.signal = id;
    const name = sigObj['name'];
    if (typeof name === 'string' && name !== '') out.signalName = name;
  }
  return out;
}

/**
 * Sharing from ctld `shared` (null | "none" | ["none"] | ["oversubscribe"] | ["user"] | …),
 * `exclusive` (["true"] | ["false"] | ["user"] | ["mcs"] | ["topo"], v0.0.39–v0.0.41).
 * Slurm derives both from one field (details->share_res): shared "none" = exclusive "true",
 * "oversubscribe" = "false". `oversubscribe: true` alone is no signal: it is true on jobs that
 * requested nothing.
 */
export function readSharing(rec: Obj): SlurmSharing {
  const shared = strList(rec['shared'], true).map((s) => s.toLowerCase());
  const exclusive = strList(rec['exclusive'], true).map((s) => s.toLowerCase());
  const fromShared: Record<string, SlurmSharing> = { none: 'exclusive', user: 'user', mcs: 'mcs', topo: 'topo', oversubscribe: 'oversubscribe', yes: 'oversubscribe', ok: 'oversubscribe' };
  const fromExclusive: Record<string, SlurmSharing> = { true: 'exclusive', user: 'user', mcs: 'mcs', topo: 'topo', false: 'oversubscribe' };
  for (const s of shared) {
    const m = fromShared[s];
    if (m) return m;
  }
  for (const e of exclusive) {
    const m = fromExclusive[e];
    if (m) return m;
  }
  return 'unset';
}

/** A G1 "allocation" placeholder (REPORT §3 G1): db record named "allocation" with an empty partition. */
export function isPlaceholder(job: Pick<SlurmJob, 'family' | 'name' | 'partition'>): boolean {
  return job.family === 'db' && job.name === 'allocation' && (job.partition === undefined || job.partition === '');
}
