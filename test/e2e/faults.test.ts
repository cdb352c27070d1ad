// End to end on a real Slurm 22.05 with faults: the publisher is stopped (SIGTERM) and killed
// (kill -9) while jobs run and end, and nats-server is killed -9 and restarted a few seconds later
// while jobs start. Each phase must end with complete, exactly-once records in the cc-backend
// double: one row per job, one successful start_job and one successful stop_job, every field equal
// to Slurm's accounting record. One cluster for the whole file; the phases run one after another.
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { checkRecord, ranInSlurm, stats, type RecordCheck, type SacctRecord } from './jobs.js';
import { fmtMs, forwarderStatus, setUpE2e, tearDownE2e, writeResults, type E2eEnv } from './common.js';
import { metricValue } from './stack.js';
import { sleep } from '../harness/process.js';

const CLUSTER = 'e2efaults';
const SUITE_T0 = Date.now();
let env: E2eEnv | undefined;
let partial: Partial<E2eEnv> = {};
const log = (m: string) => process.stderr.write(`[e2e faults ${new Date().toISOString().slice(11, 23)}] ${m}\n`);
const allRecords: SacctRecord[] = [];
const phases: Array<{ name: string; ms: number; jobs: number; outageMs: number; checks: RecordCheck[]; notes: string[] }> = [];

function e(): E2eEnv {
  if (!env) throw new Error('set-up failed (see the before hook)');
  return env;
}

async function submit(name: string, seconds: number, extra: string[] = []): Promise<number> {
  return e().cluster.sbatch(['-J', name, '-o', '/dev/null', '-e', '/dev/null', ...extra, '--wrap', `sleep ${seconds}`]);
}

async function waitRunning(ids: number[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const q = await e().cluster.run('/usr/bin/squeue', ['-h', '-o', '%i %T']);
    const st = new Map(q.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/) as [string, string]));
    if (ids.every((id) => st.get(String(id)) !== undefined && st.get(String(id)) !== 'PENDING')) return;
    if (Date.now() > deadline) throw new Error(`jobs not running within ${timeoutMs} ms: ${ids.map((id) => `${id}=${st.get(String(id))}`).join(' ')}`);
    await sleep(250);
  }
}

/** Waits for Slurm and the double to agree on every job, then checks exactly-once. */
async function settle(t: TestContext, name: string, ids: number[], t0: number, outageMs: number, notes: string[]): Promise<void> {
  const { sacct, cc } = e();
  for (const id of ids) sacct.track(id);
  const recs: SacctRecord[] = [];
  for (const id of ids) recs.push(...(await sacct.waitSettled(id, 120_000)));
  const started = recs.filter(ranInSlurm);
  await cc.waitStopped(
    started.map((r) => r.job_id),
    120_000,
  );
  await sleep(1500); // late duplicates (redeliveries) would show up now
  await cc.refresh();
  const checks = recs.map((r) => checkRecord(r, CLUSTER, cc.jobs, cc.requests));
  allRecords.push(...recs);
  phases.push({ name, ms: Date.now() - t0, jobs: recs.length, outageMs, checks, notes });
  for (const c of checks) {
    t.diagnostic(
      `job ${c.jobId}: ${c.slurmState} → ${c.row?.jobState ?? 'no row'}; rows ${c.rows}; start posts ${c.startPosts.ok}/${c.startPosts.total}, stop posts ${c.stopPosts.ok}/${c.stopPosts.total}`,
    );
  }
  for (const n of notes) t.diagnostic(n);
  t.diagnostic(`${name}: ${fmtMs(Date.now() - t0)} (outage ${fmtMs(outageMs)})`);
  assert.deepEqual(
    checks.flatMap((c) => c.problems.map((p) => `job ${c.jobId}: ${p}`)),
    [],
  );
  assert.equal(started.length, recs.length, 'every job of the phase ran');
}

describe('end to end on a real Slurm 22.05 with publisher restarts and a nats-server crash', () => {
  before(
    async () => {
      env = await setUpE2e({ prefix: 'ccsb-e2e-faults-', clusterName: CLUSTER, commitIntervalSec: 10, publisherExtra: { slurmPollInterval: 10 }, log }, (p) => (partial = p));
      log(`set up in ${fmtMs(env.setupMs)}: cluster start ${fmtMs(env.clusterStart.totalMs)}; work dir ${env.dir}`);
    },
    { timeout: 300_000 },
  );

  after(
    async () => {
      const down = await tearDownE2e(env ?? partial);
      log(`torn down in ${fmtMs(down.stopMs)}`);
      assert.deepEqual(down.survivors, [], 'processes left behind');
    },
    { timeout: 120_000 },
  );

  test('publisher stopped (SIGTERM) while jobs run and end, restarted 10 s later', { timeout: 240_000 }, async (t) => {
    const t0 = Date.now();
    const { stack } = e();
    // running across the restart: start seen before, stop while the publisher is down
    const before = [await submit('sigterm-a', 6), await submit('sigterm-b', 6), await submit('sigterm-c', 30)];
    await waitRunning(before);
    await e().cc.waitStarted(before[0]!, 30_000);
    const down0 = Date.now();
    const r = await stack.publisher!.stop('SIGTERM', 30_000);
    assert.equal(r.code, 0, `publisher exit after SIGTERM (${r.signal ?? ''}):\n${stack.publisher!.tail()}`);
    // start and end entirely while the publisher is down (their hooks cannot reach it)
    const during = [await submit('sigterm-d', 2), await submit('sigterm-e', 2)];
    await sleep(10_000);
    await stack.startPublisher();
    const outage = Date.now() - down0;
    // ends after the restart
    await e().cluster.run('/usr/bin/scancel', [String(before[2])]);
    await settle(t, 'publisher SIGTERM', [...before, ...during], t0, outage, [`publisher down for ${fmtMs(outage)}`]);
  });

  test('publisher killed (kill -9) while hooks for starting and ending jobs are in flight, restarted 5 s later', { timeout: 240_000 }, async (t) => {
    const t0 = Date.now();
    const { stack } = e();
    const ids = [await submit('kill9-a', 3), await submit('kill9-b', 3), await submit('kill9-c', 3), await submit('kill9-d', 8)];
    await waitRunning(ids);
    // the prolog hooks have fired; the publisher queries ~1 s after them (slurmQueryDelay)
    await sleep(1100);
    const m0 = await stack.metrics('publisher');
    const published0 = metricValue(m0, 'ccsb_publisher_events_acked_total');
    const outbox0 = metricValue(m0, 'ccsb_publisher_outbox_depth');
    const down0 = Date.now();
    const r = await stack.publisher!.stop('SIGKILL');
    assert.equal(r.signal, 'SIGKILL');
    const more = [await submit('kill9-e', 1)];
    await sleep(5000);
    await stack.startPublisher();
    const outage = Date.now() - down0;
    await settle(t, 'publisher kill -9', [...ids, ...more], t0, outage, [`publisher had ${published0} events acked by JetStream and ${outbox0} in its outbox when killed; down for ${fmtMs(outage)}`]);
  });

  test('nats-server killed (kill -9) while jobs start, restarted 6 s later', { timeout: 240_000 }, async (t) => {
    const t0 = Date.now();
    const { nats } = e();
    const down0 = Date.now();
    await nats.kill9();
    const ids = [await submit('nats-a', 2), await submit('nats-b', 4), await submit('nats-c', 10), await submit('nats-d', 1, ['-N', '2'])];
    await waitRunning(ids).catch(() => undefined);
    await sleep(6000);
    await nats.restart();
    const outage = Date.now() - down0;
    await settle(t, 'nats-server kill -9', ids, t0, outage, [`nats-server down for ${fmtMs(outage)}`]);
  });

  test('publisher killed (kill -9) with unacknowledged events in its outbox while nats-server is down', { timeout: 240_000 }, async (t) => {
    const t0 = Date.now();
    const { nats, stack } = e();
    const down0 = Date.now();
    await nats.kill9();
    const ids = [await submit('outbox-a', 2), await submit('outbox-b', 6), await submit('outbox-c', 1, ['--exclusive'])];
    await waitRunning(ids).catch(() => undefined);
    // wait until the hook queries have put the starts into the outbox (JetStream cannot ack them)
    let depth = 0;
    for (let i = 0; i < 60 && depth < ids.length; i++) {
      await sleep(250);
      depth = metricValue(await stack.metrics('publisher'), 'ccsb_publisher_outbox_depth');
    }
    const r = await stack.publisher!.stop('SIGKILL');
    assert.equal(r.signal, 'SIGKILL');
    await stack.startPublisher(false);
    await sleep(3000);
    await nats.restart();
    await stack.waitReady('publisher', stack.publisher!, stack.publisherHttp);
    const outage = Date.now() - down0;
    await settle(t, 'publisher kill -9 with a full outbox, nats down', ids, t0, outage, [`publisher killed with ${depth} events in its outbox; nats-server down for ${fmtMs(outage)}`]);
    assert.ok(depth >= 1, 'the outbox held unacknowledged events when the publisher was killed');
  });

  test('after all faults: every job exactly once, nothing else, nothing dead-lettered', { timeout: 60_000 }, async (t) => {
    const { cc, stack } = e();
    await cc.refresh();
    const started = allRecords.filter(ranInSlurm);
    const keys = cc.jobs.map((r) => `${r.jobId}@${r.startTime}`);
    assert.equal(new Set(keys).size, keys.length, `duplicate rows: ${keys.join(' ')}`);
    assert.deepEqual(cc.jobs.map((r) => r.jobId).sort((a, b) => a - b), started.map((r) => r.job_id).sort((a, b) => a - b));
    assert.ok(cc.jobs.every((r) => r.jobState !== 'running'));
    const st = await forwarderStatus(stack);
    assert.equal(st.dlq.messages ?? 0, 0, 'nothing dead-lettered');
    assert.equal(st.stream.messages, 2 * started.length, 'exactly one start and one stop per job in the stream (republished events deduplicated)');
    assert.equal(st.consumer.numPending, 0);
    const counters = (await stack.ccGet('counters')) as { byEndpoint: Record<string, Record<string, number>> };
    const lat = stats(phases.flatMap((p) => p.checks).map((c) => c.latencyMs).filter((x): x is number => x !== undefined));
    const summary = {
      suite: 'faults',
      clusterStartMs: e().clusterStart.totalMs,
      setupMs: e().setupMs,
      phases: phases.map((p) => ({ name: p.name, ms: p.ms, jobs: p.jobs, outageMs: p.outageMs, notes: p.notes })),
      startLatencyMs: { definition: 'sacct time.start → first start_job 201 at the double; includes the outages', ...lat },
      ccBackendRequests: counters.byEndpoint,
      stream: st.stream,
      suiteMsSoFar: Date.now() - SUITE_T0,
    };
    const path = writeResults('faults', summary);
    for (const p of phases) t.diagnostic(`phase ${p.name}: ${fmtMs(p.ms)}, ${p.jobs} jobs, outage ${fmtMs(p.outageMs)}`);
    t.diagnostic(`cc-backend requests: ${JSON.stringify(counters.byEndpoint)}`);
    t.diagnostic(`numbers written to ${path}`);
    process.stderr.write(
      `E2E SUMMARY faults: cluster start ${fmtMs(e().clusterStart.totalMs)}; ${phases.map((p) => `${p.name} ${fmtMs(p.ms)}`).join(', ')}; requests ${JSON.stringify(counters.byEndpoint)}; ${path}\n`,
    );
  });
});
