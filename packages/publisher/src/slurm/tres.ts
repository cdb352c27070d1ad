/**
 * TRES (trackable resources) in both forms Slurm prints them:
 * - strings (ctld `tres_alloc_str`, `tres_req_str`): "cpu=1,mem=62.50G,node=1,billing=1,gres/gpu=8"
 * - lists (db `tres.allocated` / `tres.requested`): [{type:"gres", name:"gpu", id:1001, count:8}]
 * Both become a map keyed like the string form: "cpu", "mem", "node", "gres/gpu", "gres/gpu:a100",
 * "license/foo". Memory ("mem") is in MiB; a size suffix K/M/G/T/P is converted. Values that are
 * not numbers (energy's null, -2 "not set") are left out.
 */
export type TresMap = Record<string, number>;

export interface TresListItem {
  type?: string | null;
  name?: string | null;
  id?: number | null;
  count?: number | null;
}

const SUFFIX: Record<string, number> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024, P: 1024 * 1024 * 1024 };

/** Parses a TRES string or list. Entries that cannot be understood are named in `bad`. */
export function parseTres(input: string | readonly unknown[] | null | undefined): { tres: TresMap; bad: string[] } {
  const tres: TresMap = {};
  const bad: string[] = [];
  if (input === null || input === undefined) return { tres, bad };
  if (typeof input === 'string') {
    const t = input.trim();
    if (t === '' || t === '(null)') return { tres, bad };
    for (const raw of t.split(',')) {
      const part = raw.trim();
      if (part === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) {
        bad.push(part);
        continue;
      }
      const key = part.slice(0, eq).trim();
      const val = part.slice(eq + 1).trim();
      const n = parseTresValue(key, val);
      if (n === undefined) bad.push(part);
      else tres[key] = n;
    }
    return { tres, bad };
  }
  for (const item of input) {
    if (typeof item !== 'object' || item === null) {
      bad.push(JSON.stringify(item));
      continue;
    }
    const it = item as TresListItem;
    const type = typeof it.type === 'string' ? it.type : '';
    const name = typeof it.name === 'string' ? it.name : '';
    if (type === '') {
      bad.push(JSON.stringify(item));
      continue;
    }
    const key = name === '' ? type : `${type}/${name}`;
    const count = it.count;
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) continue; // energy null / -2: not set
    tres[key] = count;
  }
  return { tres, bad };
}

function parseTresValue(key: string, val: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGTP])?$/i.exec(val);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suf = m[2]?.toUpperCase();
  if (suf === undefined) return n;
  const f = SUFFIX[suf];
  if (f === undefined) return undefined;
  // Sizes: mem, and gres/… or bb/… with a size unit. Slurm prints sizes in MiB-based units.
  return key === 'mem' || key.startsWith('gres/') || key.startsWith('bb/') || key.startsWith('fs/') ? n * f : n;
}

/**
 * GPUs in a TRES map: "gres/gpu" when present (Slurm also lists typed entries beside it, which
 * must not be added on top); otherwise the sum of typed "gres/gpu:<type>" entries; undefined when
 * the map says nothing about GPUs.
 */
export function tresGpuCount(tres: TresMap): number | undefined {
  const plain = tres['gres/gpu'];
  if (plain !== undefined) return plain;
  let sum: number | undefined;
  for (const [k, v] of Object.entries(tres)) {
    if (k.startsWith('gres/gpu:')) sum = (sum ?? 0) + v;
  }
  return sum;
}
