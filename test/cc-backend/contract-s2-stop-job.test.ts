// CONTRACT.md §2: POST|PUT /api/jobs/stop_job/ (and §9 items 11–14).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeCcBackend, startFakeCcBackend } from './mod.js';
import { call, goError, startBody, stopBody } from './testkit.js';

const START = '/api/jobs/start_job/';
const STOP = '/api/jobs/stop_job/';
let cc: FakeCcBackend;

before(async () => {
  cc = await startFakeCcBackend({ clusters: ['testcluster', 'other'], commitIntervalMs: 60_000 });
});
after(() => cc.close());

async function started(over: Record<string, unknown> = {}, commit = true): Promise<Record<string, unknown>> {
  const body = startBody(over);
  const r = await call(cc, 'POST', START, { body });
  assert.equal(r.status, 201, r.text);
  if (commit) cc.commitNow();
  return body;
}

const mainRow = (jobId: unknown) => cc.jobs().filter((j) => j.jobId === jobId && j.table === 'main');

describe('§2.3 success', () => {
  test('§2.3 step 9: 200 with the full Job: requested state, duration stopTime-startTime, metaData null, job table id', async () => {
    const s = await started({ arrayJobId: 0, numAcc: 0, smt: 0 });
    const r = await call(cc, 'POST', STOP, { body: stopBody(s, { stopTime: Number(s['startTime']) + 3600, jobState: 'failed' }) });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    const row = mainRow(s['jobId'])[0];
    assert.ok(row);
    const expected =
      `{"cluster":"testcluster","subCluster":"main","partition":"work","project":"proj1","user":"alice","shared":"none","jobState":"failed",` +
      `"resources":[{"hostname":"node001","hwthreads":[0,1,2,3]}],"energyFootprint":null,"footprint":null,"metaData":null,` +
      `"concurrentJobs":{"items":null,"count":0},"energy":0,"walltime":3600,"jobId":${String(s['jobId'])},"duration":3600,` +
      `"monitoringStatus":1,"numHwthreads":4,"numNodes":1,"statistics":null,"id":${row.id},"startTime":1700000000}\n`;
    assert.equal(r.text, expected);
    assert.equal(row.jobState, 'failed');
    assert.equal(row.duration, 3600);
    assert.equal(row.stopTime, Number(s['startTime']) + 3600);
  });

  test('§2.1 missing or empty jobState means completed; stopTime == startTime gives duration 0', async () => {
    const s = await started();
    const body = stopBody(s, { stopTime: s['startTime'] });
    delete body['jobState'];
    const r = await call(cc, 'PUT', STOP, { body });
    assert.equal(r.status, 200);
    const job = r.json() as { jobState: string; duration: number };
    assert.equal(job.jobState, 'completed');
    assert.equal(job.duration, 0);
    const s2 = await started();
    const r2 = await call(cc, 'POST', STOP, { body: stopBody(s2, { jobState: '' }) });
    assert.equal((r2.json() as { jobState: string }).jobState, 'completed');
  });

  test('§2.3 jobState running/pending/suspended is accepted and leaves the job running, with a fixed duration', async () => {
    const s = await started();
    const r = await call(cc, 'POST', STOP, { body: stopBody(s, { jobState: 'running' }) });
    assert.equal(r.status, 200);
    assert.equal(mainRow(s['jobId'])[0]?.jobState, 'running');
    // still running → a second stop is not "already stopped"
    assert.equal((await call(cc, 'POST', STOP, { body: stopBody(s, { jobState: 'completed' }) })).status, 200);
  });

  test('§2.2 stop of a cached job moves it to the job table first; the response carries the job id', async () => {
    const s = await started({}, false);
    assert.equal(cc.jobs().find((j) => j.jobId === s['jobId'])?.table, 'cache');
    const r = await call(cc, 'POST', STOP, { body: stopBody(s) });
    assert.equal(r.status, 200);
    const rows = cc.jobs().filter((j) => j.jobId === s['jobId']);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.table, 'main');
    assert.equal(rows[0]?.movedBy, 'stop');
    assert.equal((r.json() as { id: number }).id, rows[0]?.id);
    // and the commit does not bring it back
    cc.commitNow();
    assert.equal(cc.jobs().filter((j) => j.jobId === s['jobId']).length, 1);
  });
});

describe('§2.3 errors and their order', () => {
  test('§2.3 step 3 / §9.11 stop before start → 404 finding job failed', async () => {
    const r = await call(cc, 'POST', STOP, { body: { jobId: 987654321, cluster: 'testcluster', jobState: 'completed', stopTime: 1 } });
    assert.equal(r.status, 404);
    assert.equal(r.text, goError('Not Found', 'finding job failed: sql: no rows in result set'));
  });

  test('§2.3 step 4 / §9.11 stop twice → 422 already stopped (with the state)', async () => {
    const s = await started();
    assert.equal((await call(cc, 'POST', STOP, { body: stopBody(s, { jobState: 'timeout' }) })).status, 200);
    const r = await call(cc, 'POST', STOP, { body: stopBody(s) });
    assert.equal(r.status, 422);
    const id = mainRow(s['jobId'])[0]?.id;
    assert.equal(r.text, goError('Unprocessable Entity', `jobId ${String(s['jobId'])} (id ${id}) on testcluster : job has already been stopped (state is: timeout)`));
  });

  test('§2.3 step 5 / §9.12 stopTime < startTime → 400 (the cache id appears while the job is cached)', async () => {
    const s = await started({}, false);
    const cacheId = cc.jobs().find((j) => j.jobId === s['jobId'])?.id;
    const r = await call(cc, 'POST', STOP, { body: stopBody(s, { stopTime: Number(s['startTime']) - 1 }) });
    assert.equal(r.status, 400);
    assert.equal(
      r.text,
      goError('Bad Request', `jobId ${String(s['jobId'])} (id ${cacheId}) on testcluster : stopTime 1699999999 must be larger/equal than startTime 1700000000`),
    );
    assert.equal(cc.jobs().find((j) => j.jobId === s['jobId'])?.table, 'cache');
  });

  test('§2.3 step 6 invalid state → 400, quoted Go-style', async () => {
    const s = await started();
    const r = await call(cc, 'POST', STOP, { body: stopBody(s, { jobState: 'requeued' }) });
    assert.equal(r.status, 400);
    const id = mainRow(s['jobId'])[0]?.id;
    assert.equal(r.text, goError('Bad Request', `jobId ${String(s['jobId'])} (id ${id}) on testcluster : invalid requested job state: "requeued"`));
    for (const st of ['stopped', 'out-of-memory', 'COMPLETED']) {
      assert.equal((await call(cc, 'POST', STOP, { body: stopBody(s, { jobState: st }) })).status, 400, st);
    }
  });

  test('§2.3 / §9.12 invalid state after the 404 and 422 checks, and after the stopTime check', async () => {
    const missing = await call(cc, 'POST', STOP, { body: { jobId: 123123123, jobState: 'bogus', stopTime: 1 } });
    assert.equal(missing.status, 404);
    const s = await started();
    await call(cc, 'POST', STOP, { body: stopBody(s) });
    const stopped = await call(cc, 'POST', STOP, { body: stopBody(s, { jobState: 'bogus' }) });
    assert.equal(stopped.status, 422);
    const s2 = await started();
    const both = await call(cc, 'POST', STOP, { body: stopBody(s2, { jobState: 'bogus', stopTime: 5 }) });
    assert.equal(both.status, 400);
    assert.match(both.text, /stopTime 5 must be larger\/equal than startTime/);
  });

  test('§2.3 step 2: jobId missing or null → 400 the field jobId is required', async () => {
    for (const body of [{ cluster: 'testcluster', stopTime: 5 }, { jobId: null, stopTime: 5 }]) {
      const r = await call(cc, 'POST', STOP, { body });
      assert.equal(r.status, 400);
      assert.equal(r.text, goError('Bad Request', "the field 'jobId' is required"));
    }
  });

  test('§2.1 / §9.14 exclusive and partition on stop → 400 unknown field', async () => {
    const s = await started();
    for (const extra of ['exclusive', 'partition']) {
      const r = await call(cc, 'POST', STOP, { body: stopBody(s, { [extra]: extra === 'exclusive' ? 1 : 'work' }) });
      assert.equal(r.status, 400);
      assert.equal(r.text, goError('Bad Request', `parsing request body failed: json: unknown field "${extra}"`));
    }
  });

  test('§2.3 step 1: jobState must be a string', async () => {
    const r = await call(cc, 'POST', STOP, { body: { jobId: 1, jobState: 3, stopTime: 5 } });
    assert.equal(r.status, 400);
    assert.equal(
      r.text,
      goError('Bad Request', 'parsing request body failed: json: cannot unmarshal number into Go struct field StopJobAPIRequest.jobState of type schema.JobState'),
    );
  });
});

describe('§2.2 lookup', () => {
  test('§2.2 / §9.13 stop without startTime picks the newest row, even if it is stopped (jobId reuse) → 422', async () => {
    const old = await started();
    assert.equal((await call(cc, 'POST', STOP, { body: stopBody(old) })).status, 200);
    const reuse = { ...old, startTime: Number(old['startTime']) + 2 * 86400 };
    assert.equal((await call(cc, 'POST', START, { body: reuse })).status, 201);
    cc.commitNow();
    // newest by db id is the running reuse → stopping without startTime hits it
    const body = stopBody(reuse, { stopTime: Number(reuse['startTime']) + 10 });
    delete body['startTime'];
    const r = await call(cc, 'POST', STOP, { body });
    assert.equal(r.status, 200);
    assert.equal((r.json() as { startTime: number }).startTime, reuse['startTime']);
  });

  test('§2.2 newest row by db id: an older running row behind a newer stopped one gives 422 without startTime', async () => {
    const a = await started();
    const b = { ...a, startTime: Number(a['startTime']) + 3 * 86400 };
    assert.equal((await call(cc, 'POST', START, { body: b })).status, 201);
    cc.commitNow();
    assert.equal((await call(cc, 'POST', STOP, { body: stopBody(b) })).status, 200);
    const noStart = stopBody(a);
    delete noStart['startTime'];
    assert.equal((await call(cc, 'POST', STOP, { body: noStart })).status, 422);
    // with startTime the older running job is found
    assert.equal((await call(cc, 'POST', STOP, { body: stopBody(a) })).status, 200);
  });

  test('§2.2 the cache is searched before the job table', async () => {
    // a is committed (job table, newer by db id than nothing else); c, same jobId on another cluster, stays cached.
    const a = await started();
    const c = { ...a, cluster: 'other' };
    assert.equal((await call(cc, 'POST', START, { body: c })).status, 201);
    const noCluster = stopBody(a);
    delete noCluster['cluster'];
    delete noCluster['startTime'];
    const r = await call(cc, 'POST', STOP, { body: noCluster });
    assert.equal(r.status, 200);
    assert.equal((r.json() as { cluster: string }).cluster, 'other');
  });

  test('§2.1 without cluster any cluster matches; with cluster it filters', async () => {
    const a = await started();
    const wrong = await call(cc, 'POST', STOP, { body: stopBody(a, { cluster: 'other' }) });
    assert.equal(wrong.status, 404);
    const any = stopBody(a);
    delete any['cluster'];
    assert.equal((await call(cc, 'POST', STOP, { body: any })).status, 200);
  });

  test('§2.3 step 7: a cached row whose (jobId, cluster, startTime) is already in job → 500 on transfer', async () => {
    // Possible through the tagged path, which inserts into job directly while the cache still holds the row.
    const s = await started({}, false);
    const tagged = { ...s, tags: [{ type: 'x', name: 'y', scope: 'global' }] };
    assert.equal((await call(cc, 'POST', START, { body: tagged })).status, 201);
    const cacheId = cc.jobs().find((j) => j.jobId === s['jobId'] && j.table === 'cache')?.id;
    const r = await call(cc, 'POST', STOP, { body: stopBody(s) });
    assert.equal(r.status, 500);
    assert.equal(
      r.text,
      goError(
        'Internal Server Error',
        `jobId ${String(s['jobId'])} (id ${cacheId}) on testcluster : transferring cached job failed: transferring cached job ${cacheId} to main table failed: UNIQUE constraint failed: job.job_id, job.cluster, job.start_time`,
      ),
    );
  });
});
