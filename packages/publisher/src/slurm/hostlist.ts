/**
 * Slurm hostlist expressions → host names.
 *
 * Grammar (what Slurm's hostlist.c accepts, minus the multi-dimensional forms):
 *   hostlist := item ("," item)*          commas inside [ ] do not separate items
 *   item     := (text | "[" ranges "]")+  several bracket groups expand as a cartesian product
 *   ranges   := range ("," range)*
 *   range    := N | N "-" M               zero padding is kept: [001-010] → 001 … 010
 * `""`, `"(null)"` and `"None assigned"` (sacct for jobs that never started) mean no hosts.
 * Whitespace between items is ignored.
 */
export class HostlistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostlistError';
  }
}

/** Expansion is refused above this many hosts (protects against `n[0-999999999]`). */
export const MAX_HOSTLIST_HOSTS = 1_000_000;

const EMPTY = new Set(['', '(null)', 'None assigned', 'none', 'None', 'N/A']);

/** Expands a hostlist expression. Throws a HostlistError on syntax errors. */
export function expandHostlist(expr: string): string[] {
  const s = expr.trim();
  if (EMPTY.has(s)) return [];
  const out: string[] = [];
  for (const item of splitTopLevel(s)) {
    const t = item.trim();
    if (t === '') continue;
    for (const h of expandItem(t)) {
      out.push(h);
      if (out.length > MAX_HOSTLIST_HOSTS) throw new HostlistError(`hostlist ${JSON.stringify(expr)} expands to more than ${MAX_HOSTLIST_HOSTS} hosts`);
    }
  }
  return out;
}

/** Like expandHostlist, but returns undefined instead of throwing. */
export function tryExpandHostlist(expr: string): string[] | undefined {
  try {
    return expandHostlist(expr);
  } catch {
    return undefined;
  }
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '[') {
      if (depth > 0) throw new HostlistError(`nested '[' in hostlist ${JSON.stringify(s)}`);
      depth++;
    } else if (c === ']') {
      if (depth === 0) throw new HostlistError(`unbalanced ']' in hostlist ${JSON.stringify(s)}`);
      depth--;
    } else if ((c === ',' || c === ' ') && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw new HostlistError(`unclosed '[' in hostlist ${JSON.stringify(s)}`);
  parts.push(s.slice(start));
  return parts;
}

function expandItem(item: string): string[] {
  // Split into literal text and bracket groups, then take the cartesian product.
  let results = [''];
  let i = 0;
  while (i < item.length) {
    const open = item.indexOf('[', i);
    if (open < 0) {
      const lit = item.slice(i);
      results = results.map((r) => r + lit);
      break;
    }
    const lit = item.slice(i, open);
    const close = item.indexOf(']', open);
    if (close < 0) throw new HostlistError(`unclosed '[' in ${JSON.stringify(item)}`);
    const values = expandRanges(item.slice(open + 1, close), item);
    if (results.length * values.length > MAX_HOSTLIST_HOSTS) throw new HostlistError(`hostlist item ${JSON.stringify(item)} expands to too many hosts`);
    const next: string[] = [];
    for (const r of results) for (const v of values) next.push(r + lit + v);
    results = next;
    i = close + 1;
  }
  return results;
}

function expandRanges(body: string, item: string): string[] {
  if (body.trim() === '') throw new HostlistError(`empty '[]' in ${JSON.stringify(item)}`);
  const out: string[] = [];
  for (const part of body.split(',')) {
    const p = part.trim();
    const m = /^(\d+)(?:-(\d+))?$/.exec(p);
    if (!m) throw new HostlistError(`bad range ${JSON.stringify(p)} in ${JSON.stringify(item)}`);
    const loS = m[1] as string;
    const hiS = m[2];
    if (hiS === undefined) {
      out.push(loS);
      continue;
    }
    const lo = Number(loS);
    const hi = Number(hiS);
    if (hi < lo) throw new HostlistError(`descending range ${JSON.stringify(p)} in ${JSON.stringify(item)}`);
    if (hi - lo + 1 > MAX_HOSTLIST_HOSTS) throw new HostlistError(`range ${JSON.stringify(p)} is too large`);
    // As Slurm's hostlist.c: numbers are printed zero-padded to the width of the lower bound
    // (cn[001-050] → cn001 … cn050; n[8-10] → n8 … n10).
    for (let n = lo; n <= hi; n++) out.push(String(n).padStart(loS.length, '0'));
  }
  return out;
}
