// Dead letters: poison messages do not block, replay after a fix delivers, max_deliver is captured
// (by the forwarder on the last delivery, and from the server's MAX_DELIVERIES advisory).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { startForwarder } from '../src/daemon.js';
import { listDeadLetters } from '../src/dlq.js';
import { main } from '../src/cli-main.js';
import { assertExactlyOnce, captureLogger, pollUntil, startEnv, startEv, stopEv, type TestEnv } from './helpers.js';

const ids = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'cc-slurm-forwarder', ...args], { out: (s) => (out += s), err: (s) => (err += s), env: {} });
  return { code, out, err };
}

async function configFile(env: TestEnv, dir: string, over: Record<string, unknown> = {}): Promise<string> {
  const f = join(dir, 'forwarder.json');
  const c = env.config();
  await writeFile(f, JSON.stringify({ natsServer: c.natsServer, ccRestUrl: c.ccRestUrl, ccRestJwt: c.ccRestJwt, ...over }));
  return f;
}

describe('dead-letter stream', () => {
  it('a poison message goes to the DLQ while 1,000 good jobs behind it all arrive', async () => {
    const env = await startEnv();
    const { logger } = captureLogger('warn');
    const fwd = await startForwarder(env.config({ concurrency: 16 }), { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
    try {
      // Poison first: a start cc-backend rejects (400), and bytes that are no event at all.
      await env.publish([startEv(1, undefined, 'nosuchcluster')]);
      await env.publishRaw('jobs.testcluster.start_job', '{"event":"start_job","version":1', {}, 'poison-2');
      const jobs = ids(10_000, 1_000);
      await env.publish(jobs.flatMap((j) => [startEv(j), stopEv(j)]));
      await env.waitStopped(jobs, { timeoutMs: 60_000 });
      assert.deepEqual(assertExactlyOnce(env.cc.jobs(), jobs), []);
      await pollUntil('both poison messages dead-lettered', async () => ((await env.dlqCount()) === 2 ? true : undefined));
      const dl = await listDeadLetters(env.jsm, env.config());
      assert.deepEqual(dl.map((d) => d.reason).sort(), ['bad_request', 'invalid_message']);
      const ci = await env.consumerInfo();
      assert.equal(ci.num_pending, 0);
    } finally {
      await fwd.stop();
      await env.cleanup();
    }
  });

  it('dlq list / replay after fixing the cause delivers it; purge removes matching entries', async () => {
    const env = await startEnv();
    const dir = await mkdtemp(join(tmpdir(), 'ccsb-fwd-dlq-'));
    const { logger } = captureLogger('warn');
    const fwd = await startForwarder(env.config(), { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
    try {
      const cfgFile = await configFile(env, dir);
      // cc-backend rejects job 42's start once (say, its cluster config lacked the node).
      env.cc.faults.failNext(1, { endpoint: 'start_job', status: 400, body: '{"status":"Bad Request","error":"ARCHIVE/CLUSTERCONFIG > no subcluster found"}\n', contentType: 'application/json' });
      await env.publish([startEv(42), stopEv(42)]);
      await pollUntil('the start dead-lettered', async () => ((await env.dlqCount()) === 1 ? true : undefined));
      // A second, unrelated dead letter that will be purged.
      await env.publish([startEv(43, undefined, 'nosuchcluster')]);
      await pollUntil('two dead letters', async () => ((await env.dlqCount()) === 2 ? true : undefined));

      const list = await cli(['dlq', 'list', '--config', cfgFile]);
      assert.equal(list.code, 0, list.err);
      assert.match(list.out, /bad_request/);
      assert.match(list.out, /2 dead letter\(s\)/);
      const json = await cli(['dlq', 'list', '--config', cfgFile, '--job-id', '42', '--json']);
      const entries = json.out.trim().split('\n').map((l) => JSON.parse(l) as { jobId: string; reason: string; status: number; originalSubject: string });
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.reason, 'bad_request');
      assert.equal(entries[0]!.originalSubject, 'jobs.testcluster.start_job');
      assert.equal(env.rowsOf(42).length, 0, 'not started yet; its stop waits (404, parked)');

      // Replay refuses to run unfiltered without --all.
      assert.equal((await cli(['dlq', 'replay', '--config', cfgFile])).code, 2);
      const replay = await cli(['dlq', 'replay', '--config', cfgFile, '--job-id', '42']);
      assert.equal(replay.code, 0, replay.err);
      assert.match(replay.out, /replayed dlq seq \d+ → jobs\.testcluster\.start_job .*:replay-\d+/);
      await env.waitStopped([42]);
      assert.equal(env.rowsOf(42).length, 1);

      const purgeDry = await cli(['dlq', 'purge', '--config', cfgFile, '--reason', 'bad_request', '--dry-run']);
      assert.match(purgeDry.out, /1 dead letter\(s\) would be deleted/);
      assert.equal(await env.dlqCount(), 1);
      const purge = await cli(['dlq', 'purge', '--config', cfgFile, '--cluster', 'nosuchcluster']);
      assert.equal(purge.code, 0, purge.err);
      assert.equal(await env.dlqCount(), 0);
      assert.match((await cli(['dlq', 'list', '--config', cfgFile])).out, /no dead letters/);
    } finally {
      await fwd.stop();
      await env.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the last allowed delivery is dead-lettered by the forwarder itself, with the last status', async () => {
    const env = await startEnv({ settings: { consumerMaxDeliver: 3 } });
    const { logger } = captureLogger('warn');
    const fwd = await startForwarder(env.config({ breakerThreshold: 1000 }), { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
    try {
      env.cc.faults.failNext(Infinity, { endpoint: 'start_job', status: 500 });
      await env.publish([startEv(77)]);
      await pollUntil('dead-lettered', async () => ((await env.dlqCount()) === 1 ? true : undefined), { timeoutMs: 15_000 });
      const [d] = await listDeadLetters(env.jsm, env.config());
      assert.equal(d!.reason, 'max_deliveries');
      assert.equal(d!.status, 500);
      assert.equal(d!.deliveries, 3);
      assert.match(d!.response ?? '', /database is locked/);
      assert.equal(env.cc.requests().length, 3);
    } finally {
      await fwd.stop();
      await env.cleanup();
    }
  });

  it('a message JetStream gave up on (MAX_DELIVERIES advisory) is fetched by sequence and dead-lettered', async () => {
    const env = await startEnv({ settings: { consumerMaxDeliver: 2, consumerAckWaitSeconds: 1 } });
    const cfg = env.config();
    env.cc.faults.rotateKeys(); // the forwarder's token is refused: it pauses on its first message and pulls nothing more
    const { logger } = captureLogger('warn');
    const fwd = await startForwarder(cfg, { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
    try {
      await env.publish([startEv(1)]);
      await pollUntil('paused', async () => (fwd.status().pause ? true : undefined));
      await new Promise((r) => setTimeout(r, 1_200)); // let the forwarder's last pull expire
      await env.publish([startEv(2)]);
      // A crashing consumer instance: takes job 2's start and never acks, until JetStream gives up.
      const c = await jetstream(env.nc).consumers.get('CC_JOB_EVENTS', 'cc-backend-forwarder');
      for (let i = 0; i < 6 && (await env.dlqCount()) === 0; i++) {
        const it = await c.fetch({ max_messages: 1, expires: 1_500 });
        for await (const m of it) assert.equal(m.info.streamSequence, 2);
      }
      await pollUntil('dead-lettered from the advisory', async () => ((await env.dlqCount()) === 1 ? true : undefined), { timeoutMs: 10_000 });
      const [d] = await listDeadLetters(env.jsm, env.config());
      assert.equal(d!.reason, 'max_deliveries');
      assert.equal(d!.jobId, '2');
      assert.equal(d!.originalSeq, 2);
      assert.equal(d!.deliveries, 2);
      env.cc.faults.restoreKeys();
      await pollUntil('job 1 started after the keys are back', async () => (env.rowsOf(1).length === 1 ? true : undefined));
    } finally {
      await fwd.stop();
      await env.cleanup();
    }
  });
});
