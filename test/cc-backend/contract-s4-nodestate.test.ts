// CONTRACT.md §4: POST|PUT /api/nodestate/ and the read-only helpers (and §9.24).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeCcBackend, startFakeCcBackend } from './mod.js';
import { call, goError, startBody } from './testkit.js';

let cc: FakeCcBackend;
before(async () => {
  cc = await startFakeCcBackend({ commitIntervalMs: 0, clusters: ['testcluster', 'fritz:f[0101-0188]'] });
});
after(() => cc.close());

describe('§4.1 nodestate', () => {
  test('§4.1 / §9.24 success is 200 with an empty body and no Content-Type, even for unknown clusters and hosts', async () => {
    for (const method of ['POST', 'PUT']) {
      const r = await call(cc, method, '/api/nodestate/', { body: { cluster: 'nowhere', nodes: [{ hostname: 'ghost', states: ['IDLE'] }] } });
      assert.equal(r.status, 200);
      assert.equal(r.body.length, 0);
      assert.equal(r.headers['content-type'], undefined);
    }
  });

  test('§4.1 states collapse by priority, case-insensitively; compound strings are unknown', async () => {
    const nodes = [
      { hostname: 'a', states: ['IDLE', 'ALLOCATED'] },
      { hostname: 'b', states: ['idle', 'down'] },
      { hostname: 'c', states: ['idle', 'drain'] },
      { hostname: 'd', states: ['idle+drain'] },
      { hostname: 'e', states: ['MIXED', 'reserved'] },
      { hostname: 'f', states: [] },
    ];
    assert.equal((await call(cc, 'POST', '/api/nodestate/', { body: { cluster: 'fritz', nodes } })).status, 200);
    const got = Object.fromEntries(cc.nodeStates().filter((n) => n.cluster === 'fritz').map((n) => [n.hostname, n.state]));
    assert.deepEqual(got, { a: 'allocated', b: 'down', c: 'idle', d: 'unknown', e: 'reserved', f: 'unknown' });
  });

  test('§4.1 decode errors → 400 parsing request body failed', async () => {
    const r = await call(cc, 'POST', '/api/nodestate/', { body: '{"cluster":"x","nodes":[{"hostname":"n","memoryAllocated":1.5}]}' });
    assert.equal(r.status, 400);
    assert.equal(
      r.text,
      goError('Bad Request', 'parsing request body failed: json: cannot unmarshal number 1.5 into Go struct field NodePayload.nodes.memoryAllocated of type int64'),
    );
  });

  test('§4.1 auth failures → 401', async () => {
    assert.equal((await call(cc, 'POST', '/api/nodestate/', { body: { cluster: 'x', nodes: [] }, token: null })).status, 401);
  });

  test('§4.1 /api/healthcheck/ and /api/healthcheck reach the same handler through the metric-store auth group', async () => {
    for (const p of ['/api/healthcheck/', '/api/healthcheck']) {
      assert.equal((await call(cc, 'POST', p, { body: { cluster: 'x', nodes: [] } })).status, 200, p);
    }
    const noToken = await call(cc, 'POST', '/api/healthcheck/', { body: { cluster: 'x', nodes: [] }, token: null });
    assert.equal(noToken.text, '{"error":"unauthorized","status":"Unauthorized"}\n');
    const userApi = cc.mintToken({ sub: 'x', roles: ['api', 'user'] });
    assert.equal((await call(cc, 'POST', '/api/healthcheck/', { body: { cluster: 'x', nodes: [] }, token: userApi })).status, 200);
    assert.equal((await call(cc, 'POST', '/api/nodestate/', { body: { cluster: 'x', nodes: [] }, token: userApi })).status, 401);
  });
});

describe('§4.2 read-only helpers', () => {
  test('§4.2 GET /api/clusters/ lists the configured clusters; unknown ?cluster= → 400', async () => {
    const r = await call(cc, 'GET', '/api/clusters/');
    assert.equal(r.status, 200);
    const b = r.json() as { clusters: Array<{ name: string; subClusters: Array<{ name: string; nodes: string }> }> };
    assert.deepEqual(b.clusters.map((c) => c.name), ['testcluster', 'fritz']);
    assert.equal(b.clusters[1]?.subClusters[0]?.nodes, 'f[0101-0188]');
    assert.equal((await call(cc, 'GET', '/api/clusters/?cluster=nope')).text, goError('Bad Request', 'unknown cluster: nope'));
  });

  test('§4.2 GET /api/jobs/used_nodes?ts= lists hosts of running jobs started before ts', async () => {
    await call(cc, 'POST', '/api/jobs/start_job/', { body: startBody({ cluster: 'fritz', resources: [{ hostname: 'f0105' }], startTime: 100 }) });
    const r = await call(cc, 'GET', '/api/jobs/used_nodes?ts=200');
    assert.equal(r.status, 200);
    assert.deepEqual((r.json() as { usedNodes: Record<string, string[]> }).usedNodes['fritz'], ['f0105']);
    assert.equal((await call(cc, 'GET', '/api/jobs/used_nodes')).status, 400);
    assert.equal((await call(cc, 'GET', '/api/jobs/used_nodes?ts=x')).status, 400);
  });

  test('§4.2 GET /api/jobs/{dbid} returns {"Meta":Job,"Data":null}; not found → 422', async () => {
    const body = startBody({ metaData: { jobName: 'meta' } });
    await call(cc, 'POST', '/api/jobs/start_job/', { body });
    const id = cc.jobs().find((j) => j.jobId === body['jobId'])?.id;
    const r = await call(cc, 'GET', `/api/jobs/${id}`);
    assert.equal(r.status, 200);
    const b = r.json() as { Meta: { jobId: number; metaData: unknown }; Data: unknown };
    assert.equal(b.Meta.jobId, body['jobId']);
    assert.deepEqual(b.Meta.metaData, { jobName: 'meta' });
    assert.equal(b.Data, null);
    assert.equal((await call(cc, 'GET', '/api/jobs/424242')).status, 422);
  });
});
