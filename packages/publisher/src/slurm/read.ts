/**
 * Entry point: any Slurm job-list document → normalised jobs, warnings as data, errors as a
 * Result (never a throw).
 */
import { err, ok, type Result } from '@cc-slurm-bridge/shared';
import { SlurmReadError, type ReadSlurmOptions, type SlurmFamily, type SlurmJob, type SlurmReadResult, type SlurmWarning } from './job.js';
import { readJobId, type RecordContext } from './common.js';
import { readCtldJob } from './ctld.js';
import { readDbJob } from './db.js';
import { parserRank, readMeta, sniffFamily, sniffParser } from './meta.js';
import { isObj, show, type Obj } from './values.js';

/**
 * Reads any Slurm job-list document (squeue / scontrol show job / sacct --json, slurmrestd
 * /slurm/vX/jobs, /slurm/vX/job/{id}, /slurmdb/vX/jobs, /slurmdb/vX/job/{id}; data parsers
 * v0.0.37 … v0.0.44) into normalised jobs. Also accepts a bare JSON array of job records
 * (no meta). Never throws: malformed JSON and non-job documents are an error result; a
 * record that cannot be read at all (no job id) is left out with a warning; missing fields
 * of a readable record are warnings.
 */
export function readSlurmJobs(text: string, opts: ReadSlurmOptions = {}): Result<SlurmReadResult, SlurmReadError> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    const trimmed = typeof text === 'string' ? text.trim() : '';
    const msg = trimmed === '' ? 'input is empty' : `input is not valid JSON: ${(cause as Error).message}`;
    return err(new SlurmReadError('malformed_json', msg, { cause }));
  }
  try {
    // The document is ours: each record is dropped once read, so the parsed tree shrinks while
    // the (much smaller) jobs are built.
    return readDocument(doc, opts, true);
  } catch (cause) {
    // A bug in a reader must not take the daemon down; report it as an unreadable document.
    return err(new SlurmReadError('not_a_job_list', `internal error while reading the document: ${(cause as Error).message}`, { cause }));
  }
}

/** Like readSlurmJobs, for an already-parsed JSON value (which it does not change). */
export function readSlurmDocument(doc: unknown, opts: ReadSlurmOptions = {}): Result<SlurmReadResult, SlurmReadError> {
  return readDocument(doc, opts, false);
}

/** `consume`: set each entry of the job list to undefined once it is read (the caller owns `doc`). */
function readDocument(doc: unknown, opts: ReadSlurmOptions, consume: boolean): Result<SlurmReadResult, SlurmReadError> {
  let records: unknown[];
  let docObj: Obj = {};
  if (Array.isArray(doc)) {
    records = doc;
  } else if (isObj(doc)) {
    docObj = doc;
    const jobs = doc['jobs'];
    if (!Array.isArray(jobs)) {
      const keys = Object.keys(doc);
      const what = 'nodes' in doc ? 'a node list' : 'sinfo' in doc ? 'sinfo output' : `an object with keys ${keys.slice(0, 8).join(', ') || '(none)'}`;
      return err(new SlurmReadError('not_a_job_list', `not a Slurm job list: ${what}, no "jobs" array`));
    }
    records = jobs;
  } else {
    return err(new SlurmReadError('not_a_job_list', `not a Slurm job list: the JSON is ${doc === null ? 'null' : typeof doc}`));
  }

  const meta = readMeta(docObj);
  const warnings: SlurmWarning[] = [];
  for (const key of ['errors', 'warnings'] as const) {
    const list = docObj[key];
    if (Array.isArray(list)) {
      for (const e of list) {
        const d = isObj(e) ? (e['description'] ?? e['error'] ?? e['source']) : e;
        warnings.push({ field: key, message: `Slurm reported ${key === 'errors' ? 'an error' : 'a warning'}: ${typeof d === 'string' ? d : show(e)}` });
      }
    }
  }

  // Records must be objects; a list whose entries look like neither family is not a job list.
  let objects = 0;
  let withJobId = 0;
  const families = records.map((r) => {
    if (!isObj(r)) return undefined;
    objects++;
    if ('job_id' in r) withJobId++;
    return sniffFamily(r);
  });
  if (records.length > 0 && objects === 0) {
    return err(new SlurmReadError('not_a_job_list', 'not a Slurm job list: "jobs" holds no objects'));
  }
  if (objects > 0 && families.every((f) => f === undefined) && withJobId === 0) {
    return err(new SlurmReadError('not_a_job_list', 'not a Slurm job list: the records have neither job_id nor job state fields'));
  }
  const counted = { ctld: 0, db: 0 };
  for (const f of families) if (f) counted[f]++;
  const family: SlurmFamily = meta.family ?? (counted.db > counted.ctld ? 'db' : 'ctld');

  const jobs: SlurmJob[] = [];
  let sniffedDocParser: string | undefined;
  records.forEach((rec, i) => {
    if (consume) records[i] = undefined;
    if (!isObj(rec)) {
      warnings.push({ field: `jobs[${i}]`, message: `not an object: ${show(rec)}; left out` });
      return;
    }
    const jobId = readJobId(rec);
    if (jobId === undefined) {
      warnings.push({ field: `jobs[${i}].job_id`, message: `missing or invalid job_id ${show(rec['job_id'])}; record left out` });
      return;
    }
    const ctx: RecordContext = { jobId, warnings };
    const fam = families[i] ?? family;
    if (fam !== family) {
      warnings.push({ jobId, field: 'job', message: `a ${fam} record in a ${family} document; read as ${fam}` });
    }
    const sniffed = sniffParser(rec, fam);
    sniffedDocParser ??= sniffed;
    let parser = meta.parser ?? sniffed;
    const metaRank = parserRank(meta.parser);
    const sniffRank = parserRank(sniffed);
    if (meta.parser !== undefined && metaRank !== undefined && sniffRank !== undefined && sniffRank > metaRank) {
      warnings.push({ jobId, field: 'meta', message: `record is shaped like data parser ${sniffed} or later but meta says ${meta.parser}; values read by their JSON types` });
      parser = sniffed;
    }
    const job = fam === 'db' ? readDbJob(rec, ctx, parser) : readCtldJob(rec, ctx, parser);
    if (job.cluster === undefined) {
      const c = opts.cluster ?? meta.cluster;
      if (c !== undefined) job.cluster = c;
    }
    jobs.push(job);
  });

  const result: SlurmReadResult = { jobs, warnings, family, parser: meta.parser ?? sniffedDocParser ?? 'unknown' };
  if (meta.slurmVersion !== undefined) result.slurmVersion = meta.slurmVersion;
  if (meta.cluster !== undefined) result.metaCluster = meta.cluster;
  return ok(result);
}
