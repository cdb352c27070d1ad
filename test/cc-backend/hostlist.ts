// cc-backend's sub-cluster host list syntax (CONTRACT.md §1.2 b, pkg/archive/nodelist.go behaviour):
// comma-separated terms, each a run of [A-Za-z0-9-] prefixes and `[..]` blocks of zero-padded
// ranges `0101-0188` (start and end of equal digit count). `f[0101-0188],login`.
// A host matches when some term consumes the whole name. `f101` does not match `f[0101-0188]`.

type Expr =
  | { kind: 'string'; text: string }
  | { kind: 'ranges'; ranges: Array<{ start: number; end: number; digits: number }> };

export type NodeList = Expr[][];

const isLetter = (c: string): boolean => /^[A-Za-z]$/.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/** Go strconv.ParseInt(s, 10, 32) without error detail: null when invalid or out of range. */
function parseInt32(s: string): number | null {
  if (!/^[+-]?\d+$/.test(s)) return null;
  const n = Number(s);
  if (n < -2147483648 || n > 2147483647) return null;
  return n;
}

export class HostListError extends Error {}

export function parseNodeList(raw: string): NodeList {
  const rawTerms: string[] = [];
  let prev = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '[') {
      while (i < raw.length && raw[i] !== ']') i++;
      if (i === raw.length) throw new HostListError("ARCHIVE/NODELIST > unclosed '['");
    } else if (raw[i] === ',') {
      rawTerms.push(raw.slice(prev, i));
      prev = i + 1;
    }
  }
  if (prev !== raw.length) rawTerms.push(raw.slice(prev));

  const nl: NodeList = [];
  for (const term of rawTerms) {
    const exprs: Expr[] = [];
    for (let i = 0; i < term.length; i++) {
      const c = term[i] ?? '';
      if (isLetter(c) || isDigit(c)) {
        let j = i;
        while (j < term.length && (isLetter(term[j] ?? '') || isDigit(term[j] ?? '') || term[j] === '-')) j++;
        exprs.push({ kind: 'string', text: term.slice(i, j) });
        i = j - 1;
      } else if (c === '[') {
        const end = term.indexOf(']', i) - i;
        if (end < 0) throw new HostListError("ARCHIVE/NODELIST > unclosed '['");
        const ranges: Array<{ start: number; end: number; digits: number }> = [];
        for (const part of term.slice(i + 1, i + end).split(',')) {
          const dash = part.indexOf('-');
          if (dash < 0) throw new HostListError("ARCHIVE/NODELIST > no '-' found inside '[...]'");
          const s1 = part.slice(0, dash);
          const s2 = part.slice(dash + 1);
          if (s1.length !== s2.length || s1.length === 0) {
            throw new HostListError(`ARCHIVE/NODELIST > ${s1} and ${s2} are not of equal length or of length zero`);
          }
          const x1 = parseInt32(s1);
          const x2 = parseInt32(s2);
          if (x1 === null || x2 === null) throw new HostListError(`ARCHIVE/NODELIST > could not parse int: ${x1 === null ? s1 : s2}`);
          ranges.push({ start: x1, end: x2, digits: s1.length });
        }
        exprs.push({ kind: 'ranges', ranges });
        i += end;
      } else {
        throw new HostListError(`ARCHIVE/NODELIST > invalid character: ${c.codePointAt(0) ?? 0}`);
      }
    }
    nl.push(exprs);
  }
  return nl;
}

function consume(e: Expr, input: string): string | null {
  if (e.kind === 'string') return input.startsWith(e.text) ? input.slice(e.text.length) : null;
  for (const r of e.ranges) {
    if (input.length < r.digits) continue;
    let numerals = input.slice(0, r.digits);
    while (numerals.length > 1 && numerals[0] === '0') numerals = numerals.slice(1);
    const x = parseInt32(numerals);
    if (x !== null && r.start <= x && x <= r.end) return input.slice(r.digits);
  }
  return null;
}

/** NodeList.Contains, including its quirk that `ok` carries over into an empty term. */
export function nodeListContains(nl: NodeList, name: string): boolean {
  let ok = false;
  for (const term of nl) {
    let str = name;
    for (const e of term) {
      const next = consume(e, str);
      ok = next !== null;
      if (next === null) break;
      str = next;
    }
    if (ok && str === '') return true;
  }
  return false;
}
