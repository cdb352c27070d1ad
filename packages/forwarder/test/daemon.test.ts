// The daemon around the engine: CLI commands, secrets, line protocol input, HTTP endpoints and
// graceful shutdown.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startForwarder } from '../src/daemon.js';
import { loadForwarderConfig } from '../src/config.js';
import { main } from '../src/cli-main.js';
import { killAndWait, spawnLogged } from '../../../test/harness/process.js';
import { captureLogger, pollUntil, startEnv, startEv, stopEv, type TestEnv } from './helpers.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'cc-slurm-forwarder', ...args], { out: (s) => (out += s), err: (s) => (err += s), env });
  return { code, out, err };
}

async function tmp(): Promise<{ dir: string; file(name: string, content: unknown): Promise<string>; done(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ccsb-fwd-daemon-'));
  return {
    dir,
    async file(name, content) {
      const f = join(dir, name);
      await writeFile(f, typeof content === 'string' ? content : JSON.stringify(content));
      return f;
    },
    done: () => rm(dir, { recursive: true, force: true }),
  };
}

function fileConfig(env: TestEnv, over: Record<string, unknown> = {}): Record<string, unknown> {
  const c = env.config();
  // The stream and consumer settings the env created them with, so the daemon changes nothing.
  return { natsServer: c.natsServer, ccRestUrl: c.ccRestUrl, ccRestJwt: c.ccRestJwt, consumerAckWaitSeconds: c.consumerAckWaitSeconds, streamMaxAgeDays: c.streamMaxAgeDays, ...over };
}

describe('check-config', () => {
  it('exits 0 for a valid file and 1 with the errors otherwise', async () => {
    const t = await tmp();
    try {
      const good = await t.file('good.json', { ccRestUrl: 'https://cc.example.org', ccRestJwtFile: await t.file('jwt', 'tok\n'), natsSubject: 'site.jobs' });
      const ok = await cli(['check-config', '--config', good]);
      assert.equal(ok.code, 0, ok.err);
      assert.match(ok.out, /is valid/);
      const typo = await t.file('typo.json', { ccRestUrl: 'https://cc.example.org/', ccRestJwt: 'x', consumerNmae: 'a' });
      const bad = await cli(['check-config', '--config', typo]);
      assert.equal(bad.code, 1);
      assert.match(bad.err, /unknown key "consumerNmae" \(did you mean "consumerName"\?\)/);
      assert.match(bad.err, /must not end with "\/"/);
      const noJwt = await t.file('nojwt.json', { ccRestUrl: 'https://cc.example.org' });
      assert.equal((await cli(['check-config', '--config', noJwt])).code, 1);
      assert.equal((await cli(['check-config', '--config', noJwt], { CCSB_CC_REST_JWT: 'from-env' })).code, 0);
      const printed = await cli(['check-config', '--config', noJwt, '--print'], { CCSB_CC_REST_JWT: 'from-env-secret' });
      assert.ok(!printed.out.includes('from-env-secret'));
      assert.match(printed.out, /"ccRestJwt": "\[REDACTED\]"/);
      assert.equal((await cli(['check-config', '--config', join(t.dir, 'missing.json')])).code, 1);
      assert.equal((await cli(['check-config', '--config', await t.file('notjson.json', '{')])).code, 1);
    } finally {
      await t.done();
    }
  });
});

describe('forwarder daemon', () => {
  it('never logs the cc-backend token or the NATS password (from the environment), even at debug level', async () => {
    const env = await startEnv({ nats: { auth: { kind: 'user' } } });
    const t = await tmp();
    try {
      const pass = env.nats.auth!.password!;
      const jwt = env.cc.jwt;
      const file = await t.file('fwd.json', {
        natsServer: env.nats.url,
        natsUser: env.nats.auth!.user,
        ccRestUrl: env.cc.url,
        concurrency: 2,
        retryInitialDelay: 0.1,
        retryMaxDelay: 0.5,
        pauseProbeMaxDelay: 0.3,
        logLevel: 'debug',
      });
      const r = loadForwarderConfig(file, { CCSB_CC_REST_JWT: jwt, CCSB_NATS_PASSWORD: pass });
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      const { logger, text, lines } = captureLogger('debug', [r.value.ccRestJwt, pass]);
      const fwd = await startForwarder(r.value, { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
      try {
        await env.publish([startEv(1), stopEv(1), startEv(2, undefined, 'nosuchcluster')]);
        await env.waitStopped([1]);
        env.cc.faults.rotateKeys(); // 401s: pause, probes, error logs with the response
        await env.publish([startEv(3)]);
        await pollUntil('paused', async () => (fwd.status().pause ? true : undefined));
        await pollUntil('a few probes', async () => ((fwd.status().pause?.probes ?? 0) >= 2 ? true : undefined));
        env.cc.faults.restoreKeys();
        await pollUntil('job 3 started', async () => (env.rowsOf(3).length === 1 ? true : undefined));
      } finally {
        await fwd.stop();
      }
      assert.ok(lines.length > 10, 'there is a log to check');
      assert.ok(!text().includes(jwt), 'no JWT in the log');
      assert.ok(!text().includes(pass), 'no NATS password in the log');
      assert.match(text(), /dead-lettered/);
    } finally {
      await env.cleanup();
      await t.done();
    }
  });

  it('re-creates its consumer when someone deletes it', async () => {
    const env = await startEnv();
    const { logger, text } = captureLogger('info');
    const fwd = await startForwarder(env.config(), { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
    try {
      await env.publish([startEv(51)]);
      await pollUntil('job 51', async () => (env.rowsOf(51).length === 1 ? true : undefined));
      await env.jsm.consumers.delete('CC_JOB_EVENTS', 'cc-backend-forwarder');
      await env.publish([stopEv(51)]);
      await env.waitStopped([51], { timeoutMs: 30_000 });
      assert.match(text(), /created consumer cc-backend-forwarder/);
    } finally {
      await fwd.stop();
      await env.cleanup();
    }
  });

  it('accepts the line protocol (cc-backend NATS API format) on the same subjects', async () => {
    const env = await startEnv();
    const { logger } = captureLogger('warn');
    const fwd = await startForwarder(env.config(), { logger, defaultMetrics: false, fetchExpiresMs: 1000 });
    try {
      await env.publish([startEv(11), stopEv(11)], { format: 'ccmessage' });
      // As the Go adapter sends it: no headers at all.
      const lp = new TextDecoder().decode(
        (await import('@cc-slurm-bridge/shared')).encodeEventMessage(startEv(12), { natsSubject: 'jobs', format: 'ccmessage' }).data,
      );
      await env.publishRaw('jobs.testcluster.start_job', lp);
      await env.waitStopped([11]);
      await pollUntil('job 12 started', async () => (env.rowsOf(12).length === 1 ? true : undefined));
      assert.equal(await env.dlqCount(), 0);
      const body = JSON.parse(env.cc.requests().find((r) => r.endpoint === 'start_job')!.body) as Record<string, unknown>;
      assert.equal(body.event, undefined, 'envelope stripped');
      assert.equal(body.jobId, 11);
    } finally {
      await fwd.stop();
      await env.cleanup();
    }
  });

  it('serves /metrics, /healthz, /readyz, /status; `status` shows stream, consumer, DLQ and the daemon', async () => {
    const env = await startEnv();
    const t = await tmp();
    const { logger } = captureLogger('warn');
    const fwd = await startForwarder(env.config({ httpListen: '127.0.0.1:0' }), { logger, fetchExpiresMs: 1000, pollInterval: 0.2 });
    try {
      await env.publish([startEv(21), stopEv(21), startEv(22, undefined, 'nosuchcluster')]);
      await env.waitStopped([21]);
      await pollUntil('dlq gauge', async () => ((await (await fetch(`http://${fwd.httpAddress}/metrics`)).text()).includes('ccsb_forwarder_dlq_messages 1') ? true : undefined));
      const m = await (await fetch(`http://${fwd.httpAddress}/metrics`)).text();
      for (const name of [
        'ccsb_forwarder_events_total{event="start_job",outcome="success",status="201"} 1',
        'ccsb_forwarder_events_total{event="start_job",outcome="dead_letter",status="400"} 1',
        'ccsb_forwarder_post_duration_seconds_bucket',
        'ccsb_forwarder_consumer_num_pending 0',
        'ccsb_forwarder_dead_lettered_total{reason="bad_request"} 1',
        'ccsb_forwarder_ready 1',
        'ccsb_forwarder_process_cpu',
      ]) {
        assert.ok(m.includes(name), `metrics contain ${name}`);
      }
      assert.equal((await fetch(`http://${fwd.httpAddress}/healthz`)).status, 200);
      assert.equal((await fetch(`http://${fwd.httpAddress}/readyz`)).status, 200);
      const cfg = await t.file('fwd.json', fileConfig(env, { httpListen: fwd.httpAddress }));
      const table = await cli(['status', '--config', cfg]);
      assert.equal(table.code, 0, table.err);
      assert.match(table.out, /consumer cc-backend-forwarder/);
      assert.match(table.out, /pending \(lag\)\s+0/);
      assert.match(table.out, /dead-letter stream CC_JOB_EVENTS_DLQ\n\s+messages\s+1/);
      assert.match(table.out, /state\s+running \(ready\)/);
      assert.match(table.out, /last error\s+.*bad_request HTTP 400/);
      const json = await cli(['status', '--config', cfg, '--json']);
      const report = JSON.parse(json.out) as { stream: { messages: number }; consumer: { numAckPending: number }; dlq: { messages: number }; daemon: { state: string } };
      assert.equal(report.stream.messages, 3);
      assert.equal(report.consumer.numAckPending, 0);
      assert.equal(report.dlq.messages, 1);
      assert.equal(report.daemon.state, 'running');
    } finally {
      await fwd.stop();
      await env.cleanup();
      await t.done();
    }
  });

  it('`run` shuts down gracefully on SIGTERM: in-flight POSTs finish, the rest is released, nothing lost', { timeout: 90_000 }, async () => {
    const env = await startEnv();
    const t = await tmp();
    try {
      const cfg = await t.file('fwd.json', fileConfig(env, { concurrency: 4, logLevel: 'info', shutdownTimeout: 10, retryInitialDelay: 0.1, retryMaxDelay: 1 }));
      env.cc.faults.addLatency(800, { endpoint: 'start_job' });
      const jobs = Array.from({ length: 40 }, (_, i) => 31_000 + i);
      await env.publish(jobs.flatMap((j) => [startEv(j), stopEv(j)]));
      const run = (): ReturnType<typeof spawnLogged> =>
        spawnLogged(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, 'packages/forwarder/src/cli.ts'), 'run', '--config', cfg], { cwd: root });
      const p1 = run();
      await pollUntil('POSTs in flight', async () => (env.cc.requests().length >= 4 ? true : undefined), { timeoutMs: 30_000 });
      const exit = await killAndWait(p1, 'SIGTERM', 20_000);
      assert.equal(exit.code, 0, p1.logLines().join('\n'));
      const log = p1.logLines().join('\n');
      assert.match(log, /signal received/);
      assert.match(log, /forwarder stopped/);
      // Every POST that reached cc-backend got its answer to the forwarder (none cut off).
      assert.ok(env.cc.requests().every((r) => r.status !== null));
      env.cc.faults.clear();
      const p2 = run();
      try {
        await env.waitStopped(jobs, { timeoutMs: 60_000 });
        for (const j of jobs) assert.equal(env.rowsOf(j).length, 1);
        assert.equal(await env.dlqCount(), 0);
      } finally {
        await killAndWait(p2, 'SIGTERM');
      }
    } finally {
      await env.cleanup();
      await t.done();
    }
  });
});
