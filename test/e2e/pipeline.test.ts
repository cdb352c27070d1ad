// End to end on a real Slurm 22.05: sbatch → PrologSlurmctld/EpilogSlurmctld (`cc-slurm-publisher
// hook`) → publisher daemon → JetStream → forwarder daemon → cc-backend double. Every process is
// real and started through its CLI; the jobs are real Slurm jobs. One cluster for the whole file,
// the scenarios run in parallel (the --time=1 job is submitted first: it costs 60-90 s).
//
// Each scenario compares the double's final row with Slurm's own accounting record (sacct):
// user, project, partition, start/stop time, state, nodes, walltime, GPUs; exactly one row, one
// successful start_job and one successful stop_job per job. Never-started jobs: nothing at all.
//
// Measured and printed (never asserted): cluster start time, per-scenario times, and the latency
// from the job's start in Slurm (sacct time.start) to the start_job POST at the double.
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { GPU_PCI, SUITE_JOBS, checkRecord, ranInSlurm, requestJobId, stats, type JobSpec, type RecordCheck, type SacctRecord } from './jobs.js';
import { fmtMs, forwarderStatus, setUpE2e, tearDownE2e, writeResults, type E2eEnv } from './common.js';
import { metricValue, readHookRuns } from './stack.js';
import { sleep } from '../harness/process.js';

const CLUSTER = 'e2epipe';
const SUITE_T0 = Date.now();

let env: E2eEnv | undefined;
let partial: Partial<E2eEnv> = {};
const log = (m: string) => process.stderr.write(`[e2e pipeline ${new Date().toISOString().slice(11, 23)}] ${m}\n`);

interface ScenarioResult {
  key: string;
  title: string;
  ids: number[];
  ms: number;
  slurmMs?: number;
  deliveredMs?: number;
  checks: RecordCheck[];
}
const results: ScenarioResult[] = [];
const submitted: Array<{ spec: JobSpec; id: number; records: SacctRecord[] }> = [];

function e(): E2eEnv {
  if (!env) throw new Error('set-up failed (see the before hook)');
  return env;
}

/** Extra, scenario-specific expectations beyond the generic Slurm-vs-cc-backend comparison. */
const EXTRA: Record<string, (recs: SacctRecord[], checks: RecordCheck[], id: number) => void> = {
  fail: (recs) => assert.equal(recs[0]!.state.current, 'FAILED'),
  timeout: (recs, checks) => {
    assert.equal(recs[0]!.state.current, 'TIMEOUT');
    assert.equal(checks[0]!.row!.walltime, 60);
  },
  cancel: (recs) => assert.equal(recs[0]!.state.current, 'CANCELLED'),
  array: (recs, checks, id) => {
    assert.equal(recs.length, 3, 'three array tasks');
    assert.equal(new Set(recs.map((r) => r.job_id)).size, 3, 'three distinct job ids');
    for (const c of checks) assert.equal(c.row!.arrayJobId, id, `task ${c.jobId}: arrayJobId is the array's id`);
    assert.ok(checks.some((c) => c.jobId === id), 'one task keeps the array job id');
  },
  multi: (_recs, checks) => {
    const row = checks[0]!.row!;
    assert.equal(row.numNodes, 2);
    const res = row.resources as Array<{ hostname: string; hwthreads?: number[] }>;
    assert.equal(res.length, 2);
    for (const r of res) assert.ok(Array.isArray(r.hwthreads) && r.hwthreads.length > 0, `${r.hostname} has hwthreads`);
    assert.equal(row.numHwthreads, res.reduce((n, r) => n + (r.hwthreads?.length ?? 0), 0));
  },
  excl: (_recs, checks) => {
    const row = checks[0]!.row!;
    assert.equal(row.shared, 'none');
    // --exclusive: the whole node (CPUs=2)
    const res = row.resources as Array<{ hwthreads?: number[] }>;
    assert.deepEqual(res[0]!.hwthreads, [0, 1]);
    assert.equal(row.numHwthreads, 2);
  },
  ok: (_recs, checks) => assert.equal(checks[0]!.row!.shared, 'multi_user'),
  gpu: (recs, checks) => {
    const row = checks[0]!.row!;
    assert.equal(recs[0]!.partition, 'gpu');
    assert.equal(row.numAcc, 1);
    const res = row.resources as Array<{ hostname: string; accelerators?: string[] }>;
    assert.match(res[0]!.hostname, /^node[12]$/);
    assert.equal(res[0]!.accelerators?.length, 1, 'one accelerator, mapped through gpuPciAddrs');
    assert.ok(GPU_PCI.includes(res[0]!.accelerators![0]!), `accelerator ${res[0]!.accelerators![0]} is one of ${GPU_PCI.join(', ')}`);
  },
  alice: (recs, checks) => {
    assert.equal(recs[0]!.user, 'alice');
    assert.equal(checks[0]!.row!.user, 'alice');
    assert.equal(checks[0]!.row!.project, 'testacct');
  },
};

async function runScenario(spec: JobSpec, t: TestContext): Promise<void> {
  const t0 = Date.now();
  const { cluster, sacct, cc, stack } = e();
  const id = await cluster.sbatch(spec.args, spec.user ? { user: spec.user } : {});
  sacct.track(id, spec.records ?? 1);
  t.diagnostic(`submitted ${spec.key} as job ${id}${spec.user ? ` (user ${spec.user})` : ''}`);

  if (spec.cancelPending) {
    await sleep(2000);
    const q = await cluster.run('/usr/bin/squeue', ['-h', '-j', String(id), '-o', '%T']);
    assert.equal(q.stdout.trim(), 'PENDING', `job ${id} is still pending before the cancel`);
    const polls0 = metricValue(await stack.metrics('publisher'), 'ccsb_publisher_polls_total');
    await cluster.run('/usr/bin/scancel', [String(id)]);
    const recs = await sacct.waitSettled(id, 60_000);
    assert.equal(recs[0]!.state.current, 'CANCELLED');
    assert.equal(ranInSlurm(recs[0]!), false, `never started (sacct: nodes ${recs[0]!.nodes}, start ${recs[0]!.time.start}, end ${recs[0]!.time.end})`);
    // two full publisher polls (squeue + sacct window) after the cancel, then: nothing sent
    for (let i = 0; metricValue(await stack.metrics('publisher'), 'ccsb_publisher_polls_total') < polls0 + 2; i++) {
      if (i > 400) throw new Error('the publisher did not poll twice within 80 s');
      await sleep(200);
    }
    await cc.refresh();
    const checks = recs.map((r) => checkRecord(r, CLUSTER, cc.jobs, cc.requests));
    submitted.push({ spec, id, records: recs });
    results.push({ key: spec.key, title: spec.title, ids: [id], ms: Date.now() - t0, checks });
    assert.deepEqual(checks.flatMap((c) => c.problems), []);
    return;
  }

  if (spec.cancelWhileRunning) {
    for (let i = 0; ; i++) {
      const q = await cluster.run('/usr/bin/squeue', ['-h', '-j', String(id), '-o', '%T']);
      if (q.stdout.trim() === 'RUNNING') break;
      if (i > 120) throw new Error(`job ${id} not running after 60 s (${q.stdout.trim()})`);
      await sleep(500);
    }
    // let it run a moment (and its start reach cc-backend), then cancel it
    await cc.waitStarted(id, 30_000).catch(() => undefined);
    await cluster.run('/usr/bin/scancel', [String(id)]);
  }

  const recs = await sacct.waitSettled(id, spec.key === 'timeout' ? 180_000 : 90_000);
  const slurmMs = Date.now() - t0;
  const ids = recs.map((r) => r.job_id);
  await cc.waitStopped(ids, 60_000);
  const deliveredMs = Date.now() - t0;
  // let any late duplicate (redelivery) arrive before judging exactly-once
  await sleep(1000);
  await cc.refresh();
  const checks = recs.map((r) => checkRecord(r, CLUSTER, cc.jobs, cc.requests));
  submitted.push({ spec, id, records: recs });
  results.push({ key: spec.key, title: spec.title, ids, ms: Date.now() - t0, slurmMs, deliveredMs, checks });
  for (const c of checks) {
    t.diagnostic(
      `job ${c.jobId}: ${c.slurmState} → ${c.row?.jobState ?? 'no row'}; start→POST ${fmtMs(c.latencyMs)}; rows ${c.rows}; start posts ${c.startPosts.ok}/${c.startPosts.total}, stop posts ${c.stopPosts.ok}/${c.stopPosts.total}`,
    );
  }
  t.diagnostic(`${spec.key}: submit→final in sacct ${fmtMs(slurmMs)}, submit→stopped in cc-backend ${fmtMs(deliveredMs)}`);
  assert.deepEqual(
    checks.flatMap((c) => c.problems.map((p) => `job ${c.jobId}: ${p}`)),
    [],
  );
  assert.equal(recs.length, spec.records ?? 1);
  for (const c of checks) assert.equal(c.row?.jobState, spec.state, `job ${c.jobId}: final state`);
  EXTRA[spec.key]?.(recs, checks, id);
}

describe(`end to end on a real Slurm 22.05: sbatch → publisher → JetStream → forwarder → cc-backend`, () => {
  before(
    async () => {
      env = await setUpE2e({ prefix: 'ccsb-e2e-pipe-', clusterName: CLUSTER, commitIntervalSec: 60, log }, (p) => (partial = p));
      log(
        `set up in ${fmtMs(env.setupMs)}: cluster start ${fmtMs(env.clusterStart.totalMs)} (${Object.entries(env.clusterStart.timings)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}), build ${fmtMs(env.buildMs)}; work dir ${env.dir}`,
      );
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

  describe('scenarios (in parallel on one cluster)', { concurrency: true }, () => {
    for (const spec of SUITE_JOBS) {
      test(`${spec.key}: ${spec.title}`, { timeout: 240_000 }, (t) => runScenario(spec, t));
    }
  });

  test('every job exactly once, started and stopped; nothing else; nothing dead-lettered', { timeout: 60_000 }, async (t) => {
    const { cc, stack, dir } = e();
    await cc.refresh();
    const started = submitted.flatMap((s) => s.records).filter(ranInSlurm);
    const known = new Set(submitted.flatMap((s) => s.records.map((r) => r.job_id)));
    // no row for anything we did not submit, exactly one row per started job
    const stray = cc.jobs.filter((r) => !known.has(r.jobId));
    assert.deepEqual(stray.map((r) => r.jobId), [], 'rows for unknown jobs');
    const keys = cc.jobs.map((r) => `${r.jobId}@${r.startTime}`);
    assert.equal(new Set(keys).size, keys.length, `duplicate rows: ${keys.join(' ')}`);
    assert.equal(cc.jobs.length, started.length, 'one row per started job');
    assert.ok(cc.jobs.every((r) => r.jobState !== 'running'), 'every row stopped');
    const strayReq = cc.requests.filter((r) => (r.endpoint === 'start_job' || r.endpoint === 'stop_job') && !known.has(requestJobId(r) ?? -1));
    assert.deepEqual(strayReq.map((r) => r.body.slice(0, 80)), []);
    assert.equal(
      submitted.filter((s) => s.spec.cancelPending).length,
      SUITE_JOBS.filter((s) => s.cancelPending).length,
      'the never-started scenarios ran',
    );

    const st = await forwarderStatus(stack);
    t.diagnostic(`forwarder status: stream ${st.stream.messages} msgs, consumer pending ${st.consumer.numPending}, ack pending ${st.consumer.numAckPending}, DLQ ${st.dlq.messages}`);
    assert.equal(st.dlq.messages ?? 0, 0, 'nothing dead-lettered');
    assert.equal(st.consumer.numPending, 0);
    assert.equal(st.stream.messages, 2 * started.length, 'one start and one stop per started job in the stream');

    // the jobs were reported by the slurmctld hook (not only found by the poll)
    const pubMetrics = await stack.metrics('publisher');
    const prologs = metricValue(pubMetrics, 'ccsb_publisher_hook_messages_total', { context: 'prolog_slurmctld' });
    const epilogs = metricValue(pubMetrics, 'ccsb_publisher_hook_messages_total', { context: 'epilog_slurmctld' });
    t.diagnostic(`hook messages: ${prologs} prolog, ${epilogs} epilog for ${started.length} started jobs`);
    assert.ok(prologs >= started.length && epilogs >= started.length, `every started job reached the publisher through the hook (prolog ${prologs}, epilog ${epilogs}, jobs ${started.length})`);

    // ---------------------------------------------------------------- numbers
    const checks = results.flatMap((r) => r.checks);
    const lat = stats(checks.map((c) => c.latencyMs).filter((x): x is number => x !== undefined));
    const hookRuns = readHookRuns(stack.o.hook.hookLog);
    const hookLat = stats(
      checks
        .map((c) => {
          const prolog = hookRuns.get(c.jobId)?.['prolog_slurmctld'];
          return prolog !== undefined && c.startPosts.firstOkAt !== undefined ? c.startPosts.firstOkAt - prolog : undefined;
        })
        .filter((x): x is number => x !== undefined),
    );
    const counters = (await stack.ccGet('counters')) as { byEndpoint: Record<string, Record<string, number>> };
    const fwdMetrics = await stack.metrics('forwarder');
    const env0 = e();
    const summary = {
      suite: 'pipeline',
      clusterStartMs: env0.clusterStart.totalMs,
      clusterStartTimings: env0.clusterStart.timings,
      buildMs: env0.buildMs,
      setupMs: env0.setupMs,
      scenarios: results.map((r) => ({ key: r.key, ids: r.ids, ms: r.ms, submitToFinalInSlurmMs: r.slurmMs, submitToStoppedInCcMs: r.deliveredMs })),
      hookToCcBackendLatencyMs: { definition: 'sacct time.start (s) → start_job POST received by the double (ms)', ...lat },
      prologToCcBackendLatencyMs: { definition: 'PrologSlurmctld hook script ran (ms) → start_job POST received by the double (ms)', ...hookLat },
      ccBackendRequests: counters.byEndpoint,
      forwarderEvents: {
        success: metricValue(fwdMetrics, 'ccsb_forwarder_events_total', { outcome: 'success' }),
        idempotent: metricValue(fwdMetrics, 'ccsb_forwarder_events_total', { outcome: 'idempotent' }),
        retry: metricValue(fwdMetrics, 'ccsb_forwarder_events_total', { outcome: 'retry' }),
        stopNotFound: metricValue(fwdMetrics, 'ccsb_forwarder_events_total', { outcome: 'stop_not_found' }),
      },
      suiteMsSoFar: Date.now() - SUITE_T0,
      workDir: dir,
    };
    const path = writeResults('pipeline', summary);
    t.diagnostic(`cluster start time: ${fmtMs(env0.clusterStart.totalMs)}`);
    for (const r of results) t.diagnostic(`scenario ${r.key}: ${fmtMs(r.ms)} (sacct final ${fmtMs(r.slurmMs)}, stopped in cc-backend ${fmtMs(r.deliveredMs)})`);
    t.diagnostic(`hook→cc-backend latency (sacct start → start_job POST): median ${fmtMs(lat.median)}, max ${fmtMs(lat.max)} over ${lat.n} jobs`);
    t.diagnostic(`prolog hook run → start_job POST: median ${fmtMs(hookLat.median)}, max ${fmtMs(hookLat.max)} over ${hookLat.n} jobs`);
    t.diagnostic(`cc-backend requests: ${JSON.stringify(counters.byEndpoint)}`);
    t.diagnostic(`numbers written to ${path}`);
    process.stderr.write(
      `E2E SUMMARY pipeline: cluster start ${fmtMs(env0.clusterStart.totalMs)}; ${results.length} scenarios, ${checks.length} job records; hook→cc-backend latency median ${fmtMs(lat.median)} max ${fmtMs(lat.max)}; suite so far ${fmtMs(Date.now() - SUITE_T0)}; ${path}\n`,
    );
  });
});
