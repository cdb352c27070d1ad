import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeJson, eventMsgId, type JobEvent, type StartJobBody, type StopJobBody } from '@cc-slurm-bridge/shared';
import { convertFiles, convertPaths, formatConvertOutput, mergeRecords } from '../src/convert.js';
import { readSlurmJobs } from '../src/slurm/read.js';
import type { SlurmJob } from '../src/slurm/job.js';

const path = (f: string) => new URL(`./fixtures/${f}`, import.meta.url);
const fixture = (f: string) => readFileSync(path(f), 'utf8');
const T = '22.05-testcluster/';
const T0 = 1796314000; // times below are T0 + n

/**
 * squeue-after-short.json (ctld, taken while job 4 still ran and job 12 was pending) merged
 * with sacct-all-states.json (db, at the end). Values looked up in both files by hand:
 * hosts and core indices from job_resources (1 socket × 2 cores per node), limits from
 * time_limit / time.limit (null = UNLIMITED → no walltime), final states and end times from sacct.
 */
const EXPECTED: Array<{
  id: number;
  start: number;
  res: Array<[string, number[] | undefined]>;
  shared: 'none' | 'multi_user';
  walltime: number | undefined;
  acc: number;
  array: number;
  state: string;
  stop: number;
}> = [
  { id: 1, start: 381, res: [['node1', [0]]], shared: 'multi_user', walltime: 31536000, acc: 0, array: 0, state: 'completed', stop: 383 },
  { id: 2, start: 381, res: [['node1', [1]]], shared: 'multi_user', walltime: 31536000, acc: 0, array: 0, state: 'failed', stop: 381 },
  { id: 3, start: 381, res: [['node2', [0]]], shared: 'multi_user', walltime: 31536000, acc: 0, array: 0, state: 'cancelled', stop: 383 },
  // ctld: RUNNING with its hwthreads; db: TIMEOUT at 467
  { id: 4, start: 381, res: [['node2', [1]]], shared: 'multi_user', walltime: 60, acc: 0, array: 0, state: 'timeout', stop: 467 },
  { id: 5, start: 381, res: [['node4', [0]]], shared: 'multi_user', walltime: 31536000, acc: 0, array: 5, state: 'completed', stop: 384 },
  { id: 6, start: 381, res: [['node1', [1]], ['node4', [1]]], shared: 'multi_user', walltime: undefined, acc: 0, array: 0, state: 'completed', stop: 383 },
  { id: 7, start: 383, res: [['node1', [0, 1]]], shared: 'none', walltime: undefined, acc: 2, array: 0, state: 'completed', stop: 386 },
  { id: 8, start: 383, res: [['node2', [0]]], shared: 'multi_user', walltime: 3600, acc: 1, array: 0, state: 'completed', stop: 385 },
  // ctld: PENDING (shared "none"), db: COMPLETED on node[1-4] → db record, sharing from ctld
  { id: 12, start: 467, res: [['node1', undefined], ['node2', undefined], ['node3', undefined], ['node4', undefined]], shared: 'none', walltime: undefined, acc: 4, array: 0, state: 'completed', stop: 469 },
  { id: 13, start: 385, res: [['node3', [0, 1]]], shared: 'multi_user', walltime: 31536000, acc: 0, array: 0, state: 'completed', stop: 389 },
  { id: 14, start: 385, res: [['node4', [0]]], shared: 'multi_user', walltime: 31536000, acc: 0, array: 0, state: 'completed', stop: 385 },
  { id: 15, start: 385, res: [['node4', [1]]], shared: 'multi_user', walltime: 31536000, acc: 0, array: 0, state: 'failed', stop: 385 },
  { id: 17, start: 381, res: [['node3', [0]]], shared: 'multi_user', walltime: 31536000, acc: 0, array: 5, state: 'completed', stop: 384 },
  { id: 18, start: 381, res: [['node3', [1]]], shared: 'multi_user', walltime: 31536000, acc: 0, array: 5, state: 'completed', stop: 384 },
  // only in sacct
  { id: 19, start: 395, res: [['node4', undefined]], shared: 'multi_user', walltime: undefined, acc: 0, array: 0, state: 'node_fail', stop: 395 },
  { id: 20, start: 397, res: [['node4', undefined]], shared: 'multi_user', walltime: undefined, acc: 0, array: 0, state: 'completed', stop: 401 },
];

function convert22() {
  return convertFiles({ cluster: 'testcluster', squeue: fixture(T + 'squeue-after-short.json'), sacct: fixture(T + 'sacct-all-states.json'), source: 'ctl', observedAt: T0 + 999 });
}

describe('convertFiles: 22.05 squeue + sacct', () => {
  test('one start and one stop per started job, merged, with the expected bodies', () => {
    const r = convert22();
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.events.length, EXPECTED.length * 2);
    for (const x of EXPECTED) {
      const starts = r.events.filter((e) => e.event === 'start_job' && e.body.jobId === x.id);
      const stops = r.events.filter((e) => e.event === 'stop_job' && e.body.jobId === x.id);
      assert.equal(starts.length, 1, `job ${x.id} start`);
      assert.equal(stops.length, 1, `job ${x.id} stop`);
      const s = starts[0]!.body as StartJobBody;
      assert.equal(s.startTime, T0 + x.start, `job ${x.id} startTime`);
      assert.equal(s.user, x.id === 13 ? 'alice' : 'root');
      assert.equal(s.project, 'testacct');
      assert.equal(s.partition, x.id === 8 ? 'gpu' : 'debug');
      assert.equal(s.cluster, 'testcluster');
      assert.deepEqual(
        s.resources,
        x.res.map(([hostname, hw]) => (hw ? { hostname, hwthreads: hw } : { hostname })),
        `job ${x.id} resources`,
      );
      assert.equal(s.numNodes, x.res.length);
      assert.equal(s.shared, x.shared, `job ${x.id} shared`);
      assert.equal(s.walltime, x.walltime, `job ${x.id} walltime`);
      assert.equal(s.numAcc, x.acc, `job ${x.id} numAcc`);
      assert.equal(s.arrayJobId, x.array, `job ${x.id} arrayJobId`);
      assert.deepEqual(stops[0]!.body as StopJobBody, { jobId: x.id, cluster: 'testcluster', startTime: T0 + x.start, jobState: x.state, stopTime: T0 + x.stop });
      assert.deepEqual(stops[0]!.meta, { observedAt: T0 + 999, source: 'ctl', partition: x.id === 8 ? 'gpu' : 'debug' });
    }
  });
  test('jobs that never ran are listed as skipped', () => {
    const r = convert22();
    assert.deepEqual(r.skipped.map((s) => s.jobId).sort((a, b) => a - b), [9, 10, 11, 16]);
  });
  test('ordered by event time, a start before a stop in the same second', () => {
    const r = convert22();
    const time = (e: JobEvent) => (e.event === 'start_job' ? e.body.startTime : e.body.stopTime);
    for (let i = 1; i < r.events.length; i++) {
      const a = r.events[i - 1]!;
      const b = r.events[i]!;
      assert.ok(time(a) <= time(b), `event ${i} in time order`);
      if (time(a) === time(b)) assert.ok(!(a.event === 'stop_job' && b.event === 'start_job'), `event ${i}: start before stop`);
    }
    // per job, the start comes first
    for (const x of EXPECTED) {
      const i = r.events.findIndex((e) => e.body.jobId === x.id && e.event === 'start_job');
      const j = r.events.findIndex((e) => e.body.jobId === x.id && e.event === 'stop_job');
      assert.ok(i < j, `job ${x.id}`);
    }
  });
  test('deduplicated by Nats-Msg-Id: the same records from squeue and scontrol give each event once', () => {
    const squeue = fixture(T + 'squeue-after-short.json');
    const r = convertFiles({ cluster: 'testcluster', squeue, scontrol: squeue, sacct: fixture(T + 'sacct-all-states.json') });
    assert.equal(r.events.length, EXPECTED.length * 2);
    const ids = r.events.map((e) => eventMsgId('testcluster', e.body.jobId, e.body.startTime ?? 0, e.event));
    assert.equal(new Set(ids).size, ids.length);
  });
  test('squeue alone: starts for started jobs, stops for those slurmctld already saw end', () => {
    const r = convertFiles({ cluster: 'testcluster', squeue: fixture(T + 'squeue-after-short.json') });
    const starts = r.events.filter((e) => e.event === 'start_job').map((e) => e.body.jobId).sort((a, b) => a - b);
    const stops = r.events.filter((e) => e.event === 'stop_job').map((e) => e.body.jobId).sort((a, b) => a - b);
    assert.deepEqual(starts, [1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 15, 17, 18]);
    assert.deepEqual(stops, [1, 2, 3, 5, 6, 7, 8, 13, 14, 15, 17, 18]); // 4 still RUNNING
  });
});

describe('convertFiles: placeholders, errors, output', () => {
  test('a G1 placeholder alone gives nothing; the final record gives start and stop', () => {
    const w = convertFiles({ cluster: 'testcluster', sacct: fixture(T + 'sacct-j-placeholder-window.json') });
    assert.deepEqual(w.events, []);
    assert.match(w.skipped[0]?.reason ?? '', /incomplete/);
    const f = convertFiles({ cluster: 'testcluster', sacct: fixture(T + 'sacct-j-placeholder-final.json') });
    assert.deepEqual(f.events.map((e) => [e.event, e.body.jobId]), [['start_job', 21], ['stop_job', 21]]);
  });
  test('an unreadable input is an error; the other inputs are still converted', () => {
    const r = convertFiles({ cluster: 'testcluster', squeue: '{"jobs": [', sacct: fixture(T + 'sacct-j-ok.json') });
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]?.source, 'squeue');
    assert.match(r.errors[0]?.error.message ?? '', /not valid JSON/);
    assert.deepEqual(r.events.map((e) => [e.event, e.body.jobId]), [['start_job', 1], ['stop_job', 1]]);
  });
  test('warnings name the input they came from', () => {
    const r = convertFiles({ cluster: 'c', squeue: fixture('23.11/slurmrestd-jobs-talapas-array.json') });
    assert.ok(r.warnings.length > 0);
    assert.ok(r.warnings.every((w) => w.field.startsWith('squeue: ') || w.field.startsWith('mapping: ')));
  });
  test('formatConvertOutput: one wire-format-v1 JSON object per line', () => {
    const r = convert22();
    const out = formatConvertOutput(r.events);
    assert.ok(out.endsWith('\n'));
    const lines = out.split('\n').slice(0, -1);
    assert.equal(lines.length, r.events.length);
    lines.forEach((line, i) => {
      const d = decodeJson(line);
      assert.ok(d.ok, line);
      if (d.ok) assert.deepEqual(d.value, r.events[i]);
      const raw = JSON.parse(line) as Record<string, unknown>;
      assert.equal(raw['version'], 1);
      assert.equal(raw['event'], r.events[i]?.event);
    });
    assert.equal(formatConvertOutput([]), '');
  });
  test('convertPaths reads files and reports unreadable ones', async () => {
    const r = await convertPaths({ cluster: 'testcluster', sacct: path(T + 'sacct-j-ok.json').pathname, squeue: '/nonexistent/squeue.json' });
    assert.equal(r.errors.length, 1);
    assert.match(r.errors[0]?.error.message ?? '', /cannot read squeue file/);
    assert.equal(r.events.length, 2);
  });
});

describe('mergeRecords', () => {
  const read = (f: string) => {
    const r = readSlurmJobs(fixture(f));
    assert.ok(r.ok);
    return r.ok ? r.value.jobs : [];
  };
  test('ctld allocation + db end state, for every version pair with both records', () => {
    // 24.11 job 6371: ctld RUNNING with hwthreads, db RUNNING too — stays running, keeps hwthreads
    const [m] = mergeRecords(read('24.11/slurmrestd-v0.0.42-job-gpus-multinode.json'), read('24.11/slurmdb-v0.0.42-job-gpus-multinode.json'));
    assert.equal(m?.jobId, 6371);
    assert.equal(m?.state, 'RUNNING');
    assert.deepEqual(m?.allocation.map((a) => [a.hostname, a.hwthreads, a.gpuIndices]), [
      ['ia1', [0], [0, 1, 2, 3, 4, 5]],
      ['ia2', [0], [0, 1, 2, 3, 4, 5]],
    ]);
    assert.equal(m?.gpuCount, 12);
    // 23.02 job 307: both COMPLETED
    const [c] = mergeRecords(read('23.02/slurmrestd-job-completed-multinode.json'), read('23.02/slurmdb-job-completed-multinode.json'));
    assert.equal(c?.jobId, 307);
    assert.equal(c?.state, 'COMPLETED');
    assert.equal(c?.nodes.length, 64);
  });
  test('a db record that lags behind (still RUNNING) does not undo the ctld end', () => {
    const base: SlurmJob = read(T + 'squeue-after-short.json').find((j) => j.jobId === 1)!;
    const dbRunning: SlurmJob = { ...base, family: 'db', state: 'RUNNING', endTime: undefined, allocation: base.nodes.map((hostname) => ({ hostname })) };
    const [m] = mergeRecords([base], [dbRunning]);
    assert.equal(m?.state, 'COMPLETED');
    assert.equal(m?.endTime, 1796314383);
    assert.deepEqual(m?.allocation[0]?.hwthreads, [0]);
  });
  test('different runs of a requeued job (different start times) stay apart', () => {
    const base: SlurmJob = read(T + 'squeue-after-short.json').find((j) => j.jobId === 1)!;
    const rerun: SlurmJob = { ...base, family: 'db', startTime: base.startTime! + 100, endTime: base.startTime! + 200 };
    assert.equal(mergeRecords([base], [rerun]).length, 2);
  });
  test('a placeholder db record never replaces a ctld record', () => {
    const base: SlurmJob = read(T + 'squeue-after-short.json').find((j) => j.jobId === 1)!;
    const ph: SlurmJob = { ...base, family: 'db', name: 'allocation', partition: undefined, placeholder: true, state: 'COMPLETED', endTime: 1 };
    const [m] = mergeRecords([base], [ph]);
    assert.equal(m?.name, 'ok-job');
    assert.equal(m?.endTime, 1796314383);
  });
});
