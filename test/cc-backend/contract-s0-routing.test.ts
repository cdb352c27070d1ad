// CONTRACT.md §0.1 routing, §0.2 error bodies, §0.4 middleware (and §9 items 20, 21, 23).
import assert from 'node:assert/strict';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { type FakeCcBackend, startFakeCcBackend } from './mod.js';
import { call, goError, startBody } from './testkit.js';

let cc: FakeCcBackend;
before(async () => {
  cc = await startFakeCcBackend({ commitIntervalMs: 0 });
});
after(() => cc.close());

const NOT_FOUND = '{"error":"the requested endpoint does not exist","status":"Resource not found"}\n';

describe('§0.1 routing', () => {
  test('§0.1 / §9.20 POST /api/jobs/start_job (no slash) matches /api/jobs/{id}: 400 integer expected, after auth', async () => {
    for (const p of ['start_job', 'stop_job']) {
      const r = await call(cc, 'POST', `/api/jobs/${p}`, { body: startBody() });
      assert.equal(r.status, 400);
      assert.equal(r.text, goError('Bad Request', `integer expected in path for id: strconv.ParseInt: parsing "${p}": invalid syntax`));
      const unauth = await call(cc, 'POST', `/api/jobs/${p}`, { body: startBody(), token: null });
      assert.equal(unauth.status, 401);
    }
  });

  test('§0.1 / §9.20 GET /api/jobs and POST /api/nodestate (no slash) → 404', async () => {
    assert.equal((await call(cc, 'GET', '/api/jobs')).status, 404);
    const r = await call(cc, 'POST', '/api/nodestate', { body: { cluster: 'x', nodes: [] } });
    assert.equal(r.status, 404);
    assert.equal(r.text, NOT_FOUND);
  });

  test('§0.1 unknown path → 404 JSON with sorted keys, before auth (no token still 404)', async () => {
    const r = await call(cc, 'POST', '/api/does/not/exist', { token: null });
    assert.equal(r.status, 404);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.text, NOT_FOUND);
  });

  test('§0.1 no /stop_job/{id} form any more → 404', async () => {
    assert.equal((await call(cc, 'POST', '/api/jobs/stop_job/123')).text, NOT_FOUND);
  });

  test('§0.1 / §9.20 known path, wrong method → 405 with an empty body, no auth', async () => {
    for (const [m, p] of [
      ['GET', '/api/jobs/start_job/'],
      ['DELETE', '/api/nodestate/'],
      ['POST', '/api/jobs/'],
      ['GET', '/api/jobs/stop_job/'],
    ] as const) {
      const r = await call(cc, m, p, { token: null });
      assert.equal(r.status, 405, `${m} ${p}`);
      assert.equal(r.text, '');
    }
  });

  test('§0.1 GET /api/jobs/{id} with a non-integer id → 400 after auth; unknown id → 422', async () => {
    const r = await call(cc, 'GET', '/api/jobs/abc');
    assert.equal(r.status, 400);
    assert.equal(r.text, goError('Bad Request', 'integer expected in path for id: strconv.ParseInt: parsing "abc": invalid syntax'));
    const missing = await call(cc, 'GET', '/api/jobs/99999');
    assert.equal(missing.status, 422);
    assert.equal(missing.text, goError('Unprocessable Entity', 'finding job with db id 99999 failed: sql: no rows in result set'));
  });

  test('§0.1 / §9.21 NATS mode (api-subjects) unmounts REST start/stop (404), nodestate and GET stay', async () => {
    cc.setNatsMode(true);
    try {
      for (const p of ['/api/jobs/start_job/', '/api/jobs/stop_job/']) {
        const r = await call(cc, 'POST', p, { body: startBody() });
        assert.equal(r.status, 404, p);
        assert.equal(r.text, NOT_FOUND);
      }
      assert.equal((await call(cc, 'GET', '/api/jobs/')).status, 200);
      assert.equal((await call(cc, 'POST', '/api/nodestate/', { body: { cluster: 'testcluster', nodes: [] } })).status, 200);
    } finally {
      cc.setNatsMode(false);
    }
    assert.equal((await call(cc, 'POST', '/api/jobs/start_job/', { body: startBody() })).status, 201);
  });

  test('§0.1 paths outside /api/ get the HTML 404 page, /api itself too', async () => {
    for (const p of ['/', '/api', '/monitoring/jobs']) {
      const r = await call(cc, 'GET', p);
      assert.equal(r.status, 404, p);
      assert.match(String(r.headers['content-type']), /^text\/html/);
    }
  });
});

describe('§0.2 error bodies', () => {
  test('§0.2 handler errors: {"status","error"} in this order, newline, application/json', async () => {
    const r = await call(cc, 'POST', '/api/jobs/start_job/', { body: '' });
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.text, '{"status":"Bad Request","error":"parsing request body failed: EOF"}\n');
  });

  test('§0.2 / §9.23 Go escapes <, > and & as \\u003c, \\u003e, \\u0026', async () => {
    const r = await call(cc, 'POST', '/api/jobs/start_job/', { body: startBody({ cluster: 'a<b>&c' }) });
    assert.equal(r.text, '{"status":"Bad Request","error":"no such cluster: a\\u003cb\\u003e\\u0026c"}\n');
  });

  test('§0.2 success bodies: {"msg":"success"} for start', async () => {
    const r = await call(cc, 'POST', '/api/jobs/start_job/', { body: startBody() });
    assert.equal(r.text, '{"msg":"success"}\n');
  });
});

describe('§0.4 middleware', () => {
  test('§0.4 / §9.23 gzip when Accept-Encoding allows it (preferred over deflate), Vary: Accept-Encoding', async () => {
    const r = await call(cc, 'GET', '/api/jobs/', { headers: { 'Accept-Encoding': 'deflate, gzip' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.match(String(r.headers['vary']), /Accept-Encoding/);
    assert.match(gunzipSync(r.body).toString('utf8'), /^\{"jobs":\[/);
  });

  test('§0.4 deflate is raw DEFLATE (no zlib wrapper), as Go compress/flate writes it', async () => {
    const r = await call(cc, 'POST', '/api/does/not/exist', { headers: { 'Accept-Encoding': 'deflate' } });
    assert.equal(r.headers['content-encoding'], 'deflate');
    assert.equal(inflateRawSync(r.body).toString('utf8'), NOT_FOUND);
  });

  test('§0.4 no compression without Accept-Encoding, and none for empty non-JSON answers', async () => {
    const plain = await call(cc, 'GET', '/api/jobs/');
    assert.equal(plain.headers['content-encoding'], undefined);
    const r = await call(cc, 'POST', '/api/nodestate/', { body: { cluster: 'c', nodes: [] }, headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(r.body.length, 0);
  });

  test('§0.4 CSRF guard: Sec-Fetch-Site: cross-site on a POST → 403 text/plain', async () => {
    const r = await call(cc, 'POST', '/api/jobs/start_job/', { body: startBody(), headers: { 'Sec-Fetch-Site': 'cross-site' } });
    assert.equal(r.status, 403);
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    assert.equal(r.text, 'cross-site request blocked\n');
    const get = await call(cc, 'GET', '/api/jobs/', { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    assert.equal(get.status, 200);
  });

  test('§0.4 security headers are set', async () => {
    const r = await call(cc, 'GET', '/api/jobs/');
    for (const h of ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy']) assert.ok(r.headers[h], h);
  });

  test('§0.3 Content-Type and Accept request headers are ignored', async () => {
    const r = await call(cc, 'POST', '/api/jobs/start_job/', {
      body: startBody(),
      headers: { 'Content-Type': 'text/plain', Accept: 'application/ld+json' },
    });
    assert.equal(r.status, 201);
  });
});
