// The two job tables of cc-backend's SQLite schema as the double keeps them (CONTRACT.md §1.3,
// §2.2, Appendix A): `job_cache` (untagged starts land here, UNIQUE(job_id, cluster, start_time),
// CHECKs on smt/shared/monitoring_status) and `job` (the committed table clients see).
//
// Row ids behave like SQLite INTEGER PRIMARY KEY without AUTOINCREMENT: max(id)+1, or 1 in an
// empty table, so job_cache ids restart at 1 after each commit empties the cache.

export type Table = 'cache' | 'main';

/** The columns of cc-backend's job tables (shared by both tables and by the read-back view). */
export interface JobColumns {
  id: bigint;
  jobId: bigint;
  user: string;
  project: string;
  cluster: string;
  subCluster: string;
  startTime: bigint;
  partition: string;
  arrayJobId: bigint;
  numNodes: number;
  numHwthreads: number;
  numAcc: number;
  shared: string;
  monitoringStatus: number;
  smt: number;
  jobState: string;
  duration: number;
  walltime: bigint;
  resourcesJson: string;
  footprintJson: string;
  metaDataJson: string;
  energy: number;
}

export interface JobRow extends JobColumns {
  // ---- observation only (not columns of cc-backend) ----
  /** When the row was inserted into its current table (ms since epoch). */
  insertedAt: number;
  /** For rows moved from job_cache: their cache id, and when/how they moved. */
  cacheId?: bigint;
  movedBy?: 'commit' | 'stop';
  /** stopTime of the successful stop_job, and when it happened. */
  stopTime?: bigint;
  stoppedAt?: number;
}

export interface Tag {
  id: bigint;
  type: string;
  name: string;
  scope: string;
}

export type DbResult<V> = { ok: true; value: V } | { ok: false; error: string };

const SHARED = ['none', 'single_user', 'multi_user'];
const CHECK_SMT = 'CHECK constraint failed: smt IN (0, 1)';
const CHECK_SHARED = 'CHECK constraint failed: shared IN ("none", "single_user", "multi_user")';
const CHECK_MONITORING = 'CHECK constraint failed: monitoring_status IN (0, 1, 2, 3)';
const UNIQUE_CACHE = 'UNIQUE constraint failed: job_cache.job_id, job_cache.cluster, job_cache.start_time';
const UNIQUE_JOB = 'UNIQUE constraint failed: job.job_id, job.cluster, job.start_time';
const UNIQUE_JOBTAG = 'UNIQUE constraint failed: jobtag.job_id, jobtag.tag_id';

const nextId = (rows: Array<{ id: bigint }>): bigint => rows.reduce((m, r) => (r.id > m ? r.id : m), 0n) + 1n;

export interface NodeStateRecord {
  cluster: string;
  hostname: string;
  state: string;
  cpusAllocated: number;
  memoryAllocated: number;
  gpusAllocated: number;
  jobsRunning: number;
  timeStamp: number;
}

export class JobStore {
  cache: JobRow[] = [];
  main: JobRow[] = [];
  tags: Tag[] = [];
  jobTags: Array<{ jobId: bigint; tagId: bigint }> = [];
  nodeStates = new Map<string, NodeStateRecord>();

  /** CHECK constraints in table-definition order; job_cache has the smt check, job does not. */
  private checks(row: JobRow, table: Table): string | null {
    if (table === 'cache' && row.smt !== 0 && row.smt !== 1) return CHECK_SMT;
    if (!SHARED.includes(row.shared)) return CHECK_SHARED;
    if (![0, 1, 2, 3].includes(row.monitoringStatus)) return CHECK_MONITORING;
    return null;
  }

  private conflict(rows: JobRow[], row: JobRow): boolean {
    return rows.some((r) => r.jobId === row.jobId && r.cluster === row.cluster && r.startTime === row.startTime);
  }

  /** INSERT INTO job_cache (Start). */
  insertCache(row: Omit<JobRow, 'id'>): DbResult<bigint> {
    const full: JobRow = { ...row, id: nextId(this.cache) };
    const check = this.checks(full, 'cache');
    if (check) return { ok: false, error: check };
    if (this.conflict(this.cache, full)) return { ok: false, error: UNIQUE_CACHE };
    this.cache.push(full);
    return { ok: true, value: full.id };
  }

  /** INSERT INTO job (StartDirect, for jobs with tags). */
  insertMain(row: Omit<JobRow, 'id'>): DbResult<bigint> {
    const full: JobRow = { ...row, id: nextId(this.main) };
    const check = this.checks(full, 'main');
    if (check) return { ok: false, error: check };
    if (this.conflict(this.main, full)) return { ok: false, error: UNIQUE_JOB };
    this.main.push(full);
    return { ok: true, value: full.id };
  }

  /**
   * SyncJobs: INSERT OR IGNORE every cache row (id order) into job, then empty the cache.
   * Returns the number of rows that reached `job`.
   */
  commit(nowMs = Date.now()): number {
    let moved = 0;
    for (const r of [...this.cache].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      if (this.conflict(this.main, r) || this.checks(r, 'main')) continue;
      this.main.push({ ...r, id: nextId(this.main), cacheId: r.id, movedBy: 'commit', insertedAt: nowMs });
      moved++;
    }
    this.cache = [];
    return moved;
  }

  /** TransferCachedJobToMain (stop of a cached job). */
  transfer(cacheId: bigint, nowMs = Date.now()): DbResult<bigint> {
    const r = this.cache.find((x) => x.id === cacheId);
    if (!r) return { ok: false, error: `transferring cached job ${cacheId} to main table failed: sql: no rows in result set` };
    if (this.conflict(this.main, r)) return { ok: false, error: `transferring cached job ${cacheId} to main table failed: ${UNIQUE_JOB}` };
    const id = nextId(this.main);
    this.main.push({ ...r, id, cacheId: r.id, movedBy: 'stop', insertedAt: nowMs });
    this.cache = this.cache.filter((x) => x !== r);
    return { ok: true, value: id };
  }

  private newest(rows: JobRow[], jobId: bigint, cluster: string | null, startTime: bigint | null): JobRow | null {
    let best: JobRow | null = null;
    for (const r of rows) {
      if (r.jobId !== jobId) continue;
      if (cluster !== null && r.cluster !== cluster) continue;
      if (startTime !== null && r.startTime !== startTime) continue;
      if (best === null || r.id > best.id) best = r;
    }
    return best;
  }

  /** FindCached: newest job_cache row (highest id) matching the filters. */
  findCached(jobId: bigint, cluster: string | null, startTime: bigint | null): JobRow | null {
    return this.newest(this.cache, jobId, cluster, startTime);
  }

  /** Find: newest job row (highest id) matching the filters. */
  find(jobId: bigint, cluster: string | null, startTime: bigint | null): JobRow | null {
    return this.newest(this.main, jobId, cluster, startTime);
  }

  /** FindAll(jobId, cluster, nil) on job, in rowid order. */
  findAll(jobId: bigint, cluster: string): JobRow[] {
    return this.main.filter((r) => r.jobId === jobId && r.cluster === cluster).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  findById(id: bigint): JobRow | null {
    return this.main.find((r) => r.id === id) ?? null;
  }

  /** Stop: UPDATE job SET job_state, duration, monitoring_status WHERE id. */
  stop(id: bigint, duration: number, state: string, monitoringStatus: number, stopTime: bigint, nowMs = Date.now()): void {
    const r = this.findById(id);
    if (!r) return;
    r.jobState = state;
    r.duration = duration;
    r.monitoringStatus = monitoringStatus;
    r.stopTime = stopTime;
    r.stoppedAt = nowMs;
  }

  /**
   * The optional stop-jobs-exceeding-walltime task (§9.26): running `job` rows (not job_cache) with
   * walltime > 0 whose start_time + walltime lies before `nowSec` become failed, duration 0,
   * monitoring_status 2. Returns how many rows changed.
   */
  failJobsExceedingWalltime(nowSec: bigint, nowMs = Date.now()): number {
    let n = 0;
    for (const r of this.main) {
      if (r.jobState !== 'running' || r.walltime <= 0n || !(r.startTime + r.walltime < nowSec)) continue;
      r.jobState = 'failed';
      r.duration = 0;
      r.monitoringStatus = 2;
      r.stoppedAt = nowMs;
      n++;
    }
    return n;
  }

  /** AddTagOrCreate after the scope check: find or create the tag, then link it to job `jobDbId`. */
  addTag(jobDbId: bigint, type: string, name: string, scope: string): DbResult<bigint> {
    let tag = this.tags.find((t) => t.type === type && t.name === name && t.scope === scope);
    if (!tag) {
      tag = { id: nextId(this.tags), type, name, scope };
      this.tags.push(tag);
    }
    const tagId = tag.id;
    if (this.jobTags.some((jt) => jt.jobId === jobDbId && jt.tagId === tagId)) return { ok: false, error: UNIQUE_JOBTAG };
    this.jobTags.push({ jobId: jobDbId, tagId });
    return { ok: true, value: tagId };
  }

  tagsOf(jobDbId: bigint): Tag[] {
    const ids = this.jobTags.filter((jt) => jt.jobId === jobDbId).map((jt) => jt.tagId);
    return this.tags.filter((t) => ids.includes(t.id));
  }

  clear(): void {
    this.cache = [];
    this.main = [];
    this.tags = [];
    this.jobTags = [];
    this.nodeStates.clear();
  }
}
