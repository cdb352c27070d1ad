// Outages around the forwarder while jobs keep flowing:
//  - cc-backend answers 503 for a while, then refuses connections for a while (30 s each in the
//    scenario; FWD_CHAOS_OUTAGE_S, default 5 s each, so CI stays quick): nothing is lost, nothing
//    dead-lettered, everything delivered after recovery, and the outage burns (almost) no deliveries;
//  - nats-server is killed with SIGKILL mid-stream and restarted: same.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startForwarder } from '../../packages/forwarder/src/daemon.js';
import { assertExactlyOnce, captureLogger, pollUntil, startEnv, startEv, stopEv, type TestEnv } from '../../packages/forwarder/test/helpers.js';

const OUTAGE_MS = Number(process.env.FWD_CHAOS_OUTAGE_S ?? 5) * 1000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Publishes `jobs` as start+stop pairs in small batches, every `everyMs`, retrying through NATS outages. */
async function trickle(env: TestEnv, jobs: number[], everyMs: number, stop: () => boolean = () => false): Promise<void> {
  for (let i = 0; i < jobs.length && !stop(); i += 10) {
    const batch = jobs.slice(i, i + 10).flatMap((j) => [startEv(j), stopEv(j)]);
    for (;;) {
      try {
        await env.publish(batch);
        break;
      } catch {
        await sleep(200); // NATS down: the real publisher keeps events in its outbox and retries
      }
    }
    await sleep(everyMs);
  }
}

describe('chaos: outages around the forwarder', () => {
  it(`cc-backend 503 for ${OUTAGE_MS / 1000} s, then refusing connections for ${OUTAGE_MS / 1000} s: nothing lost, all delivered after recovery`, { timeout: 120_000 }, async () => {
    const env = await startEnv({ cc: { commitIntervalMs: 1_000 } });
    const { logger, text } = captureLogger('info');
    const fwd = await startForwarder(env.config({ concurrency: 8, retryMaxDelay: 2, pauseProbeMaxDelay: 1, httpListen: '127.0.0.1:0' }), {
      logger,
      defaultMetrics: false,
      fetchExpiresMs: 1000,
    });
    try {
      const jobs = Array.from({ length: 300 }, (_, i) => 5_000 + i);
      const publishing = trickle(env, jobs, Math.max(20, Math.floor((3 * OUTAGE_MS) / 30)));
      await pollUntil('some jobs through', async () => (env.cc.jobs().length >= 20 ? true : undefined), { timeoutMs: 30_000 });

      // Phase 1: every request answered 503 by the proxy in front of cc-backend.
      const rule = env.cc.faults.failNext(Infinity, { status: 503 });
      await pollUntil('paused: cc-backend unavailable', async () => (fwd.status().pause?.cause === 'backend_unavailable' ? true : undefined));
      assert.equal((await fetch(`http://${fwd.httpAddress}/readyz`)).status, 503);
      await sleep(OUTAGE_MS);
      // Phase 2: nothing listens at all.
      env.cc.faults.remove(rule.id);
      const refused = env.cc.faults.refuseConnections(OUTAGE_MS);
      await refused;
      await sleep(OUTAGE_MS + 200);
      assert.ok(fwd.status().pause, 'still paused during the outage');
      const during = env.cc.counters().byStatus;

      await publishing;
      await env.waitStopped(jobs, { timeoutMs: 60_000 });
      await pollUntil('settled', async () => {
        const ci = await env.consumerInfo();
        return ci.num_pending === 0 && ci.num_ack_pending === 0 ? true : undefined;
      });
      assert.deepEqual(assertExactlyOnce(env.cc.jobs(), jobs), []);
      assert.equal(await env.dlqCount(), 0);
      const ci = await env.consumerInfo();
      const published = jobs.length * 2;
      // While paused nothing is pulled: deliveries beyond one per message are the few nak'd
      // before the breaker opened, plus the (held, not redelivered) probes.
      assert.ok(ci.delivered.consumer_seq < published * 1.2, `deliveries ${ci.delivered.consumer_seq} for ${published} messages`);
      assert.ok((during['503'] ?? 0) < 60, `503s during the outage: ${during['503']} (probes, not a retry storm)`);
      assert.match(text(), /pausing consumption/);
      assert.match(text(), /resuming consumption/);
      assert.equal((await fetch(`http://${fwd.httpAddress}/readyz`)).status, 200);
    } finally {
      await fwd.stop();
      await env.cleanup();
    }
  });

  it('nats-server kill -9 and restart mid-stream: nothing lost, all delivered', { timeout: 120_000 }, async () => {
    const env = await startEnv({ cc: { commitIntervalMs: 1_000 }, settings: { consumerAckWaitSeconds: 3 } });
    const { logger } = captureLogger('warn');
    const fwd = await startForwarder(env.config({ concurrency: 8, consumerAckWaitSeconds: 3 }), { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
    try {
      const jobs = Array.from({ length: 600 }, (_, i) => 8_000 + i);
      const publishing = trickle(env, jobs, 30);
      await pollUntil('a third through', async () => (env.cc.jobs().length >= 200 ? true : undefined), { timeoutMs: 60_000 });
      await env.nats.kill9();
      await sleep(1_500);
      assert.ok(!fwd.isReady(), 'not ready while NATS is down');
      await env.nats.restart();
      await publishing;
      await env.waitStopped(jobs, { timeoutMs: 60_000 });
      await pollUntil('settled', async () => {
        const ci = await env.consumerInfo();
        return ci.num_pending === 0 && ci.num_ack_pending === 0 ? true : undefined;
      }, { timeoutMs: 30_000 });
      assert.deepEqual(assertExactlyOnce(env.cc.jobs(), jobs), []);
      assert.equal(await env.dlqCount(), 0);
      assert.equal(env.cc.counters().byEndpoint.start_job?.['201'], jobs.length);
      assert.equal(env.cc.counters().byEndpoint.stop_job?.['200'], jobs.length);
      assert.ok(fwd.isReady());
    } finally {
      await fwd.stop();
      await env.cleanup();
    }
  });
});
