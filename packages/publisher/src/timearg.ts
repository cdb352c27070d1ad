/**
 * Time arguments of the CLI: epoch seconds, `now`, a relative `-7d` / `-12h` / `-30m` / `-90s`
 * (before now), or an ISO date/time (`2024-05-01`, `2024-05-01T12:00`, UTC unless it has a zone).
 */
export function parseTimeArg(s: string, now = Math.floor(Date.now() / 1000)): number {
  const t = s.trim();
  if (t === 'now') return now;
  if (/^\d{9,}$/.test(t)) return Number(t);
  const rel = /^-(\d+)([smhd])$/.exec(t);
  if (rel) return now - Number(rel[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?(Z|[+-]\d{2}:?\d{2})?$/.test(t)) {
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(t) && t.length > 10;
    const iso = t.replace(' ', 'T') + (t.length === 10 ? 'T00:00:00Z' : hasZone ? '' : 'Z');
    const ms = Date.parse(iso);
    if (Number.isFinite(ms)) return Math.floor(ms / 1000);
  }
  throw new Error(`invalid time ${JSON.stringify(s)}: use epoch seconds, now, -7d/-12h/-30m/-90s, or YYYY-MM-DD[THH:MM[:SS]] (UTC)`);
}
