// CONTRACT.md §3: GET /api/jobs/ (and §9 items 15–18).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeCcBackend, startFakeCcBackend } from './mod.js';
import { call, goError, startBody, stopBody } from './testkit.js';

let cc: FakeCcBackend;
let nowMs = Date.UTC(2023, 10, 15, 0, 0, 0); // 1700006400 s
before(async () => {
  cc = await startFakeCcBackend({ commitIntervalMs: 60_000, clusters: ['testcluster', 'other'], now: () => nowMs });
  // four committed jobs in project "list", start times 1..4 × 1000 s after 1_700_000_000, one stopped
  for (let i = 1; i <= 4; i++) {
    const body = startBody({ jobId: 500 + i, project: 'list', startTime: 1_700_000_000 + i * 1000, metaData: { jobName: `j${i}`, jobScript: 'echo <hi> & bye' } });
    assert.equal((await call(cc, 'POST', '/api/jobs/start_job/', { body })).status, 201);
    if (i === 2) {
      cc.commitNow();
      assert.equal((await call(cc, 'POST', '/api/jobs/stop_job/', { body: stopBody(body, { jobState: 'completed' }) })).status, 200);
    }
  }
  cc.commitNow();
});
after(() => cc.close());

interface ListBody {
  jobs: Array<Record<string, unknown>>;
  items: number;
  page: number;
}
const list = async (q: string): Promise<ListBody> => {
  const r = await call(cc, 'GET', `/api/jobs/${q}`);
  assert.equal(r.status, 200, r.text);
  return r.json() as ListBody;
};

describe('§3.1 parameters', () => {
  test('§3.3 default: {"jobs":[…],"items":25,"page":1}, sorted by startTime DESC', async () => {
    const b = await list('?project=list');
    assert.equal(b.items, 25);
    assert.equal(b.page, 1);
    assert.deepEqual(b.jobs.map((j) => j['jobId']), [504, 503, 502, 501]);
  });

  test('§3.1 state filter, repeatable and OR-ed; the adapter\'s query works', async () => {
    assert.deepEqual((await list('?project=list&state=running')).jobs.map((j) => j['jobId']), [504, 503, 501]);
    assert.deepEqual((await list('?project=list&state=completed&state=running')).jobs.length, 4);
    const adapter = await list('?state=running&items-per-page=9999999&page=1&with-metadata=false');
    assert.equal(adapter.items, 9999999);
  });

  test('§3.1 / §9.17 invalid state (stopped, out-of-memory) → 400', async () => {
    for (const s of ['stopped', 'out-of-memory']) {
      const r = await call(cc, 'GET', `/api/jobs/?state=${s}`);
      assert.equal(r.status, 400);
      assert.equal(r.text, goError('Bad Request', 'invalid query parameter value: state'));
    }
  });

  test('§3.1 / §9.17 unknown parameters → 400, even a cache-buster', async () => {
    const r = await call(cc, 'GET', '/api/jobs/?_=123');
    assert.equal(r.status, 400);
    assert.equal(r.text, goError('Bad Request', 'invalid query parameter: _'));
    assert.equal((await call(cc, 'GET', '/api/jobs/?jobId=1')).text, goError('Bad Request', 'invalid query parameter: jobId'));
  });

  test('§3.1 cluster and project filters are exact', async () => {
    assert.equal((await list('?cluster=other')).jobs.length, 0);
    assert.equal((await list('?project=lis')).jobs.length, 0);
    assert.equal((await list('?cluster=testcluster&project=list')).jobs.length, 4);
  });

  test('§3.1 start-time from-to is inclusive; wrong shapes → 400', async () => {
    assert.deepEqual((await list('?project=list&start-time=1700002000-1700003000')).jobs.map((j) => j['jobId']), [503, 502]);
    assert.equal((await call(cc, 'GET', '/api/jobs/?start-time=5')).text, goError('Bad Request', 'invalid query parameter value: startTime'));
    assert.equal((await call(cc, 'GET', '/api/jobs/?start-time=-5-10')).text, goError('Bad Request', 'invalid query parameter value: startTime'));
    assert.equal(
      (await call(cc, 'GET', '/api/jobs/?start-time=a-10')).text,
      goError('Bad Request', 'strconv.ParseInt: parsing "a": invalid syntax'),
    );
  });

  test('§3.1 page / items-per-page: strconv errors and lower bounds', async () => {
    assert.equal((await call(cc, 'GET', '/api/jobs/?page=x')).text, goError('Bad Request', 'strconv.Atoi: parsing "x": invalid syntax'));
    assert.equal((await call(cc, 'GET', '/api/jobs/?page=0')).text, goError('Bad Request', 'page must be >= 1'));
    assert.equal((await call(cc, 'GET', '/api/jobs/?items-per-page=0')).text, goError('Bad Request', 'items-per-page must be >= 1'));
  });

  test('§3.2 / §9.15 offset paging; items echoes the page size, not the count', async () => {
    const p1 = await list('?project=list&items-per-page=3&page=1');
    const p2 = await list('?project=list&items-per-page=3&page=2');
    assert.deepEqual(p1.jobs.map((j) => j['jobId']), [504, 503, 502]);
    assert.deepEqual(p2.jobs.map((j) => j['jobId']), [501]);
    assert.equal(p2.items, 3);
    assert.equal(p2.page, 2);
    assert.deepEqual((await list('?project=list&items-per-page=3&page=9')).jobs, []);
  });
});

describe('§3.3 response', () => {
  test('§3.1 / §9.16 with-metadata: presence alone turns metadata on, even =false; absent → null', async () => {
    const without = await list('?project=list&items-per-page=1');
    assert.equal(without.jobs[0]?.['metaData'], null);
    const withFalse = await list('?project=list&items-per-page=1&with-metadata=false');
    assert.deepEqual(withFalse.jobs[0]?.['metaData'], { jobName: 'j4', jobScript: 'echo <hi> & bye' });
  });

  test('§3.3 metadata keys are sorted and <>& escaped Go-style in the raw body', async () => {
    const r = await call(cc, 'GET', '/api/jobs/?project=list&items-per-page=1&with-metadata');
    assert.match(r.text, /"metaData":\{"jobName":"j4","jobScript":"echo \\u003chi\\u003e \\u0026 bye"\}/);
  });

  test('§3.3 / §9.18 running jobs: duration computed at read time; stopped: the stored duration', async () => {
    const b = await list('?project=list');
    const running = b.jobs.find((j) => j['jobId'] === 504);
    assert.equal(running?.['duration'], nowMs / 1000 - 1_700_004_000);
    nowMs += 10_000;
    const later = (await list('?project=list')).jobs.find((j) => j['jobId'] === 504);
    assert.equal(later?.['duration'], nowMs / 1000 - 1_700_004_000);
    const stopped = b.jobs.find((j) => j['jobId'] === 502);
    assert.equal(stopped?.['duration'], 60);
    assert.equal(stopped?.['jobState'], 'completed');
  });

  test('§3.3 field set: filler present, submitTime/requestedMemory never, zero omitempty fields omitted', async () => {
    const r = await call(cc, 'GET', '/api/jobs/?project=list&items-per-page=1');
    const j = (r.json() as ListBody).jobs[0] ?? {};
    assert.deepEqual(Object.keys(j), [
      'cluster', 'subCluster', 'partition', 'project', 'user', 'shared', 'jobState', 'resources', 'energyFootprint', 'footprint',
      'metaData', 'concurrentJobs', 'energy', 'walltime', 'jobId', 'duration', 'monitoringStatus', 'numHwthreads', 'numNodes',
      'statistics', 'id', 'startTime',
    ]);
    assert.match(r.text, /"energyFootprint":null,"footprint":null,"metaData":null,"concurrentJobs":\{"items":null,"count":0\}/);
  });

  test('§3.3 jobs is [] when empty', async () => {
    const r = await call(cc, 'GET', '/api/jobs/?cluster=nothing');
    assert.equal(r.text, '{"jobs":[],"items":25,"page":1}\n');
  });
});
