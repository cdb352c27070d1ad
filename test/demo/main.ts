// `pnpm demo [--once] [--keep] [--replay]`: the whole bridge, end to end, on this machine.
//
// Starts a real single-host Slurm 22.05 cluster (its PrologSlurmctld/EpilogSlurmctld run
// `cc-slurm-publisher hook`), a private nats-server with JetStream, the cc-backend test double,
// the forwarder and the publisher; submits a mix of jobs (ok, failing, array, multi-node, GPU,
// exclusive, another user's, cancelled while running) and shows every request cc-backend receives
// as it happens. Then a summary table: every submitted job, whether its start and stop arrived, in
// which state.
//
//   (default)  after the summary everything keeps running (submit more jobs, they show up);
//              Ctrl-C stops everything the demo started
//   --once     stop everything after the summary; exit 0 only when every job was delivered
//   --keep     leave everything running after the summary and print how to look at it and stop it
//   --replay   do not try Slurm; replay real captures through the Slurm stand-ins
//
// Where Slurm cannot be installed (not root, not Debian) or does not start, the demo says so and
// replays real Slurm 22.05 captures through the Slurm stand-ins instead (test/demo/replay.ts).
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CcWatcher, GPU_PCI_ADDRS, SacctWatcher, checkRecord, ranInSlurm, requestJobId, stats, type JobSpec, type RecordCheck, type SacctRecord } from '../e2e/jobs.js';
import { BridgeStack, ROOT, ensureBuilt, makeWorkDir, metricValue, pidAlive, startProc, writeHookScript, type HookPaths, type Proc } from '../e2e/stack.js';
import type { RequestRecord } from '../cc-backend/mod.js';
import { freePorts, sleep } from '../harness/process.js';
import { natsServerBinary } from '../harness/nats-server.js';
import { SlurmCluster, leftoverStepds } from '../slurm/cluster.js';
import { STANDIN_BIN_DIR } from '../slurm-standins/scenario.js';
import { CaptureReplay, REPLAY_CLUSTER } from './replay.js';

// ---------------------------------------------------------------------------------------------
// options and output

const argv = process.argv.slice(2);
const ONCE = argv.includes('--once');
const KEEP = argv.includes('--keep');
const FORCE_REPLAY = argv.includes('--replay');
if (argv.includes('--help') || argv.includes('-h')) {
  console.log('usage: pnpm demo [--once | --keep] [--replay]');
  process.exit(0);
}
for (const a of argv) {
  if (!['--once', '--keep', '--replay'].includes(a)) {
    console.error(`demo: unknown argument ${a}\nusage: pnpm demo [--once | --keep] [--replay]`);
    process.exit(2);
  }
}
if (ONCE && KEEP) {
  console.error('demo: --once and --keep exclude each other');
  process.exit(2);
}

const tty = process.stdout.isTTY;
const c = (code: string) => (s: string | number) => (tty ? `\x1b[${code}m${s}\x1b[0m` : String(s));
const bold = c('1');
const dim = c('2');
const green = c('32');
const red = c('31');
const yellow = c('33');
const cyan = c('36');
const hhmmss = (ms: number) => new Date(ms).toISOString().slice(11, 23);
const say = (s = '') => process.stdout.write(`${s}\n`);
const step = (s: string) => say(`${dim(hhmmss(Date.now()))} ${cyan('▸')} ${s}`);
const secs = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const CLUSTER = 'democluster';

// ---------------------------------------------------------------------------------------------
// what the demo started, for the clean-up

const procs: Proc[] = [];
let cluster: SlurmCluster | undefined;
let replay: CaptureReplay | undefined;
let stack: BridgeStack | undefined;
let sacct: SacctWatcher | undefined;
let cc: CcWatcher | undefined;
let cleaning: Promise<void> | undefined;
let leaveRunning = false;
let workDir: string | undefined;

async function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    replay?.stop();
    sacct?.stop();
    cc?.stop();
    if (leaveRunning) return;
    // publisher first (its outbox drains), then forwarder, double, nats-server
    for (const p of [...procs].reverse()) if (!p.hasExited()) await p.stop('SIGTERM', 15_000);
    if (cluster) await cluster.stop({ purge: true }).catch((e: Error) => say(red(`stopping Slurm failed: ${e.message}`)));
  })();
  return cleaning;
}

// last resort: if the demo dies anyway, no child of ours stays behind
process.on('exit', () => {
  if (leaveRunning) return;
  for (const p of procs) if (pidAlive(p.pid)) process.kill(p.pid, 'SIGKILL');
});
// Set-up (Slurm, nats-server, daemons, job submission) is one phase: a Ctrl-C during it lets the
// current step finish (so that nothing it starts is missed) and then stops everything.
let setupFinished: () => void = () => {};
const setupDone = new Promise<void>((r) => (setupFinished = r));
let aborting = false;
function checkAbort(): void {
  if (aborting) throw new Error('interrupted');
}

let interrupted = 0;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    interrupted++;
    if (interrupted > 1) return;
    aborting = true;
    say();
    step(`${sig}: stopping everything the demo started …`);
    leaveRunning = false;
    void Promise.race([setupDone, sleep(120_000)])
      .then(() => cleanup())
      .finally(() => {
        if (workDir && !leaveRunning) rmSync(workDir, { recursive: true, force: true });
        step('stopped.');
        process.exit(130);
      });
  });
}

// ---------------------------------------------------------------------------------------------
// nats-server (own config; detached so that --keep can leave it running)

async function startNats(dir: string): Promise<{ url: string; monitor: number; proc: Proc }> {
  const [port, monitor] = (await freePorts(2)) as [number, number];
  const conf = join(dir, 'nats-server.conf');
  writeFileSync(
    conf,
    [
      'server_name: ccsb-demo',
      `listen: "127.0.0.1:${port}"`,
      `http: "127.0.0.1:${monitor}"`,
      `jetstream { store_dir: ${JSON.stringify(join(dir, 'nats'))}, max_memory_store: 64MB, max_file_store: 1GB }`,
      '',
    ].join('\n'),
  );
  const proc = startProc('nats-server', natsServerBinary(), ['-c', conf], { logFile: join(dir, 'log', 'nats-server.log'), detached: true });
  procs.push(proc);
  for (let i = 0; ; i++) {
    if (proc.hasExited()) throw new Error(`nats-server exited:\n${proc.tail()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${monitor}/healthz`)).status === 200) break;
    } catch {
      /* not yet */
    }
    if (i > 300) throw new Error(`nats-server not ready after 30 s:\n${proc.tail()}`);
    await sleep(100);
  }
  return { url: `nats://127.0.0.1:${port}`, monitor, proc };
}

// ---------------------------------------------------------------------------------------------
// the jobs

const OUT = ['-o', '/dev/null', '-e', '/dev/null'];
const DEMO_JOBS: JobSpec[] = [
  { key: 'ok', title: 'short job', args: ['-J', 'demo-ok', ...OUT, '--wrap', 'sleep 3'], state: 'completed' },
  { key: 'fail', title: 'exits 3', args: ['-J', 'demo-fail', ...OUT, '--wrap', 'sleep 2; exit 3'], state: 'failed' },
  { key: 'array', title: '3-task array', args: ['-J', 'demo-array', '--array=1-3', ...OUT, '--wrap', 'sleep 3'], records: 3, state: 'completed' },
  { key: 'multi', title: '2 nodes', args: ['-J', 'demo-multi', '-N', '2', ...OUT, '--wrap', 'srun sleep 3'], state: 'completed' },
  { key: 'gpu', title: '1 GPU', args: ['-J', 'demo-gpu', '-p', 'gpu', '--gres=gpu:1', ...OUT, '--wrap', 'sleep 3'], state: 'completed' },
  { key: 'excl', title: 'exclusive node', args: ['-J', 'demo-excl', '--exclusive', ...OUT, '--wrap', 'sleep 2'], state: 'completed' },
  { key: 'alice', title: "alice's job", args: ['-J', 'demo-alice', ...OUT, '--wrap', 'sleep 2'], user: 'alice', state: 'completed' },
  { key: 'cancel', title: 'cancelled while running', args: ['-J', 'demo-cancel', ...OUT, '--wrap', 'sleep 300'], cancelWhileRunning: true, state: 'cancelled' },
];

interface Tracked {
  kind: string;
  submitId: number;
  records: SacctRecord[];
  settled: boolean;
}

// ---------------------------------------------------------------------------------------------
// live view: one line per request cc-backend received

let shown = 0;
const jobKinds = new Map<number, string>();

function requestLine(r: RequestRecord): string {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(r.body) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  const jobId = requestJobId(r);
  const event = r.endpoint;
  const t = event === 'start_job' ? body['startTime'] : body['stopTime'];
  const lag = typeof t === 'number' ? r.time - t * 1000 : undefined;
  const status = r.status === null ? red('reset') : r.status < 300 ? green(r.status) : r.status < 500 ? yellow(r.status) : red(r.status);
  const what = event === 'start_job' ? `start ${String(body['user'] ?? '')}@${String(body['partition'] ?? '')} ${(body['resources'] as unknown[] | undefined)?.length ?? '?'} node(s)` : `stop  ${String(body['jobState'] ?? '')}`;
  const arrayJobId = typeof body['arrayJobId'] === 'number' ? body['arrayJobId'] : 0;
  const kind = (jobId !== undefined ? jobKinds.get(jobId) : undefined) ?? jobKinds.get(arrayJobId) ?? '';
  if (jobId !== undefined && kind) jobKinds.set(jobId, kind);
  return `${dim(hhmmss(r.time))}  job ${pad(String(jobId ?? '?'), 6)} ${pad(event, 9)} ${status}  ${pad(what, 34)} ${dim(`${pad(kind, 8)} Slurm→cc-backend ${secs(lag)}, handled in ${r.durationMs} ms`)}`;
}

async function pumpLiveView(): Promise<void> {
  if (!cc) return;
  const reqs = cc.requests;
  for (; shown < reqs.length; shown++) {
    const r = reqs[shown]!;
    if (r.endpoint === 'start_job' || r.endpoint === 'stop_job') say(requestLine(r));
  }
}

let lastMetricsLine = '';
async function metricsLine(): Promise<string> {
  if (!stack) return '';
  try {
    const [f, p] = await Promise.all([stack.metrics('forwarder'), stack.metrics('publisher')]);
    const ok = metricValue(f, 'ccsb_forwarder_events_total', { outcome: 'success' });
    const idem = metricValue(f, 'ccsb_forwarder_events_total', { outcome: 'idempotent' });
    const retry = metricValue(f, 'ccsb_forwarder_events_total', { outcome: 'retry' });
    const nf = metricValue(f, 'ccsb_forwarder_events_total', { outcome: 'stop_not_found' });
    const dl = metricValue(f, 'ccsb_forwarder_events_total', { outcome: 'dead_letter' });
    const n = metricValue(f, 'ccsb_forwarder_post_duration_seconds_count');
    const sum = metricValue(f, 'ccsb_forwarder_post_duration_seconds_sum');
    const acked = metricValue(p, 'ccsb_publisher_events_acked_total');
    const depth = metricValue(p, 'ccsb_publisher_outbox_depth');
    const hooks = metricValue(p, 'ccsb_publisher_hook_messages_total');
    return `publisher: ${hooks} hook messages, ${acked} events acked by JetStream, outbox ${depth} · forwarder: ${ok} posted, ${idem} idempotent, ${retry} retried, ${nf} stop-before-start, ${dl} dead-lettered, mean POST ${n ? ((sum / n) * 1000).toFixed(1) : '-'} ms`;
  } catch {
    return '';
  }
}

async function maybeMetricsLine(): Promise<void> {
  const l = await metricsLine();
  if (l && l !== lastMetricsLine) {
    lastMetricsLine = l;
    say(dim(`           ${l}`));
  }
}

// ---------------------------------------------------------------------------------------------
// main

/** What a demo run reports (also read by test/e2e/demo.test.ts from its JSON output). */
export interface DemoResult {
  mode: 'slurm' | 'replay';
  dir: string;
  submitted: number;
  delivered: number;
  neverStarted: number;
  problems: string[];
  pids: number[];
  clusterBase?: string;
  clusterPids?: number[];
  latencyMs?: { median?: number; max?: number; n: number };
  exitCode: number;
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const dir = makeWorkDir('ccsb-demo-');
  workDir = dir;
  say(bold('cc-slurm-bridge demo: Slurm → publisher → NATS JetStream → forwarder → cc-backend'));
  say(dim(`work dir ${dir} (configs, logs, state)`));
  const hook: HookPaths = writeHookScript(dir);

  // 1. Slurm (or the fallback), nats-server and the build, in parallel
  step('starting a Slurm 22.05 cluster, a private nats-server and building the daemons …');
  let mode: 'slurm' | 'replay' = FORCE_REPLAY ? 'replay' : 'slurm';
  const buildP = ensureBuilt();
  const natsP = startNats(dir);
  // awaited below; until then a failure must not count as an unhandled rejection
  buildP.catch(() => undefined);
  natsP.catch(() => undefined);
  if (mode === 'slurm') {
    const cl = new SlurmCluster({ base: join(dir, 'slurm'), clusterName: CLUSTER, nodes: 4, prologSlurmctld: hook.script, epilogSlurmctld: hook.script });
    cluster = cl;
    try {
      const r = await cl.start();
      step(`Slurm cluster ${bold(CLUSTER)} up in ${secs(r.totalMs)}: 4 nodes (node1, node2 with 2 fake GPUs each), partitions debug and gpu`);
      if (!cl.gpus) say(yellow('  (no fake GPUs: mknod not permitted; the GPU job will stay pending)'));
    } catch (e) {
      say(yellow(`Slurm is not available here: ${(e as Error).message.split('\n')[0]}`));
      say(yellow('→ replaying real Slurm 22.05 captures through the Slurm stand-ins instead (test/slurm-standins/)'));
      await cl.stop({ purge: true }).catch(() => undefined);
      cluster = undefined;
      mode = 'replay';
    }
  } else {
    say(yellow('--replay: replaying real Slurm 22.05 captures through the Slurm stand-ins'));
  }
  const nats = await natsP;
  checkAbort();
  step(`nats-server (JetStream) on ${nats.url}, monitoring http://127.0.0.1:${nats.monitor}/`);
  const buildMs = await buildP;
  step(`daemons built (${secs(buildMs)})`);

  // 2. the double, the forwarder, the publisher
  checkAbort();
  if (mode === 'replay') replay = new CaptureReplay(join(dir, 'standin'), 1000, 4000);
  const clusterName = mode === 'slurm' ? CLUSTER : REPLAY_CLUSTER;
  stack = new BridgeStack({
    dir,
    hook,
    clusterName,
    hosts: 'node[1-4]',
    natsUrl: nats.url,
    commitIntervalSec: 60,
    slurmBinDir: mode === 'slurm' ? '/usr/bin' : STANDIN_BIN_DIR,
    slurmEnv: mode === 'slurm' ? cluster!.env() : replay!.env(),
    publisherExtra:
      mode === 'slurm'
        ? { gpuPciAddrs: GPU_PCI_ADDRS, slurmPollInterval: 15 }
        : { gpuPciAddrs: GPU_PCI_ADDRS, slurmPollInterval: 1, slurmQueryDelay: 0.2, initialLookback: 600 },
    detached: true,
  });
  const ccInfo = await stack.startCcBackend().finally(() => {
    if (stack!.ccProc) procs.push(stack!.ccProc);
  });
  step(`cc-backend double on ${ccInfo.url} (cluster ${clusterName}, hosts node[1-4], job_cache commit every 60 s)`);
  checkAbort();
  await stack.startDaemons().finally(() => {
    for (const p of [stack!.forwarder, stack!.publisher]) if (p && !procs.includes(p)) procs.push(p);
  });
  step(`forwarder running (metrics http://127.0.0.1:${stack.forwarderHttp}/metrics), publisher running (metrics http://127.0.0.1:${stack.publisherHttp}/metrics)`);
  checkAbort();
  cc = new CcWatcher(stack, 250);
  cc.start();

  // 3. jobs
  const tracked: Tracked[] = [];
  say();
  say(bold(`${pad('time', 12)}  ${pad('job', 10)} ${pad('event', 9)} HTTP ${pad('what', 34)} kind / latency`));
  const live = setInterval(() => void pumpLiveView(), 250);
  const metricsTimer = setInterval(() => void maybeMetricsLine(), 5000);

  if (mode === 'slurm') {
    const cl = cluster!;
    sacct = new SacctWatcher(cl, 1000);
    for (const spec of DEMO_JOBS.filter((j) => j.key !== 'gpu' || cl.gpus)) {
      checkAbort();
      const id = await cl.sbatch(spec.args, spec.user ? { user: spec.user } : {});
      jobKinds.set(id, spec.key);
      sacct.track(id, spec.records ?? 1);
      tracked.push({ kind: spec.key, submitId: id, records: [], settled: false });
      say(dim(`${hhmmss(Date.now())}  sbatch ${spec.user ? `(as ${spec.user}) ` : ''}${spec.args.filter((a) => !['-o', '-e', '/dev/null'].includes(a)).join(' ')} → job ${id}`));
    }
    const cancel = tracked.find((t) => t.kind === 'cancel')!;
    void (async () => {
      await cc!.waitStarted(cancel.submitId, 60_000).catch(() => undefined);
      await sleep(1000);
      say(dim(`${hhmmss(Date.now())}  scancel ${cancel.submitId}`));
      await cl.run('/usr/bin/scancel', [String(cancel.submitId)]);
    })();
  } else {
    const rp = replay!;
    for (const j of rp.jobs) jobKinds.set(j.record.job_id, j.record.name.replace(/-job$/, ''));
    rp.start((j) => {
      say(dim(`${hhmmss(Date.now())}  sacct now shows job ${j.record.job_id} (${j.record.name}, ${j.record.state.current}${ranInSlurm(j.record) ? '' : ', never started'})`));
      tracked.push({ kind: j.record.name.replace(/-job$/, ''), submitId: j.record.job_id, records: [j.record], settled: true });
    });
  }

  setupFinished();

  // 4. wait until every job is final in Slurm and, if it ran, stopped in cc-backend
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (mode === 'slurm') {
      for (const t of tracked) {
        if (t.settled) continue;
        const recs = sacct!.records(t.submitId);
        try {
          t.records = await sacct!.waitSettled(t.submitId, 0);
          t.settled = true;
        } catch {
          t.records = recs;
        }
      }
    }
    const allSettled = (mode === 'slurm' || replay!.done) && tracked.every((t) => t.settled);
    const ran = tracked.flatMap((t) => t.records).filter(ranInSlurm);
    const stopped = ran.every((r) => cc!.rowsOf(r.job_id).some((row) => row.jobState !== 'running'));
    if (allSettled && stopped) break;
    if (Date.now() > deadline) {
      say(red('gave up waiting after 240 s'));
      break;
    }
    await sleep(300);
  }
  await sleep(1000);
  await cc.refresh();
  await pumpLiveView();
  clearInterval(live);
  clearInterval(metricsTimer);
  say(dim(`           ${await metricsLine()}`));

  // 5. summary
  const checks: Array<{ kind: string; rec: SacctRecord; check: RecordCheck }> = [];
  for (const t of tracked) for (const rec of t.records) checks.push({ kind: t.kind, rec, check: checkRecord(rec, clusterName, cc.jobs, cc.requests) });
  checks.sort((a, b) => a.rec.job_id - b.rec.job_id);
  say();
  say(bold('summary'));
  const head = ['JOB', 'KIND', 'USER', 'PARTITION', 'NODES', 'SLURM STATE', 'START', 'STOP', 'CC-BACKEND', 'Slurm→cc', 'RESULT'];
  const rows = checks.map(({ kind, rec, check }) => {
    const ran = ranInSlurm(rec);
    const ok = check.problems.length === 0;
    return [
      String(rec.job_id),
      kind,
      rec.user,
      rec.partition,
      ran ? rec.nodes : '-',
      rec.state.current,
      ran ? (check.startPosts.ok ? 'delivered' : 'MISSING') : '-',
      ran ? (check.stopPosts.ok ? 'delivered' : 'MISSING') : '-',
      check.row ? check.row.jobState : ran ? 'no row' : 'nothing sent',
      mode === 'slurm' ? secs(check.latencyMs) : '-',
      ok ? (ran ? 'ok' : 'ok (never started)') : `PROBLEM: ${check.problems.join('; ')}`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.min(r[i]!.length, i === head.length - 1 ? 200 : 30))));
  say(bold(head.map((h, i) => pad(h, widths[i]!)).join('  ')));
  for (const r of rows) {
    const line = r.map((x, i) => pad(x, widths[i]!)).join('  ');
    say(r[r.length - 1]!.startsWith('ok') ? line : red(line));
  }
  const started = checks.filter((x) => ranInSlurm(x.rec));
  const delivered = started.filter((x) => x.check.problems.length === 0).length;
  const problems = checks.flatMap((x) => x.check.problems.map((p) => `job ${x.rec.job_id}: ${p}`));
  const lat = stats(started.map((x) => x.check.latencyMs).filter((v): v is number => v !== undefined));
  say();
  const allOk = problems.length === 0 && checks.length > 0;
  say(
    (allOk ? green : red)(
      `${delivered} of ${started.length} jobs that ran were delivered exactly once (start and stop, right state)${checks.length - started.length ? `; ${checks.length - started.length} never started and nothing was sent for them` : ''}. ${mode === 'slurm' ? `Slurm start → cc-backend: median ${secs(lat.median)}, max ${secs(lat.max)}` : 'Replayed captures (times moved to now)'}. Total ${secs(Date.now() - t0)}.`,
    ),
  );

  const result: DemoResult = {
    mode,
    dir,
    submitted: checks.length,
    delivered,
    neverStarted: checks.length - started.length,
    problems,
    pids: procs.map((p) => p.pid),
    ...(cluster ? { clusterBase: cluster.base, clusterPids: Object.values(cluster.pids()) } : {}),
    latencyMs: { median: lat.median, max: lat.max, n: lat.n },
    exitCode: allOk ? 0 : 1,
  };

  // 6. what now
  const env = mode === 'slurm' ? `SLURM_CONF=${cluster!.confPath}` : '';
  if (ONCE) {
    step('--once: stopping everything …');
    await cleanup();
    const left = [...procs.map((p) => p.pid), ...(result.clusterPids ?? [])].filter(pidAlive);
    const stepds = cluster ? leftoverStepds(cluster.base) : [];
    if (left.length || stepds.length) say(red(`still running: ${[...left, ...stepds].join(' ')}`));
    else {
      step('everything stopped');
      if (result.exitCode === 0) rmSync(dir, { recursive: true, force: true });
    }
    say(`DEMO-RESULT ${JSON.stringify(result)}`);
    return result.exitCode;
  }
  const stopScript = writeStopScript(dir, mode);
  say();
  say(bold('look around:'));
  say(`  pnpm forwarder status --config ${stack.forwarderConfig}`);
  say(`  pnpm forwarder dlq list --config ${stack.forwarderConfig}`);
  say(`  curl -s http://127.0.0.1:${stack.publisherHttp}/metrics | grep ^ccsb_     # publisher (also /healthz, /readyz)`);
  say(`  curl -s http://127.0.0.1:${stack.forwarderHttp}/metrics | grep ^ccsb_     # forwarder (also /healthz, /readyz, /status)`);
  say(`  curl -s ${ccInfo.url}/__test__/jobs        # the cc-backend double's job tables (also /__test__/requests, /counters)`);
  if (mode === 'slurm') say(`  ${env} sbatch --wrap 'sleep 5'           # more jobs`);
  say(`  logs: ${join(dir, 'log')}/`);
  if (KEEP) {
    leaveRunning = true;
    say();
    say(bold(`--keep: everything stays running. Stop it all with:  bash ${stopScript}`));
    say(`DEMO-RESULT ${JSON.stringify(result)}`);
    return result.exitCode;
  }
  say();
  say(bold('running on: new requests show up below. Ctrl-C stops everything the demo started.'));
  cc.start();
  setInterval(() => void pumpLiveView(), 250);
  setInterval(() => void maybeMetricsLine(), 5000);
  await new Promise<never>(() => {});
  return 0;
}

/** A script that stops what `--keep` left running: our pids (checked against their command line) and the Slurm cluster. */
function writeStopScript(dir: string, mode: 'slurm' | 'replay'): string {
  const path = join(dir, 'stop.sh');
  const lines = ['#!/bin/sh', '# stops what `pnpm demo --keep` left running (generated)', 'set -u'];
  lines.push('ours() { [ -r /proc/$1/cmdline ] && tr \'\\0\' \' \' < /proc/$1/cmdline | grep -q -- ' + JSON.stringify(dir) + '; }');
  // publisher first (its outbox drains), nats-server last; each one waited for (up to 20 s)
  for (const p of [...procs].reverse()) {
    lines.push(
      `if ours ${p.pid}; then kill ${p.pid}; i=0; while ours ${p.pid} && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done; ` +
        `if ours ${p.pid}; then kill -9 ${p.pid}; fi; echo "stopped ${p.name} (${p.pid})"; fi`,
    );
  }
  if (mode === 'slurm' && cluster) {
    lines.push(`cd ${JSON.stringify(ROOT)} && ${JSON.stringify(process.execPath)} --conditions=source --import tsx test/slurm/cluster-cli.ts down --base ${JSON.stringify(cluster.base)} --purge`);
  }
  lines.push(`rm -rf ${JSON.stringify(dir)}`, '');
  writeFileSync(path, lines.join('\n'), { mode: 0o755 });
  return path;
}

main().then(
  async (code) => {
    if (!leaveRunning) await cleanup();
    process.exit(code);
  },
  async (e: unknown) => {
    setupFinished();
    if (aborting) return; // the signal handler stops everything and exits
    say(red(`demo failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
    await cleanup().catch(() => undefined);
    if (existsSync(join(ROOT, 'package.json'))) say(dim('logs of the failed run are in the work dir printed above'));
    process.exit(1);
  },
);
