// CONTRACT.md §1: POST|PUT /api/jobs/start_job/ (and §9 items 1–10).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeCcBackend, startFakeCcBackend } from './mod.js';
import { call, goError, startBody, stopBody } from './testkit.js';

const START = '/api/jobs/start_job/';
let cc: FakeCcBackend;

before(async () => {
  cc = await startFakeCcBackend({
    clusters: [
      'testcluster',
      { name: 'fritz', subClusters: [{ name: 'main', nodes: 'f[0101-0188]' }, { name: 'spr', nodes: 'f[0201-0250],login' }] },
    ],
    commitIntervalMs: 60_000,
  });
});
after(() => cc.close());

const bad = (error: string): string => goError('Bad Request', error);

describe('§1.2 success and processing order', () => {
  test('§1.2 step 6: success is 201 {"msg":"success"} with application/json, no id and no Location (§9.1)', async () => {
    const r = await call(cc, 'POST', START, { body: startBody() });
    assert.equal(r.status, 201);
    assert.equal(r.text, '{"msg":"success"}\n');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['location'], undefined);
  });

  test('§1 PUT is an alias of POST', async () => {
    const r = await call(cc, 'PUT', START, { body: startBody() });
    assert.equal(r.status, 201);
  });

  test('§1.1 the job is stored as running, with the pre-filled defaults shared=none and monitoringStatus=1', async () => {
    const body = startBody();
    delete body['shared'];
    await call(cc, 'POST', START, { body });
    const row = cc.jobs().find((j) => j.jobId === body['jobId']);
    assert.ok(row);
    assert.equal(row.table, 'cache');
    assert.equal(row.jobState, 'running');
    assert.equal(row.shared, 'none');
    assert.equal(row.monitoringStatus, 1);
    assert.equal(row.subCluster, 'main');
  });

  test('§1.1 jobState in the request is ignored (forced to running); it must be a string', async () => {
    const body = startBody({ jobState: 'completed' });
    assert.equal((await call(cc, 'POST', START, { body })).status, 201);
    assert.equal(cc.jobs().find((j) => j.jobId === body['jobId'])?.jobState, 'running');
    const r = await call(cc, 'POST', START, { body: startBody({ jobState: 5 }) });
    assert.equal(r.status, 400);
    assert.equal(r.text, bad('parsing request body failed: json: cannot unmarshal number into Go struct field Job.jobState of type schema.JobState'));
  });

  test('§1.1 submitTime and requestedMemory are accepted but not stored; id is ignored', async () => {
    const body = startBody({ submitTime: 1699999000, requestedMemory: 1000, id: 77, energyFootprint: { x: 1 }, statistics: {} });
    assert.equal((await call(cc, 'POST', START, { body })).status, 201);
    const row = cc.jobs().find((j) => j.jobId === body['jobId']);
    assert.ok(row);
    assert.notEqual(row.id, 77);
  });
});

describe('§1.2 sanity checks a–f (400)', () => {
  test('§1.2a unknown cluster → 400 no such cluster (case-sensitive)', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ cluster: 'TestCluster' }) });
    assert.equal(r.status, 400);
    assert.equal(r.text, bad('no such cluster: TestCluster'));
  });

  test('§1.2b sub-cluster assigned from the first host by host list (zero-padded ranges)', async () => {
    const a = startBody({ cluster: 'fritz', resources: [{ hostname: 'f0102' }] });
    const b = startBody({ cluster: 'fritz', resources: [{ hostname: 'login' }] });
    assert.equal((await call(cc, 'POST', START, { body: a })).status, 201);
    assert.equal((await call(cc, 'POST', START, { body: b })).status, 201);
    assert.equal(cc.jobs().find((j) => j.jobId === a['jobId'])?.subCluster, 'main');
    assert.equal(cc.jobs().find((j) => j.jobId === b['jobId'])?.subCluster, 'spr');
  });

  test('§1.2b unknown host without "*" fallback → 400 no subcluster found', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ cluster: 'fritz', resources: [{ hostname: 'f102' }] }) });
    assert.equal(r.status, 400);
    assert.equal(r.text, bad('ARCHIVE/CLUSTERCONFIG > no subcluster found for cluster fritz and host f102'));
  });

  test('§1.2b a given subCluster must exist → 400 already assigned subcluster … unkown', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ cluster: 'fritz', subCluster: 'gpu' }) });
    assert.equal(r.status, 400);
    assert.equal(r.text, bad('ARCHIVE/CLUSTERCONFIG > already assigned subcluster gpu unkown (cluster: fritz)'));
  });

  test('§1.2b a given existing subCluster is kept even if the host would map elsewhere', async () => {
    const body = startBody({ cluster: 'fritz', subCluster: 'spr', resources: [{ hostname: 'f0101' }] });
    assert.equal((await call(cc, 'POST', START, { body })).status, 201);
    assert.equal(cc.jobs().find((j) => j.jobId === body['jobId'])?.subCluster, 'spr');
  });

  test('§1.2b / §9.5 empty resources without subCluster → sub-cluster error, not "should not be empty"', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ resources: [], numNodes: 0 }) });
    assert.equal(r.status, 400);
    assert.equal(r.text, bad('ARCHIVE/CLUSTERCONFIG > job without any resources/hosts'));
  });

  test('§1.2d empty resources with a subCluster → resources and user should not be empty', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ resources: [], subCluster: 'main' }) });
    assert.equal(r.text, bad("'resources' and 'user' should not be empty"));
  });

  test('§1.2d empty user → 400', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ user: '' }) });
    assert.equal(r.status, 400);
    assert.equal(r.text, bad("'resources' and 'user' should not be empty"));
  });

  test('§1.2e numNodes < 1, negative numAcc or numHwthreads → 400', async () => {
    for (const over of [{ numNodes: 0 }, { numAcc: -1 }, { numHwthreads: -1 }]) {
      const r = await call(cc, 'POST', START, { body: startBody(over) });
      assert.equal(r.status, 400, JSON.stringify(over));
      assert.equal(r.text, bad("'numNodes', 'numAcc' or 'numHWThreads' invalid"));
    }
  });

  test('§1.2f numNodes ≠ len(resources) → 400 with both numbers', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ numNodes: 2 }) });
    assert.equal(r.status, 400);
    assert.equal(r.text, bad('len(resources) does not equal numNodes (1 vs 2)'));
  });

  test('§1.2 checks run in order: cluster before sub-cluster before sizes', async () => {
    const r1 = await call(cc, 'POST', START, { body: startBody({ cluster: 'nope', user: '', numNodes: 0 }) });
    assert.equal(r1.text, bad('no such cluster: nope'));
    const r2 = await call(cc, 'POST', START, { body: startBody({ cluster: 'fritz', resources: [{ hostname: 'x' }], user: '' }) });
    assert.equal(r2.text, bad('ARCHIVE/CLUSTERCONFIG > no subcluster found for cluster fritz and host x'));
  });

  test('§9.4 startTime 0 or negative and jobId 0 are accepted', async () => {
    assert.equal((await call(cc, 'POST', START, { body: startBody({ jobId: 0, startTime: 0 }) })).status, 201);
    assert.equal((await call(cc, 'POST', START, { body: startBody({ startTime: -5 }) })).status, 201);
    assert.equal((await call(cc, 'POST', START, { body: startBody({ jobId: -3 }) })).status, 201);
  });

  test('§9.7 a null body decodes to defaults and fails with "no such cluster: "', async () => {
    const r = await call(cc, 'POST', START, { body: 'null' });
    assert.equal(r.status, 400);
    assert.equal(r.text, bad('no such cluster: '));
  });
});

describe('§1.2 step 4 / §9.8 DB CHECK failures → 500', () => {
  test('§1.1 shared not in the enum → 500 CHECK constraint', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ shared: 'exclusive' }) });
    assert.equal(r.status, 500);
    assert.equal(r.text, goError('Internal Server Error', 'insert into database failed: CHECK constraint failed: shared IN ("none", "single_user", "multi_user")'));
  });

  test('§1.1 explicit shared "" → 500, shared null keeps "none"', async () => {
    assert.equal((await call(cc, 'POST', START, { body: startBody({ shared: '' }) })).status, 500);
    const body = startBody({ shared: null });
    assert.equal((await call(cc, 'POST', START, { body })).status, 201);
    assert.equal(cc.jobs().find((j) => j.jobId === body['jobId'])?.shared, 'none');
  });

  test('§1.1 monitoringStatus outside 0–3 → 500', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ monitoringStatus: 4 }) });
    assert.equal(r.status, 500);
    assert.match(r.text, /CHECK constraint failed: monitoring_status IN \(0, 1, 2, 3\)/);
    assert.equal((await call(cc, 'POST', START, { body: startBody({ monitoringStatus: 0 }) })).status, 201);
  });

  test('§1.1 smt outside {0,1} → 500 for untagged jobs, accepted for tagged jobs (job table has no check)', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ smt: 2 }) });
    assert.equal(r.status, 500);
    assert.match(r.text, /CHECK constraint failed: smt IN \(0, 1\)/);
    const tagged = startBody({ smt: 2, tags: [{ type: 'bridge', name: 'x', scope: 'global' }] });
    assert.equal((await call(cc, 'POST', START, { body: tagged })).status, 201);
  });

  test('§9.9 resources:[null] without subCluster → 500 with an empty body (recovered panic)', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ resources: [null] }) });
    assert.equal(r.status, 500);
    assert.equal(r.text, '');
  });
});

describe('§1.3 duplicate rule and job cache', () => {
  test('§1.3 duplicate within 24 h → 422 (after the commit), exactly 24 h later → 201', async () => {
    const first = startBody();
    assert.equal((await call(cc, 'POST', START, { body: first })).status, 201);
    cc.commitNow();
    const id = cc.jobs().find((j) => j.jobId === first['jobId'] && j.table === 'main')?.id;
    const r = await call(cc, 'POST', START, { body: { ...first, startTime: Number(first['startTime']) + 86399 } });
    assert.equal(r.status, 422);
    assert.equal(
      r.text,
      goError('Unprocessable Entity', `a job with that jobId, cluster and startTime already exists: dbid: ${id}, jobid: ${String(first['jobId'])}`),
    );
    const later = await call(cc, 'POST', START, { body: { ...first, startTime: Number(first['startTime']) + 86400 } });
    assert.equal(later.status, 201);
  });

  test('§1.3 the rule is one-sided: an existing row that starts LATER also counts (422)', async () => {
    const first = startBody({ startTime: 1_700_100_000 });
    await call(cc, 'POST', START, { body: first });
    cc.commitNow();
    const earlier = await call(cc, 'POST', START, { body: { ...first, startTime: 1_700_100_000 - 10 * 86400 } });
    assert.equal(earlier.status, 422);
  });

  test('§1.3 stopped jobs count too, and different clusters never collide', async () => {
    const first = startBody();
    await call(cc, 'POST', START, { body: first });
    cc.commitNow();
    assert.equal((await call(cc, 'POST', '/api/jobs/stop_job/', { body: stopBody(first) })).status, 200);
    assert.equal((await call(cc, 'POST', START, { body: { ...first, startTime: Number(first['startTime']) + 100 } })).status, 422);
    const other = await call(cc, 'POST', START, { body: { ...first, cluster: 'fritz', resources: [{ hostname: 'f0101' }] } });
    assert.equal(other.status, 201);
  });

  test('§1.3 repeated start while cached → 500 UNIQUE job_cache, then 422 after the commit interval', async () => {
    const body = startBody();
    assert.equal((await call(cc, 'POST', START, { body })).status, 201);
    const again = await call(cc, 'POST', START, { body });
    assert.equal(again.status, 500);
    assert.equal(
      again.text,
      goError('Internal Server Error', 'insert into database failed: UNIQUE constraint failed: job_cache.job_id, job_cache.cluster, job_cache.start_time'),
    );
    cc.commitNow();
    assert.equal((await call(cc, 'POST', START, { body })).status, 422);
  });

  test('§1.3 while cached a different startTime gives 201 and a second row; after the commit both are 422 cases', async () => {
    const body = startBody();
    await call(cc, 'POST', START, { body });
    const second = { ...body, startTime: Number(body['startTime']) + 5 };
    assert.equal((await call(cc, 'POST', START, { body: second })).status, 201);
    assert.equal(cc.jobs().filter((j) => j.jobId === body['jobId'] && j.table === 'cache').length, 2);
    cc.commitNow();
    assert.equal(cc.jobs().filter((j) => j.jobId === body['jobId'] && j.table === 'main').length, 2);
    assert.equal((await call(cc, 'POST', START, { body: { ...body, startTime: Number(body['startTime']) + 9 } })).status, 422);
  });

  test('§1.3 / §3.2 cached jobs are not listed by GET /api/jobs/ until the commit', async () => {
    const body = startBody({ project: 'cache-visibility' });
    await call(cc, 'POST', START, { body });
    const before = (await call(cc, 'GET', '/api/jobs/?project=cache-visibility')).json() as { jobs: unknown[] };
    assert.equal(before.jobs.length, 0);
    cc.commitNow();
    const afterCommit = (await call(cc, 'GET', '/api/jobs/?project=cache-visibility')).json() as { jobs: unknown[] };
    assert.equal(afterCommit.jobs.length, 1);
  });

  test('§1.3 the commit runs as a timer task at the configured interval', async () => {
    const quick = await startFakeCcBackend({ commitIntervalMs: 50 });
    try {
      const body = startBody();
      assert.equal((await call(quick, 'POST', START, { body })).status, 201);
      assert.equal(quick.jobs()[0]?.table, 'cache');
      const deadline = Date.now() + 5000;
      while (quick.jobs()[0]?.table !== 'main' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(quick.jobs()[0]?.table, 'main');
      assert.equal((await call(quick, 'POST', START, { body })).status, 422);
    } finally {
      await quick.close();
    }
  });

  test('§1.3 / §9.2 commit interval 0 gives the simple model: a repeat is 422 at once', async () => {
    const simple = await startFakeCcBackend({ commitIntervalMs: 0 });
    try {
      const body = startBody();
      assert.equal((await call(simple, 'POST', START, { body })).status, 201);
      assert.equal(simple.jobs()[0]?.table, 'main');
      assert.equal((await call(simple, 'POST', START, { body })).status, 422);
    } finally {
      await simple.close();
    }
  });

  test('§1.3 job_cache ids restart at 1 after a commit empties the cache (SQLite rowid rule)', async () => {
    const fresh = await startFakeCcBackend({});
    try {
      await call(fresh, 'POST', START, { body: startBody() });
      await call(fresh, 'POST', START, { body: startBody() });
      assert.deepEqual(fresh.jobs().map((j) => [j.table, j.id]), [['cache', 1], ['cache', 2]]);
      fresh.commitNow();
      await call(fresh, 'POST', START, { body: startBody() });
      assert.deepEqual(fresh.jobs().map((j) => [j.table, j.id]), [['cache', 1], ['main', 1], ['main', 2]]);
    } finally {
      await fresh.close();
    }
  });
});

describe('§1.4 tags', () => {
  test('§1.4 a tagged job goes directly to the job table: listed at once, duplicate rule applies at once', async () => {
    const body = startBody({ tags: [{ type: 'bridge', name: 'direct', scope: '' }], project: 'tagged-direct' });
    assert.equal((await call(cc, 'POST', START, { body })).status, 201);
    const row = cc.jobs().find((j) => j.jobId === body['jobId']);
    assert.equal(row?.table, 'main');
    assert.deepEqual(row?.tags.map((t) => [t.type, t.name, t.scope]), [['bridge', 'direct', 'global']]);
    const list = (await call(cc, 'GET', '/api/jobs/?project=tagged-direct')).json() as { jobs: Array<{ tags: unknown[] }> };
    assert.equal(list.jobs[0]?.tags.length, 1);
    assert.equal((await call(cc, 'POST', START, { body })).status, 422);
  });

  test('§1.4 / §9.10 a tag scope the api user may not write → 500 after the insert; a retry is 422', async () => {
    const body = startBody({ tags: [{ type: 't', name: 'n', scope: 'someoneelse' }] });
    const r = await call(cc, 'POST', START, { body });
    assert.equal(r.status, 500);
    const row = cc.jobs().find((j) => j.jobId === body['jobId']);
    assert.ok(row);
    assert.equal(
      r.text,
      goError('Internal Server Error', `adding tag to new job ${row.id} failed: cannot write tag scope with current authorization`),
    );
    assert.equal((await call(cc, 'POST', START, { body })).status, 422);
  });

  test('§1.4 the token subject is a writable scope, as are global and admin', async () => {
    const body = startBody({ tags: [{ type: 't', name: 'a', scope: 'cc-slurm-bridge' }, { type: 't', name: 'b', scope: 'admin' }] });
    assert.equal((await call(cc, 'POST', START, { body })).status, 201);
  });
});
