// Fault injection and the observation API of the double (in-process and over /__test__/).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type FakeCcBackend, startFakeCcBackend } from './mod.js';
import { call, goError, startBody, stopBody } from './testkit.js';

const START = '/api/jobs/start_job/';
let cc: FakeCcBackend;
before(async () => {
  cc = await startFakeCcBackend({ commitIntervalMs: 60_000 });
});
beforeEach(() => {
  cc.reset();
  cc.faults.restoreKeys();
});
after(() => cc.close());

const testApi = async (method: string, path: string, body?: unknown): Promise<unknown> => {
  const r = await call(cc, method, `/__test__/${path}`, { token: null, ...(body === undefined ? {} : { body }) });
  assert.equal(r.status, 200, r.text);
  return r.json();
};

describe('status faults', () => {
  test('failNext: the next N matching requests get the status (503/502 with a proxy page), state untouched', async () => {
    cc.faults.failNext(2, { endpoint: 'start_job', status: 503 });
    const list = await call(cc, 'GET', '/api/jobs/');
    assert.equal(list.status, 200, 'other endpoints are not affected');
    for (let i = 0; i < 2; i++) {
      const r = await call(cc, 'POST', START, { body: startBody() });
      assert.equal(r.status, 503);
      assert.match(String(r.headers['content-type']), /^text\/html/);
      assert.match(r.text, /503 Service Temporarily Unavailable/);
    }
    assert.equal(cc.jobs().length, 0);
    assert.equal((await call(cc, 'POST', START, { body: startBody() })).status, 201);
    cc.faults.failNext(1, { status: 502 });
    assert.match((await call(cc, 'GET', '/api/jobs/')).text, /502 Bad Gateway/);
  });

  test('failNext 500 answers like cc-backend (JSON error body)', async () => {
    cc.faults.failNext(1);
    const r = await call(cc, 'POST', START, { body: startBody() });
    assert.equal(r.status, 500);
    assert.equal(r.text, goError('Internal Server Error', 'database is locked'));
  });

  test('phase "after": the start takes effect but the answer is lost; the retry then sees the real state', async () => {
    cc.faults.failNext(1, { endpoint: 'start_job', phase: 'after' });
    const body = startBody();
    assert.equal((await call(cc, 'POST', START, { body })).status, 500);
    assert.equal(cc.jobs().length, 1);
    const retry = await call(cc, 'POST', START, { body });
    assert.equal(retry.status, 500, 'still cached: UNIQUE job_cache');
    cc.commitNow();
    assert.equal((await call(cc, 'POST', START, { body })).status, 422);
  });

  test('rules can be listed and removed', async () => {
    const rule = cc.faults.failNext(5, { endpoint: '/api/jobs/', method: 'GET' });
    assert.equal(cc.faults.list().length, 1);
    assert.equal((await call(cc, 'GET', '/api/jobs/')).status, 500);
    assert.equal(cc.faults.list()[0]?.count, 4);
    assert.ok(cc.faults.remove(rule.id));
    assert.equal((await call(cc, 'GET', '/api/jobs/')).status, 200);
  });
});

describe('connection faults', () => {
  test('resetNext destroys the socket without a response; recorded with status null', async () => {
    cc.faults.resetNext(1, { endpoint: 'stop_job' });
    const body = startBody();
    await call(cc, 'POST', START, { body });
    await assert.rejects(call(cc, 'POST', '/api/jobs/stop_job/', { body: stopBody(body) }), /socket hang up|ECONNRESET/);
    assert.equal(cc.jobs()[0]?.jobState, 'running');
    const last = cc.requests().at(-1);
    assert.equal(last?.status, null);
    assert.equal(last?.fault?.kind, 'reset');
    assert.equal(cc.counters().byEndpoint['stop_job']?.['reset'], 1);
    assert.equal((await call(cc, 'POST', '/api/jobs/stop_job/', { body: stopBody(body) })).status, 200);
  });

  test('resetNext phase "after": the stop happened, the client only sees a reset; the retry gets 422', async () => {
    const body = startBody();
    await call(cc, 'POST', START, { body });
    cc.faults.resetNext(1, { endpoint: 'stop_job', phase: 'after' });
    await assert.rejects(call(cc, 'POST', '/api/jobs/stop_job/', { body: stopBody(body) }));
    assert.equal(cc.jobs()[0]?.jobState, 'completed');
    assert.equal((await call(cc, 'POST', '/api/jobs/stop_job/', { body: stopBody(body) })).status, 422);
  });

  test('latency delays matching requests (at least the given time; a slow request finishes after a later fast one)', async () => {
    cc.faults.addLatency(200, { endpoint: 'list_jobs', count: 1 });
    const order: string[] = [];
    const t0 = Date.now();
    const slow = call(cc, 'GET', '/api/jobs/').then((r) => {
      order.push('slow');
      return r;
    });
    await new Promise((r) => setTimeout(r, 20));
    const fast = call(cc, 'POST', '/api/nodestate/', { body: { cluster: 'c', nodes: [] } }).then(() => order.push('fast'));
    await Promise.all([slow, fast]);
    assert.ok(Date.now() - t0 >= 200);
    assert.deepEqual(order, ['fast', 'slow']);
    assert.ok((cc.requests().find((r) => r.endpoint === 'list_jobs')?.latencyMs ?? 0) >= 200);
  });

  test('stop()/start(): connection refused in between, same port, state kept', async () => {
    const body = startBody();
    await call(cc, 'POST', START, { body });
    const port = cc.port;
    await cc.stop();
    await assert.rejects(call(cc, 'GET', '/api/jobs/'), /ECONNREFUSED/);
    await cc.start();
    assert.equal(cc.port, port);
    assert.equal(cc.jobs().length, 1);
    assert.equal((await call(cc, 'POST', START, { body })).status, 500, 'still cached after the restart');
  });

  test('refuseConnections(ms) stops now and listens again by itself', async () => {
    await cc.faults.refuseConnections(150);
    await assert.rejects(call(cc, 'GET', '/api/jobs/'), /ECONNREFUSED/);
    const deadline = Date.now() + 5000;
    let status = 0;
    while (Date.now() < deadline) {
      try {
        status = (await call(cc, 'GET', '/api/jobs/')).status;
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    assert.equal(status, 200);
  });
});

describe('token faults', () => {
  test('rotateKeys: the old token gets 401 signature invalid, the new one works; restoreKeys goes back', async () => {
    const old = cc.jwt;
    const fresh = cc.faults.rotateKeys();
    assert.notEqual(fresh, old);
    const r = await call(cc, 'GET', '/api/jobs/', { token: old });
    assert.equal(r.status, 401);
    assert.equal(r.text, '{"error":"token signature is invalid: ed25519: verification error","status":"Unauthorized"}\n');
    assert.equal((await call(cc, 'GET', '/api/jobs/', { token: fresh })).status, 200);
    cc.faults.restoreKeys();
    assert.equal((await call(cc, 'GET', '/api/jobs/', { token: old })).status, 200);
  });
});

describe('observation', () => {
  test('requests(): method, path, redacted headers, body, status, time; counters by endpoint and status', async () => {
    const t0 = Date.now();
    const body = startBody();
    await call(cc, 'POST', START, { body });
    await call(cc, 'POST', START, { body, token: null, headers: { Authorization: `Bearer ${cc.jwt}` } });
    await call(cc, 'GET', '/api/nope');
    const reqs = cc.requests();
    assert.equal(reqs.length, 3);
    const [a, b, c] = reqs;
    assert.equal(a?.method, 'POST');
    assert.equal(a?.path, START);
    assert.equal(a?.endpoint, 'start_job');
    assert.equal(a?.status, 201);
    assert.equal(a?.headers['x-auth-token'], '<redacted>');
    assert.equal(a?.authVia, 'x-auth-token');
    assert.deepEqual(JSON.parse(a?.body ?? ''), body);
    assert.ok((a?.time ?? 0) >= t0);
    assert.equal(b?.headers['authorization'], '<redacted>');
    assert.equal(b?.authVia, 'authorization');
    assert.equal(b?.status, 500);
    assert.equal(c?.status, 404);
    assert.ok(!JSON.stringify(reqs).includes(cc.jwt), 'no token in the log');
    assert.deepEqual(cc.counters(), { total: 3, byEndpoint: { start_job: { '201': 1, '500': 1 }, other: { '404': 1 } }, byStatus: { '201': 1, '500': 1, '404': 1 } });
  });

  test('jobs(): cache and main rows with state, times and where they came from', async () => {
    const a = startBody();
    const b = startBody();
    await call(cc, 'POST', START, { body: a });
    await call(cc, 'POST', START, { body: b });
    cc.commitNow();
    await call(cc, 'POST', '/api/jobs/stop_job/', { body: stopBody(a, { stopTime: 1_700_000_500 }) });
    const c = startBody();
    await call(cc, 'POST', START, { body: c });
    const rows = cc.jobs();
    assert.deepEqual(
      rows.map((r) => [r.table, r.jobId, r.jobState, r.movedBy, r.stopTime]),
      [
        ['cache', c['jobId'], 'running', null, null],
        ['main', a['jobId'], 'completed', 'commit', 1_700_000_500],
        ['main', b['jobId'], 'running', 'commit', null],
      ],
    );
    assert.equal(rows[1]?.duration, 500);
  });
});

describe('the /__test__/ HTTP API (unauthenticated, not logged)', () => {
  test('faults, commit, jobs, requests, counters, keys over HTTP', async () => {
    await testApi('POST', 'faults', { kind: 'status', status: 502, endpoint: 'start_job', count: 1 });
    assert.equal((await testApi('GET', 'faults') as unknown[]).length, 1);
    assert.equal((await call(cc, 'POST', START, { body: startBody() })).status, 502);
    const body = startBody();
    assert.equal((await call(cc, 'POST', START, { body })).status, 201);
    const jobs = (await testApi('GET', 'jobs')) as Array<{ table: string; jobId: number }>;
    assert.deepEqual(jobs.map((j) => [j.table, j.jobId]), [['cache', body['jobId']]]);
    assert.deepEqual(await testApi('POST', 'commit'), { committed: 1 });
    const counters = (await testApi('GET', 'counters')) as { byEndpoint: Record<string, Record<string, number>> };
    assert.deepEqual(counters.byEndpoint['start_job'], { '502': 1, '201': 1 });
    const reqs = (await testApi('GET', 'requests')) as Array<{ path: string }>;
    assert.ok(reqs.every((r) => !r.path.startsWith('/__test__')));
    const rotated = (await testApi('POST', 'keys/rotate')) as { jwt: string };
    assert.equal((await call(cc, 'GET', '/api/jobs/', { token: rotated.jwt })).status, 200);
    const minted = (await testApi('POST', 'token', { claims: { sub: 'x', roles: ['user'] } })) as { jwt: string };
    assert.equal((await call(cc, 'GET', '/api/jobs/', { token: minted.jwt })).status, 401);
    await testApi('POST', 'faults', { kind: 'latency', latencyMs: 1, count: null });
    assert.equal((await testApi('GET', 'faults') as Array<{ count: unknown }>)[0]?.count, null, 'Infinity shows as null');
    await testApi('DELETE', 'faults');
    assert.deepEqual(await testApi('GET', 'faults'), []);
  });

  test('POST /__test__/faults {kind:"refuse"} refuses connections for a while', async () => {
    await testApi('POST', 'faults', { kind: 'refuse', ms: 150 });
    await new Promise((r) => setTimeout(r, 30));
    await assert.rejects(call(cc, 'GET', '/api/jobs/'), /ECONNREFUSED/);
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        assert.equal((await call(cc, 'GET', '/api/jobs/')).status, 200);
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  });

  test('POST /__test__/config toggles NATS mode', async () => {
    await testApi('POST', 'config', { natsMode: true });
    assert.equal((await call(cc, 'POST', START, { body: startBody() })).status, 404);
    await testApi('POST', 'config', { natsMode: false });
    assert.equal((await call(cc, 'POST', START, { body: startBody() })).status, 201);
  });
});
