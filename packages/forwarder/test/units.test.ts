// Pure parts of the forwarder: the §5 table, per-job lanes, parked stops, back-off, config.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify, isFinal, type PostResult } from '../src/classify.js';
import { Lanes, ParkedStops, jobKey } from '../src/order.js';
import { backoffDelay } from '../src/backoff.js';
import { loadForwarderConfig, parseForwarderConfig, redactedConfig } from '../src/config.js';
import { buildDeadLetter, escapeHeaderText, truncateUtf8, unescapeHeaderText, DLQ_HEADER } from '../src/dlq.js';
import { headers } from '@nats-io/transport-node';

const http = (status: number, body = ''): PostResult => ({ kind: 'http', status, body });

describe('classify (DESIGN §5 as data)', () => {
  const cases: Array<[string, 'start_job' | 'stop_job', PostResult, string, string]> = [
    ['start 201', 'start_job', http(201, '{"msg":"success"}\n'), 'ack', 'started'],
    ['stop 200', 'stop_job', http(200, '{}'), 'ack', 'stopped'],
    ['start 422', 'start_job', http(422, '{"status":"Unprocessable Entity","error":"a job with that jobId, cluster and startTime already exists"}'), 'ack_idempotent', 'already_exists'],
    ['stop 422', 'stop_job', http(422, '{"error":"job has already been stopped"}'), 'ack_idempotent', 'already_stopped'],
    ['stop 404 finding job failed', 'stop_job', http(404, '{"status":"Not Found","error":"finding job failed: sql: no rows in result set"}\n'), 'stop_not_found', 'stop_not_found'],
    ['stop 404 endpoint missing', 'stop_job', http(404, '{"error":"the requested endpoint does not exist","status":"Resource not found"}\n'), 'pause', 'endpoint_missing'],
    ['start 404', 'start_job', http(404, '{"error":"the requested endpoint does not exist","status":"Resource not found"}\n'), 'pause', 'endpoint_missing'],
    ['start 404 other body', 'start_job', http(404, '<html>nginx</html>'), 'pause', 'endpoint_missing'],
    ['stop 404 other body', 'stop_job', http(404, 'Not Found'), 'pause', 'endpoint_missing'],
    ['400', 'start_job', http(400, '{"error":"json: unknown field \\"exclusive\\""}'), 'dead_letter', 'bad_request'],
    ['401', 'stop_job', http(401, '{"error":"unauthorized","status":"Unauthorized"}'), 'pause', 'unauthorized'],
    ['403', 'start_job', http(403, 'cross-site request blocked'), 'pause', 'forbidden'],
    ['405', 'start_job', http(405), 'pause', 'endpoint_missing'],
    ['301', 'start_job', http(301), 'pause', 'redirect'],
    ['500', 'start_job', http(500, 'UNIQUE constraint failed: job_cache.job_id'), 'retry', 'server_error'],
    ['502', 'start_job', http(502), 'backend_down', 'backend_unavailable'],
    ['503', 'stop_job', http(503), 'backend_down', 'backend_unavailable'],
    ['504', 'stop_job', http(504), 'backend_down', 'backend_unavailable'],
    ['refused', 'start_job', { kind: 'network', code: 'ECONNREFUSED', message: 'x' }, 'backend_down', 'network_error'],
    ['timeout', 'start_job', { kind: 'network', code: 'ETIMEDOUT', message: 'x' }, 'backend_down', 'network_error'],
    ['429', 'start_job', http(429), 'retry', 'throttled'],
    ['413', 'start_job', http(413), 'dead_letter', 'client_error'],
    ['start 200 (unexpected)', 'start_job', http(200), 'ack', 'unexpected_success'],
    ['599', 'start_job', http(599), 'retry', 'server_error'],
  ];
  for (const [name, event, res, action, reason] of cases) {
    it(`${name} → ${action}`, () => {
      const r = classify(event, res);
      assert.equal(r.action, action, r.row);
      assert.equal(r.reason, reason, r.row);
    });
  }
  it('only ack, idempotent ack and dead letter are final', () => {
    assert.deepEqual(
      (['ack', 'ack_idempotent', 'dead_letter', 'retry', 'backend_down', 'pause', 'stop_not_found'] as const).filter(isFinal),
      ['ack', 'ack_idempotent', 'dead_letter'],
    );
  });
});

describe('per-job lanes', () => {
  it('only the head of a lane is runnable; removing it releases the next', () => {
    const lanes = new Lanes<string>();
    const k = jobKey('c', 1, 100);
    assert.equal(lanes.push(k, 'start'), true);
    assert.equal(lanes.push(k, 'stop'), false);
    assert.equal(lanes.push(jobKey('c', 2, 100), 'other'), true, 'other jobs run in parallel');
    assert.equal(lanes.remove(k, 'start'), 'stop');
    assert.equal(lanes.remove(k, 'stop'), undefined);
    assert.equal(lanes.size, 1);
  });
  it('removing a non-head item releases nothing', () => {
    const lanes = new Lanes<string>();
    lanes.push('k', 'a');
    lanes.push('k', 'b');
    lanes.push('k', 'c');
    assert.equal(lanes.remove('k', 'b'), undefined);
    assert.equal(lanes.remove('k', 'a'), 'c');
  });
  it('parked stops wake on their start key (also those filed without startTime) or when due', () => {
    const p = new ParkedStops<string>();
    p.park(jobKey('c', 1, 100), 's1', 1000);
    p.park(jobKey('c', 1, undefined), 's-any', 5000);
    p.park(jobKey('c', 2, 100), 's2', 2000);
    assert.equal(p.size, 3);
    assert.deepEqual(p.wake(jobKey('c', 1, 100)).sort(), ['s-any', 's1']);
    assert.equal(p.nextDue(), 2000);
    assert.deepEqual(p.takeDue(1999), []);
    assert.deepEqual(p.takeDue(2000).map((x) => x.item), ['s2']);
    assert.equal(p.size, 0);
  });
});

describe('backoff', () => {
  it('doubles from the initial delay up to the cap, jittered within bounds', () => {
    const p = { initialMs: 1000, maxMs: 60_000, jitter: 0 };
    assert.deepEqual([1, 2, 3, 4, 7, 8, 100].map((a) => backoffDelay(p, a)), [1000, 2000, 4000, 8000, 60_000, 60_000, 60_000]);
    const j = { initialMs: 1000, maxMs: 60_000, jitter: 0.2 };
    assert.equal(backoffDelay(j, 1, () => 0), 800);
    assert.equal(backoffDelay(j, 1, () => 1), 1200);
    assert.equal(backoffDelay(j, 50, () => 1), 72_000);
  });
});

describe('config', () => {
  const base = { ccRestUrl: 'https://cc.example.org', ccRestJwt: 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln' };
  it('applies defaults', () => {
    const r = parseForwarderConfig(base, {});
    assert.ok(r.ok);
    assert.equal(r.value.natsSubject, 'jobs');
    assert.equal(r.value.streamName, 'CC_JOB_EVENTS');
    assert.equal(r.value.consumerName, 'cc-backend-forwarder');
    assert.equal(r.value.concurrency, 16);
    assert.equal(r.value.stopNotFoundTimeout, 3600);
  });
  it('names the nearest key for an unknown key', () => {
    const r = parseForwarderConfig({ ...base, ccRestURL: 'x', concurency: 3 }, {});
    assert.ok(!r.ok);
    assert.match(r.error.message, /unknown key "concurency" \(did you mean "concurrency"\?\)/);
    assert.match(r.error.message, /unknown key "ccRestURL" \(did you mean "ccRestUrl"\?\)/);
  });
  it('rejects a trailing slash, /api and non-http URLs', () => {
    for (const url of ['https://cc.example.org/', 'https://cc.example.org/api', 'ftp://x', 'not a url']) {
      const r = parseForwarderConfig({ ...base, ccRestUrl: url }, {});
      assert.ok(!r.ok, url);
      assert.match(r.error.message, /ccRestUrl/);
    }
    assert.ok(parseForwarderConfig({ ...base, ccRestUrl: 'http://10.0.0.1:8080/cc' }, {}).ok);
  });
  it('needs exactly one of ccRestJwt and ccRestJwtFile', async () => {
    const none = parseForwarderConfig({ ccRestUrl: base.ccRestUrl }, {});
    assert.ok(!none.ok);
    assert.match(none.error.message, /exactly one of ccRestJwt and ccRestJwtFile/);
    const dir = await mkdtemp(join(tmpdir(), 'ccsb-fwd-cfg-'));
    try {
      const f = join(dir, 'jwt');
      await writeFile(f, 'token-from-file\n');
      const both = parseForwarderConfig({ ...base, ccRestJwtFile: f }, {});
      assert.ok(!both.ok);
      const file = parseForwarderConfig({ ccRestUrl: base.ccRestUrl, ccRestJwtFile: f }, {});
      assert.ok(file.ok);
      assert.equal(file.value.ccRestJwt, 'token-from-file');
      const missing = parseForwarderConfig({ ccRestUrl: base.ccRestUrl, ccRestJwtFile: join(dir, 'nope') }, {});
      assert.ok(!missing.ok);
      assert.match(missing.error.message, /cannot read ccRestJwtFile/);
      // file-based loading and env overrides of secrets
      const cfgFile = join(dir, 'fwd.json');
      await writeFile(cfgFile, JSON.stringify({ ccRestUrl: base.ccRestUrl, natsUser: 'u', natsPassword: 'from-file' }));
      const env = parseForwarderConfig({ ccRestUrl: base.ccRestUrl }, { CCSB_CC_REST_JWT: 'from-env' });
      assert.ok(env.ok);
      assert.equal(env.value.ccRestJwt, 'from-env');
      const loaded = loadForwarderConfig(cfgFile, { CCSB_CC_REST_JWT: 'jwt-env', CCSB_NATS_PASSWORD: 'pw-env' });
      assert.ok(loaded.ok);
      assert.equal(loaded.value.natsPassword, 'pw-env');
      assert.equal(redactedConfig(loaded.value).natsPassword, '[REDACTED]');
      assert.equal(redactedConfig(loaded.value).ccRestJwt, '[REDACTED]');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('keeps parked stops and in-flight work below max_ack_pending', () => {
    const r = parseForwarderConfig({ ...base, consumerMaxAckPending: 100, maxParkedStops: 90 }, {});
    assert.ok(!r.ok);
    assert.match(r.error.message, /consumerMaxAckPending/);
  });
});

describe('dead-letter format', () => {
  it('keeps the original headers and payload, adds Cc-Dlq-* headers, replaces the msg id', () => {
    const h = headers();
    h.set('Nats-Msg-Id', 'fritz:1:100:start_job');
    h.set('Cc-Event', 'start_job');
    h.set('Cc-Cluster', 'fritz');
    h.set('Cc-Job-Id', '1');
    h.set('Content-Type', 'application/json');
    const dl = buildDeadLetter(
      { natsSubject: 'jobs', streamName: 'CC_JOB_EVENTS', consumerName: 'fwd' },
      { subject: 'jobs.fritz.start_job', seq: 42, data: new Uint8Array([1]), headers: h },
      { reason: 'bad_request', detail: 'cc-backend said no', status: 400, response: '{"error":"json: unknown field \\"x\\""}\n', deliveries: 1 },
    );
    assert.equal(dl.subject, 'jobs_dlq.fritz.start_job');
    assert.equal(dl.msgId, 'ccsb-dlq:CC_JOB_EVENTS:42');
    assert.equal(dl.headers.get('Nats-Msg-Id'), 'ccsb-dlq:CC_JOB_EVENTS:42');
    assert.equal(dl.headers.get(DLQ_HEADER.originalMsgId), 'fritz:1:100:start_job');
    assert.equal(dl.headers.get(DLQ_HEADER.reason), 'bad_request');
    assert.equal(dl.headers.get(DLQ_HEADER.status), '400');
    assert.equal(dl.headers.get('Cc-Cluster'), 'fritz');
    assert.ok(!dl.headers.get(DLQ_HEADER.response).includes('\n'));
    assert.equal(unescapeHeaderText(dl.headers.get(DLQ_HEADER.response)), '{"error":"json: unknown field \\"x\\""}\n');
  });
  it('escapes and truncates free text', () => {
    assert.equal(unescapeHeaderText(escapeHeaderText('a\r\nb"c')), 'a\r\nb"c');
    const t = truncateUtf8('ä'.repeat(3000), 4096);
    assert.ok(Buffer.byteLength(t) <= 4096 + 40);
    assert.match(t, /truncated/);
  });
});
