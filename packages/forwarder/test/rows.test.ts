// One test per row of DESIGN §5, against a real nats-server and the cc-backend double.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startForwarder, type ForwarderHandle } from '../src/daemon.js';
import { listDeadLetters } from '../src/dlq.js';
import { captureLogger, pollUntil, startEnv, startEv, stopEv, type TestEnv } from './helpers.js';

async function withEnv(fn: (env: TestEnv) => Promise<void>, o: Parameters<typeof startEnv>[0] = {}): Promise<void> {
  const env = await startEnv(o);
  try {
    await fn(env);
  } finally {
    await env.cleanup();
  }
}

async function settled(env: TestEnv, total: number): Promise<void> {
  await pollUntil(
    'every message settled (acked or dead-lettered)',
    async () => {
      const ci = await env.consumerInfo();
      return ci.num_pending === 0 && ci.num_ack_pending === 0 && ci.ack_floor.stream_seq >= total ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
}

const ids = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('DESIGN §5 rows', () => {
  it('start 201, stop 200 → ack', async () => {
    await withEnv(async (env) => {
      const { logger } = captureLogger('warn');
      const fwd = await startForwarder(env.config({ concurrency: 4 }), { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
      try {
        const jobs = ids(1, 20);
        await env.publish(jobs.flatMap((j) => [startEv(j), stopEv(j)]));
        await env.waitStopped(jobs);
        await settled(env, 40);
        const ci = await env.consumerInfo();
        assert.equal(ci.delivered.consumer_seq, 40, 'each message delivered exactly once');
        assert.equal(await env.dlqCount(), 0);
        const c = env.cc.counters().byEndpoint;
        assert.deepEqual(c.start_job, { '201': 20 });
        assert.deepEqual(c.stop_job, { '200': 20 });
        assert.equal(fwd.status().counts.success, 40);
        // order per job: start before stop
        const reqs = env.cc.requests();
        for (const j of jobs) {
          const s = reqs.findIndex((r) => r.endpoint === 'start_job' && JSON.parse(r.body).jobId === j);
          const t = reqs.findIndex((r) => r.endpoint === 'stop_job' && JSON.parse(r.body).jobId === j);
          assert.ok(s >= 0 && t > s, `job ${j}: start before stop`);
        }
      } finally {
        await fwd.stop();
      }
    });
  });

  it('start 422 (already exists), stop 422 (already stopped) → ack, counted separately', async () => {
    await withEnv(async (env) => {
      const { logger } = captureLogger('warn');
      const fwd = await startForwarder(env.config({ concurrency: 4 }), { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
      try {
        const jobs = ids(100, 5);
        await env.publish(jobs.flatMap((j) => [startEv(j), stopEv(j)]));
        await env.waitStopped(jobs);
        await settled(env, 10);
        // The same events again under fresh msg ids (e.g. a replay or a second publisher).
        await env.publish(jobs.flatMap((j) => [startEv(j), stopEv(j)]), { msgIdSuffix: ':again' });
        await settled(env, 20);
        const c = env.cc.counters().byEndpoint;
        assert.deepEqual(c.start_job, { '201': 5, '422': 5 });
        assert.deepEqual(c.stop_job, { '200': 5, '422': 5 });
        const st = fwd.status();
        assert.equal(st.counts.success, 10);
        assert.equal(st.counts.idempotent, 10);
        assert.equal(await env.dlqCount(), 0);
        const m = await fwd.metrics.text();
        assert.match(m, /ccsb_forwarder_events_total\{event="start_job",outcome="idempotent",status="422"\} 5/);
        assert.match(m, /ccsb_forwarder_events_total\{event="stop_job",outcome="idempotent",status="422"\} 5/);
        for (const j of jobs) assert.equal(env.rowsOf(j).length, 1);
      } finally {
        await fwd.stop();
      }
    });
  });

  it('stop 404 (start not applied yet) → retried until the start arrives; stop published before its start ends started then stopped', async () => {
    await withEnv(async (env) => {
      const { logger } = captureLogger('warn');
      const fwd = await startForwarder(env.config({ concurrency: 4 }), { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
      try {
        // The stops come first in the stream; their starts later.
        await env.publish([stopEv(200), stopEv(201)]);
        await pollUntil('both stops answered 404 at least once', async () => ((env.cc.counters().byEndpoint.stop_job?.['404'] ?? 0) >= 2 ? true : undefined));
        assert.equal(env.rowsOf(200).length, 0);
        await env.publish([startEv(200), startEv(201)]);
        await env.waitStopped([200, 201]);
        await settled(env, 4);
        for (const j of [200, 201]) {
          const rows = env.rowsOf(j);
          assert.equal(rows.length, 1);
          assert.equal(rows[0]!.jobState, 'completed');
          assert.equal(rows[0]!.stopTime, rows[0]!.startTime + 60);
        }
        assert.equal(await env.dlqCount(), 0);
        assert.ok((fwd.status().counts.stop_not_found ?? 0) >= 2);
      } finally {
        await fwd.stop();
      }
    });
  });

  it('stop 404 → dead-lettered only after stopNotFoundTimeout, with the time of the first attempt', async () => {
    await withEnv(async (env) => {
      const { logger } = captureLogger('warn');
      const fwd = await startForwarder(env.config({ stopNotFoundTimeout: 1.5 }), { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
      try {
        await env.publish([stopEv(300)]);
        await pollUntil('the orphan stop dead-lettered', async () => ((await env.dlqCount()) === 1 ? true : undefined), { timeoutMs: 15_000 });
        const attempts = env.cc.requests().filter((r) => r.endpoint === 'stop_job');
        assert.ok(attempts.length >= 2, `retried before dead-lettering (${attempts.length} attempts)`);
        assert.ok(attempts.every((r) => r.status === 404));
        const span = attempts[attempts.length - 1]!.time - attempts[0]!.time;
        assert.ok(span >= 1_000, 'kept retrying for about stopNotFoundTimeout');
        const [d] = await listDeadLetters(env.jsm, env.config());
        assert.equal(d!.reason, 'stop_not_found_timeout');
        assert.equal(d!.status, 404);
        assert.match(d!.response ?? '', /finding job failed/);
        assert.equal(d!.jobId, '300');
        assert.equal(d!.event, 'stop_job');
        assert.ok(d!.firstAttempt && d!.lastAttempt && d!.firstAttempt < d!.lastAttempt);
        await settled(env, 1);
      } finally {
        await fwd.stop();
      }
    });
  });

  it('400 (validation) → dead-lettered at once, never retried; an invalid body is never sent', async () => {
    await withEnv(async (env) => {
      const { logger } = captureLogger('warn');
      const fwd = await startForwarder(env.config(), { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
      try {
        // Valid by schema, but cc-backend knows no such cluster → 400.
        await env.publish([startEv(400, undefined, 'nosuchcluster')]);
        // Invalid body: `exclusive` is an unknown field (cc-backend would answer 400 too).
        const bad = { event: 'start_job', version: 1, meta: {}, ...startEv(401).body, exclusive: 1 };
        await env.publishRaw('jobs.testcluster.start_job', JSON.stringify(bad), { 'Content-Type': 'application/json', 'Cc-Event': 'start_job', 'Cc-Cluster': 'testcluster', 'Cc-Job-Id': '401' }, 'bad-401');
        await env.publishRaw('jobs.testcluster.stop_job', 'this is not an event', {}, 'garbage-1');
        await pollUntil('three dead letters', async () => ((await env.dlqCount()) === 3 ? true : undefined), { timeoutMs: 15_000 });
        await settled(env, 3);
        const reqs = env.cc.requests();
        assert.equal(reqs.length, 1, 'only the schema-valid message was posted, once');
        assert.equal(reqs[0]!.status, 400);
        const dl = await listDeadLetters(env.jsm, env.config());
        const byJob = new Map(dl.map((d) => [d.jobId ?? d.payload, d]));
        assert.equal(byJob.get('400')!.reason, 'bad_request');
        assert.equal(byJob.get('400')!.status, 400);
        assert.match(byJob.get('400')!.response ?? '', /no such cluster/);
        assert.equal(byJob.get('400')!.deliveries, 1);
        assert.equal(byJob.get('401')!.reason, 'invalid_message');
        assert.match(byJob.get('401')!.detail, /exclusive/);
        assert.equal(byJob.get('401')!.status, undefined);
        assert.equal(byJob.get('this is not an event')!.reason, 'invalid_message');
        assert.equal(byJob.get('this is not an event')!.subject, 'jobs_dlq.testcluster.stop_job');
        const ci = await env.consumerInfo();
        assert.equal(ci.delivered.consumer_seq, 3, 'no message was delivered twice');
      } finally {
        await fwd.stop();
      }
    });
  });

  it('401 (token) → stop consuming, not ready, probe with back-off, no deliveries burnt', async () => {
    await withEnv(async (env) => {
      const cfg = env.config({ concurrency: 4, httpListen: '127.0.0.1:0' });
      env.cc.faults.rotateKeys(); // the forwarder's token is now signed by an unknown key
      const { logger, text } = captureLogger('info', [cfg.ccRestJwt]);
      const fwd = await startForwarder(cfg, { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
      try {
        const jobs = ids(500, 30);
        await env.publish(jobs.flatMap((j) => [startEv(j), stopEv(j)]));
        await pollUntil('paused for the token', async () => (fwd.status().pause?.cause === 'unauthorized' ? true : undefined));
        const ready = await fetch(`http://${fwd.httpAddress}/readyz`);
        assert.equal(ready.status, 503);
        assert.match(await ready.text(), /unauthorized/);
        assert.equal((await fetch(`http://${fwd.httpAddress}/healthz`)).status, 200);
        // Let it probe a few times: only the probe reaches cc-backend, nothing else is pulled.
        await pollUntil('three probes', async () => ((fwd.status().pause?.probes ?? 0) >= 3 ? true : undefined), { timeoutMs: 10_000 });
        const rejected = env.cc.counters().byStatus['401'] ?? 0;
        assert.ok(rejected <= 4 + 3 + 1, `only in-flight requests and probes reached cc-backend (${rejected})`);
        const before = await env.consumerInfo();
        assert.ok(before.num_pending > 0, 'the rest stays in the stream');
        assert.equal(before.num_redelivered, 0, 'nothing redelivered');
        env.cc.faults.restoreKeys();
        await env.waitStopped(jobs);
        await settled(env, 60);
        const after = await env.consumerInfo();
        assert.equal(after.delivered.consumer_seq, 60, 'every message delivered exactly once: no delivery burnt');
        assert.equal(await env.dlqCount(), 0);
        assert.equal((await fetch(`http://${fwd.httpAddress}/readyz`)).status, 200);
        assert.match(text(), /pausing consumption/);
        assert.match(text(), /resuming consumption/);
        assert.ok(!text().includes(cfg.ccRestJwt), 'the token never appears in the log');
      } finally {
        await fwd.stop();
      }
    });
  });

  it('start 404 / "endpoint does not exist" (NATS job API mounted) → pause like 401, with a log line naming the cause', async () => {
    await withEnv(async (env) => {
      env.cc.setNatsMode(true);
      const { logger, text } = captureLogger('info');
      const fwd = await startForwarder(env.config({ concurrency: 2 }), { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
      try {
        const jobs = ids(600, 10);
        await env.publish(jobs.flatMap((j) => [startEv(j), stopEv(j)]));
        await pollUntil('paused for the endpoint', async () => (fwd.status().pause?.cause === 'endpoint_missing' ? true : undefined));
        assert.match(text(), /NATS job API/);
        assert.match(text(), /ccRestUrl/);
        assert.ok(!fwd.isReady());
        await pollUntil('two probes', async () => ((fwd.status().pause?.probes ?? 0) >= 2 ? true : undefined), { timeoutMs: 10_000 });
        env.cc.setNatsMode(false);
        await env.waitStopped(jobs);
        await settled(env, 20);
        assert.equal((await env.consumerInfo()).delivered.consumer_seq, 20, 'no delivery burnt while paused');
        assert.equal(await env.dlqCount(), 0);
        assert.ok(fwd.isReady());
      } finally {
        await fwd.stop();
      }
    });
  });

  it('500 (incl. the job_cache UNIQUE race), 502/503/504, timeout, connection refused/reset → nak with back-off, all delivered', async () => {
    // A non-zero commit interval: a start whose 201 is lost is applied but sits in job_cache, so
    // its redelivery gets 500 UNIQUE until the commit, then 422.
    await withEnv(
      async (env) => {
        const { logger } = captureLogger('warn');
        const fwd = await startForwarder(env.config({ concurrency: 4, requestTimeout: 0.5, breakerThreshold: 1000 }), {
          logger,
          defaultMetrics: false,
          fetchExpiresMs: 1000,
        });
        try {
          const f = env.cc.faults;
          // First a start that is applied but whose answer is lost (500 after processing): its
          // redelivery meets the job_cache UNIQUE constraint (500) until the commit, then 422.
          f.add({ kind: 'status', endpoint: 'start_job', status: 500, phase: 'after', count: 1 });
          await env.publish([startEv(799)]);
          await pollUntil('the UNIQUE race', async () =>
            env.cc.requests().some((r) => r.status === 500 && /UNIQUE constraint failed: job_cache/.test(r.responseBody)) ? true : undefined,
          );
          await env.publish([stopEv(799)]);
          f.failNext(2, { endpoint: 'start_job', status: 500 }); // plain 500 before processing
          f.failNext(1, { endpoint: 'start_job', status: 502 });
          f.failNext(1, { endpoint: 'stop_job', status: 503 });
          f.failNext(1, { endpoint: 'stop_job', status: 504 });
          f.resetNext(1, { endpoint: 'start_job' });
          f.resetNext(1, { endpoint: 'stop_job', phase: 'after' }); // the stop is applied, its answer lost
          f.addLatency(1_500, { endpoint: 'start_job', count: 1 }); // longer than requestTimeout
          const jobs = ids(700, 12);
          await env.publish(jobs.flatMap((j) => [startEv(j), stopEv(j)]));
          jobs.push(799);
          await env.waitStopped(jobs, { timeoutMs: 30_000 });
          await settled(env, 26);
          for (const j of jobs) assert.equal(env.rowsOf(j).length, 1, `job ${j} exactly once`);
          assert.equal(await env.dlqCount(), 0);
          const st = fwd.status();
          assert.ok((st.counts.retry ?? 0) >= 8, `retried (${st.counts.retry})`);
          const byStatus = env.cc.counters().byStatus;
          assert.ok((byStatus['500'] ?? 0) >= 3, 'saw the 500s, incl. UNIQUE');
          assert.equal(env.cc.counters().byEndpoint.start_job?.['422'], 1, 'the raced start ended as 422 after the commit');
        } finally {
          await fwd.stop();
        }
      },
      { cc: { commitIntervalMs: 1_000 } },
    );
  });
});
