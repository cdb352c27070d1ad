/**
 * GRES strings as Slurm prints them in `gres_detail` (one string per allocated node) and in
 * node `gres` / `gres_used`:
 *   "gpu:h100:2(IDX:0-1),gpu:h200:4(IDX:2-5)"   two typed GPU entries, 6 GPUs
 *   "gpu:2(IDX:0,1)"                             untyped
 *   "gpu:8(IDX:0-7)"   "gpu(IDX:0)"             count implied by the indices
 *   "gpu:nvidia_h100_80gb_hbm3:8(S:0-1)"         socket affinity, no indices
 *   "tmp(CNT:262144000)"                         a count-only GRES, not a GPU
 *   "gpu:a100:1(IDX:N/A)"                        indices not known
 * Commas inside parentheses do not separate entries.
 */
export interface GresEntry {
  /** The GRES name, e.g. "gpu", "tmp", "shard". */
  name: string;
  /** The GRES type, e.g. "h100"; undefined when untyped. */
  type?: string;
  /** Count; from the `:N` suffix, else CNT:, else the number of indices, else 1. */
  count: number;
  /** Device indices from `(IDX:…)`; undefined when not given or N/A. */
  indices?: number[];
  /** Socket affinity from `(S:…)`. */
  sockets?: number[];
}

/** Parses a GRES string. Entries that cannot be understood are skipped and named in `bad`. */
export function parseGres(s: string | null | undefined): { entries: GresEntry[]; bad: string[] } {
  const entries: GresEntry[] = [];
  const bad: string[] = [];
  if (typeof s !== 'string') return { entries, bad };
  const t = s.trim();
  if (t === '' || t === '(null)' || t === 'N/A') return { entries, bad };
  for (const raw of splitOutsideParens(t)) {
    const part = raw.trim();
    if (part === '') continue;
    const e = parseEntry(part);
    if (e) entries.push(e);
    else bad.push(part);
  }
  return { entries, bad };
}

/** GPU entries of a GRES string: count and (when every entry gives them) indices. */
export function gresGpus(s: string | null | undefined): { count: number; indices?: number[]; bad: string[] } {
  const { entries, bad } = parseGres(s);
  const gpus = entries.filter((e) => e.name === 'gpu');
  const count = gpus.reduce((n, e) => n + e.count, 0);
  const known = gpus.every((e) => e.indices !== undefined);
  if (gpus.length === 0 || !known) return { count, bad };
  const indices = [...new Set(gpus.flatMap((e) => e.indices ?? []))].sort((a, b) => a - b);
  return { count, indices, bad };
}

function splitOutsideParens(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function parseEntry(part: string): GresEntry | undefined {
  // head "(detail)" — detail is e.g. IDX:0-1, S:0-1, CNT:123, or several separated by ')(' forms
  const m = /^([^()]+?)\s*(?:\((.*)\))?$/.exec(part);
  if (!m) return undefined;
  const head = (m[1] as string).trim();
  const detail = m[2];
  // Old tres-style prefix "gres:gpu:2" or "gres/gpu:2"
  const fields = head.replace(/^gres[:/]/, '').split(':');
  const name = fields[0];
  if (!name || !/^[A-Za-z0-9_.\-]+$/.test(name)) return undefined;
  let type: string | undefined;
  let count: number | undefined;
  const rest = fields.slice(1);
  if (rest.length > 0 && /^\d+$/.test(rest[rest.length - 1] as string)) {
    count = Number(rest.pop());
  }
  if (rest.length > 0) type = rest.join(':');
  if (type === '' || type === '(null)') type = undefined;
  let indices: number[] | undefined;
  let sockets: number[] | undefined;
  if (detail !== undefined) {
    for (const d of detail.split(/\)\s*\(/)) {
      const km = /^\s*(IDX|S|CNT)\s*:\s*(.*?)\s*$/.exec(d);
      if (!km) continue;
      const key = km[1];
      const val = km[2] as string;
      if (key === 'CNT') {
        if (/^\d+$/.test(val) && count === undefined) count = Number(val);
      } else {
        const list = parseIndexList(val);
        if (key === 'IDX') indices = list;
        else sockets = list;
      }
    }
  }
  if (count === undefined) count = indices !== undefined ? indices.length : 1;
  const e: GresEntry = { name, count };
  if (type !== undefined) e.type = type;
  if (indices !== undefined) e.indices = indices;
  if (sockets !== undefined) e.sockets = sockets;
  return e;
}

/** "0-1,4,6-7" → [0,1,4,6,7]; undefined for "N/A" or anything malformed. */
export function parseIndexList(s: string): number[] | undefined {
  const t = s.trim();
  if (t === '' || t === 'N/A') return undefined;
  const out: number[] = [];
  for (const part of t.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi - lo > 65536) return undefined;
    for (let i = lo; i <= hi; i++) out.push(i);
  }
  return out;
}
