/**
 * Tolerant readers for the value shapes Slurm uses across data parser versions (SHAPES §7):
 * plain ints or NUM structs `{set, infinite, number}`, `null` for unset (≤ 22.05), strings or
 * string arrays. None of them throws; each says what it found.
 */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Is `v` a NUM struct (`{set, infinite, number}`)? */
export function isNum(v: unknown): v is { set?: unknown; infinite?: unknown; number?: unknown } {
  return isObj(v) && 'number' in v && ('set' in v || 'infinite' in v);
}

export type NumValue =
  | { kind: 'value'; n: number }
  | { kind: 'infinite' }
  | { kind: 'unset' }
  | { kind: 'missing' }
  | { kind: 'invalid'; raw: unknown };

/**
 * Reads an integer-ish value: a JSON number, a numeric string, a NUM struct, or null/absent.
 * NUM: `set:false` → unset; `infinite:true` → infinite; else the number (never read `number`
 * without checking the flags, SHAPES preamble).
 */
export function readNum(v: unknown): NumValue {
  if (v === undefined) return { kind: 'missing' };
  if (v === null) return { kind: 'unset' };
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'value', n: v } : { kind: 'invalid', raw: v };
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^-?\d+(\.\d+)?$/.test(t)) return { kind: 'value', n: Number(t) };
    return { kind: 'invalid', raw: v };
  }
  if (isNum(v)) {
    if (v.infinite === true) return { kind: 'infinite' };
    if (v.set === false) return { kind: 'unset' };
    const n = v.number;
    if (typeof n === 'number' && Number.isFinite(n)) return { kind: 'value', n };
    return { kind: 'invalid', raw: v };
  }
  return { kind: 'invalid', raw: v };
}

/** A finite number, or undefined when unset / infinite / missing / invalid. */
export function num(v: unknown): number | undefined {
  const r = readNum(v);
  return r.kind === 'value' ? r.n : undefined;
}

/** A non-negative integer, or undefined. */
export function count(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** An epoch time in seconds: positive integers only (0 means "none" in every version). */
export function epoch(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && n > 0 ? Math.trunc(n) : undefined;
}

/** A string, or the first element of a string array; undefined for null, "" and anything else. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0] === '' ? undefined : v[0];
  return undefined;
}

/** A list of strings from a string (split on commas when `split`), a string array, or nothing. */
export function strList(v: unknown, split = false): string[] {
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return [];
    return split ? t.split(',').map((s) => s.trim()).filter((s) => s !== '') : [t];
  }
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').map((s) => s.trim()).filter((s) => s !== '');
  return [];
}

/** Dotted path lookup on plain objects. */
export function at(v: unknown, ...path: string[]): unknown {
  let cur: unknown = v;
  for (const k of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** A short JSON rendering of a value for warning messages. */
export function show(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
