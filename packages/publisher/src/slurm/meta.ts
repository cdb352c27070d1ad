/**
 * Document metadata (SHAPES §1) and parser sniffing.
 *
 * The JSON shape depends on the data parser, not on the Slurm release, so the parser is read
 * from `meta.plugin.data_parser` (v0.0.40+ and slurmrestd v0.0.39), `meta.plugins.data_parser`
 * (CLI v0.0.39) or `meta.plugin.type` (`openapi/v0.0.38`, `openapi/dbv0.0.37` for 21.08/22.05).
 * Without meta (or when a record contradicts it, as in the spliced 21.08 capture) the parser
 * is sniffed from the record's value types.
 */
import type { SlurmFamily } from './job.js';
import { at, isNum, isObj, type Obj } from './values.js';

export interface DocMeta {
  /** "v0.0.37" … "v0.0.44", when meta names it. */
  parser?: string;
  /** ctld or db, when meta tells (plugin type or command). */
  family?: SlurmFamily;
  /** e.g. "24.11.5" */
  slurmVersion?: string;
  /** meta.slurm.cluster (v0.0.40+) */
  cluster?: string;
}

const PARSER_RE = /v(\d+)\.(\d+)\.(\d+)/;

function parserFrom(s: unknown): string | undefined {
  if (typeof s !== 'string') return undefined;
  const m = PARSER_RE.exec(s);
  return m ? `v${m[1]}.${m[2]}.${m[3]}` : undefined;
}

export function readMeta(doc: Obj): DocMeta {
  const meta = doc['meta'];
  const out: DocMeta = {};
  if (!isObj(meta)) return out;
  const plugin = meta['plugin'];
  const plugins = meta['plugins'];
  out.parser = parserFrom(at(plugin, 'data_parser')) ?? parserFrom(at(plugins, 'data_parser')) ?? parserFrom(at(plugin, 'type'));
  // family from the plugin type (openapi/dbv0.0.38, openapi/slurmdbd, openapi/slurmctld, openapi/v0.0.39)
  const type = at(plugin, 'type');
  if (typeof type === 'string' && type !== '') {
    if (/slurmdbd|\/dbv/.test(type)) out.family = 'db';
    else if (/slurmctld|\/v\d/.test(type)) out.family = 'ctld';
  }
  if (out.family === undefined) {
    const command = meta['command'];
    const argv0 = Array.isArray(command) && typeof command[0] === 'string' ? command[0] : undefined;
    if (argv0 !== undefined) {
      const prog = argv0.split('/').pop() ?? '';
      if (prog === 'sacct') out.family = 'db';
      else if (prog === 'squeue' || prog === 'scontrol' || prog === 'show') out.family = 'ctld';
    }
  }
  const slurm = isObj(meta['slurm']) ? meta['slurm'] : isObj(meta['Slurm']) ? meta['Slurm'] : undefined;
  if (slurm) {
    const release = slurm['release'];
    if (typeof release === 'string' && release !== '') out.slurmVersion = release;
    else {
      const v = slurm['version'];
      if (isObj(v) && v['major'] !== undefined && v['minor'] !== undefined) {
        out.slurmVersion = `${String(v['major'])}.${String(v['minor']).padStart(2, '0')}.${String(v['micro'] ?? 0)}`;
      }
    }
    const cluster = slurm['cluster'];
    if (typeof cluster === 'string' && cluster !== '') out.cluster = cluster;
  }
  return out;
}

/** The family of one job record, from its keys: ctld records have `job_state`, db records `state` + `time` objects. */
export function sniffFamily(rec: Obj): SlurmFamily | undefined {
  if ('job_state' in rec || 'job_resources' in rec || 'submit_time' in rec) return 'ctld';
  if (isObj(rec['state']) || isObj(rec['time']) || 'steps' in rec || 'allocation_nodes' in rec) return 'db';
  return undefined;
}

/** Parser version as a comparable number: "v0.0.41" → 41. */
export function parserRank(p: string | undefined): number | undefined {
  if (p === undefined) return undefined;
  const m = PARSER_RE.exec(p);
  return m ? Number(m[3]) + 100 * Number(m[2]) + 10000 * Number(m[1]) : undefined;
}

/**
 * The lowest data parser a record's shape is consistent with (a lower bound, from keys and
 * value types — SHAPES §2, §3). "v0.0.37" when nothing newer shows.
 */
export function sniffParser(rec: Obj, family: SlurmFamily): string {
  if (family === 'ctld') {
    if ('step_id' in rec || 'submit_line' in rec) return 'v0.0.44';
    if ('segment_size' in rec || 'licenses_allocated' in rec) return 'v0.0.43';
    if ('priority_by_partition' in rec || 'required_switches' in rec) return 'v0.0.42';
    const jr = rec['job_resources'];
    if (isObj(jr) && isObj(jr['nodes'])) return 'v0.0.41';
    const exit = rec['exit_code'];
    if (Array.isArray(rec['job_state']) || isNum(rec['submit_time']) || isNum(rec['start_time']) || (isObj(exit) && 'status' in exit)) return 'v0.0.40';
    if (isNum(rec['array_job_id']) || isNum(rec['time_limit']) || isNum(rec['cpus'])) return 'v0.0.39';
    if (isObj(jr) && Array.isArray(jr['allocated_nodes'])) return 'v0.0.38';
    return 'v0.0.37';
  }
  if ('segment_size' in rec) return 'v0.0.43';
  if ('qosreq' in rec || 'restart_cnt' in rec) return 'v0.0.42';
  if ('stdout_expanded' in rec || 'stdin_expanded' in rec) return 'v0.0.41';
  if (Array.isArray(at(rec, 'state', 'current')) || isNum(at(rec, 'exit_code', 'return_code'))) return 'v0.0.40';
  if (isNum(at(rec, 'time', 'limit')) || 'used_gres' in rec || 'submit_line' in rec) return 'v0.0.39';
  if ('container' in rec) return 'v0.0.38';
  return 'v0.0.37';
}
