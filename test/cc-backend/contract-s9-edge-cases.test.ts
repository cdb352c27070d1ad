// CONTRACT.md §9: edge cases as end-to-end scenarios. Items pinned in the section files are tagged
// there (§9.1, 2, 4–14 in §1/§2; 15–18 in §3; 19 in §5; 20, 21, 23 in §0; 24 in §4).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type FakeCcBackend, startFakeCcBackend } from './mod.js';
import { call, startBody, stopBody } from './testkit.js';

const START = '/api/jobs/start_job/';
const STOP = '/api/jobs/stop_job/';
let cc: FakeCcBackend;
let nowMs = 1_700_000_000_000;
before(async () => {
  cc = await startFakeCcBackend({ commitIntervalMs: 60_000, now: () => nowMs });
});
after(() => cc.close());

test('§9.3 jobId reuse within 24 h: the second start is 422, its stop then hits the first job', async () => {
  const first = startBody({ startTime: 1_700_000_000 });
  assert.equal((await call(cc, 'POST', START, { body: first })).status, 201);
  cc.commitNow();
  assert.equal((await call(cc, 'POST', STOP, { body: stopBody(first, { stopTime: 1_700_000_100 }) })).status, 200);
  const reuse = { ...first, startTime: 1_700_000_000 + 3600 };
  assert.equal((await call(cc, 'POST', START, { body: reuse })).status, 422);
  // the adapter's stop (no startTime) now finds the first, already stopped job → 422; the reuse is never recorded
  const adapterStop = stopBody(reuse, { stopTime: reuse.startTime + 60 });
  delete adapterStop['startTime'];
  assert.equal((await call(cc, 'POST', STOP, { body: adapterStop })).status, 422);
  assert.equal(cc.jobs().filter((j) => j.jobId === first['jobId']).length, 1);
});

test('§9.2 cache window: same startTime → 500 (retryable), different startTime → 201 (a second job)', async () => {
  const a = startBody();
  assert.equal((await call(cc, 'POST', START, { body: a })).status, 201);
  assert.equal((await call(cc, 'POST', START, { body: a })).status, 500);
  assert.equal((await call(cc, 'POST', START, { body: { ...a, startTime: Number(a['startTime']) + 1 } })).status, 201);
  cc.commitNow();
  assert.equal(cc.jobs().filter((j) => j.jobId === a['jobId']).length, 2);
});

test('§9.26 stop-jobs-exceeding-walltime marks overrunning jobs failed (duration 0, monitoringStatus 2); a later stop gets 422', async () => {
  nowMs = 1_700_000_000_000;
  const over = startBody({ startTime: 1_700_000_000 - 7200, walltime: 3600 });
  const within = startBody({ startTime: 1_700_000_000 - 60, walltime: 3600 });
  const noLimit = startBody({ startTime: 1_600_000_000, walltime: 0 });
  for (const b of [over, within, noLimit]) assert.equal((await call(cc, 'POST', START, { body: b })).status, 201);
  cc.commitNow();
  assert.equal(cc.stopJobsExceedingWalltime(), 1);
  const row = cc.jobs().find((j) => j.jobId === over['jobId']);
  assert.deepEqual([row?.jobState, row?.duration, row?.monitoringStatus], ['failed', 0, 2]);
  const r = await call(cc, 'POST', STOP, { body: stopBody(over) });
  assert.equal(r.status, 422);
  assert.match(r.text, /job has already been stopped \(state is: failed\)/);
  assert.equal((await call(cc, 'POST', STOP, { body: stopBody(within) })).status, 200);
});

test('§9.22 large payloads: a multi-MB jobScript round-trips through GET ?with-metadata', async () => {
  const script = '#!/bin/bash\n# <&> "quoted" C:\\tmp\n' + 'srun ./a.out --input /scratch/data --threads 72\n'.repeat(45_000);
  const body = startBody({ project: 'big', metaData: { jobScript: script } });
  assert.equal((await call(cc, 'POST', START, { body })).status, 201);
  cc.commitNow();
  const r = await call(cc, 'GET', '/api/jobs/?project=big&with-metadata=false');
  const jobs = (r.json() as { jobs: Array<{ metaData: { jobScript: string } }> }).jobs;
  assert.equal(jobs[0]?.metaData.jobScript, script);
});
