// The daemon against a real nats-server (test harness) and the Slurm stand-ins.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNatsServer, type NatsServerHandle } from '../../../test/harness/nats-server.js';
import { StandinScenario } from '../../../test/slurm-standins/scenario.js';
import { createLogger } from '@cc-slurm-bridge/shared';
import { PublisherDaemon } from '../src/daemon.js';
import { sendHookMessage } from '../src/hook/client.js';
import { readStream, testConfig, waitFor } from './helpers.js';

let nats: NatsServerHandle;
before(async () => {
  nats = await startNatsServer();
});
after(async () => {
  await nats?.cleanup();
});

const logger = () => createLogger({ name: 'test', level: process.env.TEST_LOG_LEVEL ?? 'warn', destination: process.stderr });

test('a job seen running, then ended, yields exactly one start and one stop', async () => {
  const sc = new StandinScenario();
  const now = Math.floor(Date.now() / 1000);
  sc.write({ slurm: '22.05', jobs: [{ id: 101, state: 'RUNNING', start: now - 30, nodes: ['node1', 'node2'], cpusPerNode: 2 }, { id: 102, state: 'PENDING' }] });
  const cfg = testConfig(nats.url, { httpListen: '127.0.0.1:0' });
  const d = new PublisherDaemon({ config: cfg, logger: logger(), env: { ...process.env, ...sc.env() } });
  try {
    await d.start();
    const starts = await waitFor('start_job in the stream', async () => {
      const m = await readStream(nats.url, cfg.streamName);
      return m.length >= 1 ? m : undefined;
    });
    assert.equal(starts.length, 1);
    assert.equal(starts[0]!.subject, `${cfg.natsSubject}.testcluster.start_job`);
    assert.equal(starts[0]!.msgId, `testcluster:101:${now - 30}:start_job`);
    const body = starts[0]!.body;
    assert.equal(body.jobId, 101);
    assert.equal(body.numNodes, 2);
    assert.deepEqual((body.resources as { hostname: string }[]).map((r) => r.hostname), ['node1', 'node2']);
    // several more polls: nothing new
    const p0 = d.pollCount;
    await waitFor('three more polls', () => d.pollCount >= p0 + 3);
    sc.update((s) => {
      s.jobs[0]!.state = 'COMPLETED';
      s.jobs[0]!.end = now;
    });
    const all = await waitFor('stop_job in the stream', async () => {
      const m = await readStream(nats.url, cfg.streamName);
      return m.some((x) => x.subject.endsWith('stop_job')) ? m : undefined;
    });
    const p1 = d.pollCount;
    await waitFor('three more polls', () => d.pollCount >= p1 + 3);
    const final = await readStream(nats.url, cfg.streamName);
    assert.equal(final.length, 2, JSON.stringify(final.map((m) => m.msgId)));
    assert.deepEqual(final.map((m) => m.msgId), [`testcluster:101:${now - 30}:start_job`, `testcluster:101:${now - 30}:stop_job`]);
    assert.equal(final[1]!.body.jobState, 'completed');
    assert.equal(final[1]!.body.stopTime, now);
    assert.ok(all.length >= 2);
    assert.equal(d.outbox.depth, 0);
    // observability
    const base = `http://127.0.0.1:${d.httpAddress!.port}`;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /ccsb_publisher_events_emitted_total\{type="start_job"\} 1/);
    assert.match(metrics, /ccsb_publisher_events_acked_total\{type="stop_job",duplicate="false"\} 1/);
    assert.match(metrics, /ccsb_publisher_outbox_depth 0/);
    assert.match(metrics, /ccsb_publisher_slurm_query_duration_seconds_count\{command="squeue"\}/);
    assert.match(metrics, /ccsb_publisher_watermark_lag_seconds\{cluster="testcluster"\}/);
    assert.match(metrics, /ccsb_publisher_publish_latency_seconds_count/);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    assert.equal((await import('node:fs')).readFileSync(cfg.pidFilePath!, 'utf8').trim(), String(process.pid));
  } finally {
    await d.stop();
    sc.cleanup();
  }
  // a restart with the same state emits nothing again
  const sc2 = new StandinScenario();
  sc2.write({ slurm: '22.05', jobs: [{ id: 101, state: 'COMPLETED', start: now - 30, end: now, nodes: ['node1', 'node2'], cpusPerNode: 2 }] });
  const d2 = new PublisherDaemon({ config: cfg, logger: logger(), env: { ...process.env, ...sc2.env() } });
  try {
    await d2.start();
    await waitFor('three polls', () => d2.pollCount >= 3);
    assert.equal((await readStream(nats.url, cfg.streamName)).length, 2);
  } finally {
    await d2.stop();
    sc2.cleanup();
  }
});

test('a short job never seen running gets its start (from sacct nodes) and stop', async () => {
  const sc = new StandinScenario();
  const now = Math.floor(Date.now() / 1000);
  // ended longer ago than MinJobAge: only sacct knows it
  sc.write({ slurm: '22.05', jobs: [{ id: 201, state: 'FAILED', start: now - 900, end: now - 800, nodes: ['node3'], exit: 768 }] });
  const cfg = testConfig(nats.url);
  const d = new PublisherDaemon({ config: cfg, logger: logger(), env: { ...process.env, ...sc.env() } });
  try {
    await d.start();
    const m = await waitFor('two events', async () => {
      const x = await readStream(nats.url, cfg.streamName);
      return x.length >= 2 ? x : undefined;
    });
    assert.deepEqual(m.map((x) => x.subject), [`${cfg.natsSubject}.testcluster.start_job`, `${cfg.natsSubject}.testcluster.stop_job`]);
    assert.equal(m[1]!.body.jobState, 'failed');
  } finally {
    await d.stop();
    sc.cleanup();
  }
});

test('G1 placeholder: the stop waits until sacct has the real record', async () => {
  const sc = new StandinScenario();
  const now = Math.floor(Date.now() / 1000);
  sc.write({ slurm: '22.05', jobs: [{ id: 301, state: 'COMPLETED', start: now - 900, end: now - 890, nodes: ['node1'], placeholder: true }] });
  const cfg = testConfig(nats.url);
  const d = new PublisherDaemon({ config: cfg, logger: logger(), env: { ...process.env, ...sc.env() } });
  try {
    await d.start();
    await waitFor('three polls', () => d.pollCount >= 3);
    assert.equal((await readStream(nats.url, cfg.streamName)).length, 0, 'nothing published from a placeholder');
    sc.update((s) => {
      s.jobs[0]!.placeholder = false;
    });
    const m = await waitFor('events after the record completed', async () => {
      const x = await readStream(nats.url, cfg.streamName);
      return x.length >= 2 ? x : undefined;
    });
    assert.equal(m.length, 2);
    assert.equal(m[0]!.body.partition, 'debug');
  } finally {
    await d.stop();
    sc.cleanup();
  }
});

for (const slurm of ['22.05', '24.05'] as const) {
  test(`hook message (Slurm ${slurm}): the job is queried and published without waiting for the poll`, async () => {
    const sc = new StandinScenario();
    const now = Math.floor(Date.now() / 1000);
    sc.write({ slurm, jobs: [] });
    const cfg = testConfig(nats.url, { slurmPollInterval: 3600, slurmQueryDelay: 0.2 });
    const d = new PublisherDaemon({ config: cfg, logger: logger(), env: { ...process.env, ...sc.env() } });
    try {
      await d.start();
      await waitFor('first poll', () => d.pollCount >= 1);
      sc.update((s) => {
        s.jobs.push({ id: 401, state: 'RUNNING', start: now - 1, nodes: ['node2'] });
      });
      const callsBefore = sc.calls().length;
      const outcome = await sendHookMessage({ env: { SLURM_JOB_ID: '401', SLURM_SCRIPT_CONTEXT: 'prolog_slurmctld', SLURM_CLUSTER_NAME: 'testcluster', CC_SLURM_PUBLISHER_SOCK: cfg.prepSockConnectPath }, warn: () => undefined });
      assert.equal(outcome, 'sent');
      const m = await waitFor('start_job after the hook', async () => {
        const x = await readStream(nats.url, cfg.streamName);
        return x.length >= 1 ? x : undefined;
      }, 15_000);
      assert.equal(m[0]!.msgId, `testcluster:401:${now - 1}:start_job`);
      const calls = sc.calls().slice(callsBefore).map((c) => c.cmd);
      if (slurm === '22.05') assert.ok(calls.includes('squeue'), `22.05 falls back to squeue: ${calls.join(',')}`);
      else assert.ok(calls.includes('scontrol'), `24.05 uses scontrol --json: ${calls.join(',')}`);
      assert.equal(d.pollCount, 1, 'published by the hook, not by a poll');
      // epilog
      sc.update((s) => {
        s.jobs[0]!.state = 'COMPLETED';
        s.jobs[0]!.end = now + 1;
      });
      await sendHookMessage({ env: { SLURM_JOB_ID: '401', SLURM_SCRIPT_CONTEXT: 'epilog_slurmctld', SLURM_JOB_EXIT_CODE2: '0:0', CC_SLURM_PUBLISHER_SOCK: cfg.prepSockConnectPath }, warn: () => undefined });
      const m2 = await waitFor('stop_job after the epilog hook', async () => {
        const x = await readStream(nats.url, cfg.streamName);
        return x.length >= 2 ? x : undefined;
      }, 15_000);
      assert.equal(m2[1]!.msgId, `testcluster:401:${now - 1}:stop_job`);
    } finally {
      await d.stop();
      sc.cleanup();
    }
  });
}
