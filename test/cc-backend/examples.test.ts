// The examples of shared/reference/cc-backend/examples/ (copied to fixtures/) produce the documented
// statuses and bodies (CONTRACT.md §1.1, §2.3, §3.3, §4.1).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { type FakeCcBackend, startFakeCcBackend } from './mod.js';
import { call } from './testkit.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

let cc: FakeCcBackend;
// The listing example shows a running job with duration 1234 (read at startTime + 1234 s).
const NOW_MS = (1_700_000_000 + 1234) * 1000;
before(async () => {
  cc = await startFakeCcBackend({ clusters: ['fritz:f[0101-0188]'], commitIntervalMs: 60_000, now: () => NOW_MS });
});
after(() => cc.close());

test('examples: start_job.request.json (the adapter\'s exact bytes) → 201 {"msg":"success"}', async () => {
  const r = await call(cc, 'POST', '/api/jobs/start_job/', { body: fixture('start_job.request.json'), headers: { accept: 'application/ld+json' } });
  assert.equal(r.status, 201);
  assert.equal(r.text, '{"msg":"success"}\n');
  assert.equal(cc.jobs()[0]?.subCluster, 'main');
});

test('examples: get_jobs.response.json is what GET /api/jobs/?with-metadata returns (db id aside)', async () => {
  assert.equal((await call(cc, 'GET', '/api/jobs/')).text, '{"jobs":[],"items":25,"page":1}\n', 'still in job_cache');
  cc.commitNow();
  const r = await call(cc, 'GET', '/api/jobs/?with-metadata');
  assert.equal(r.status, 200);
  const id = cc.jobs()[0]?.id;
  // The example abbreviates jobScript and slurmInfo ("..."); everything else must match byte for byte.
  const expected = fixture('get_jobs.response.json')
    .replace('"id":42', `"id":${id}`)
    .replace('"jobScript":"#!/bin/bash\\n..."', '"jobScript":"#!/bin/bash\\nsrun ./a.out \\"x\\" C:\\\\tmp\\n"')
    .replace('"slurmInfo":"JobId=123456 ..."', '"slurmInfo":"JobId=123456 JobName=my\\u003cjob\\u003e\\u0026\\n   UserId=abcd100h(1000)"');
  assert.equal(r.text, expected);
});

test('examples: stop_job.request.json → 200 with stop_job.response.json (db id aside)', async () => {
  const r = await call(cc, 'POST', '/api/jobs/stop_job/', { body: fixture('stop_job.request.json') });
  assert.equal(r.status, 200);
  const id = cc.jobs()[0]?.id;
  assert.equal(r.text, fixture('stop_job.response.json').replace('"id":42', `"id":${id}`));
});

test('examples: stop_job.request.json again → 422 already stopped (the adapter treats it as success)', async () => {
  const r = await call(cc, 'POST', '/api/jobs/stop_job/', { body: fixture('stop_job.request.json') });
  assert.equal(r.status, 422);
});

test('examples: nodestate.request.json → 200, empty body', async () => {
  const r = await call(cc, 'POST', '/api/nodestate/', { body: fixture('nodestate.request.json') });
  assert.equal(r.status, 200);
  assert.equal(r.text, '');
  assert.deepEqual(
    cc.nodeStates().map((n) => [n.hostname, n.state, n.cpusAllocated]),
    [
      ['f0101', 'allocated', 72],
      ['f0102', 'idle', 0],
    ],
  );
});
