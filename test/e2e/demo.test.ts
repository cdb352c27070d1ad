// `pnpm demo`: with --once on the real Slurm cluster it must show every submitted job delivered,
// exit 0 and leave no process behind; in replay mode (real captures through the Slurm stand-ins,
// what it does where Slurm cannot be installed) Ctrl-C after the summary must stop everything.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { describe, test, type TestContext } from 'node:test';
import { leftoverStepds } from '../slurm/cluster.js';
import { ROOT, pidAlive } from './stack.js';
import { writeResults } from './common.js';
import type { DemoResult } from '../demo/main.js';


interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  ms: number;
}

/** Runs the demo the way `pnpm demo` does after bootstrap (node + tsx, source condition). */
function runDemo(args: string[], opts: { interruptWhen?: RegExp; timeoutMs: number }): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/demo/main.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let out = '';
    let interrupted = false;
    const onData = (d: Buffer) => {
      out += d.toString();
      if (opts.interruptWhen && !interrupted && opts.interruptWhen.test(out)) {
        interrupted = true;
        setTimeout(() => child.kill('SIGINT'), 500);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      out += `\n[test: demo killed after ${opts.timeoutMs} ms]`;
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
    }, opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, ms: Date.now() - t0 });
    });
  });
}

function parseResult(out: string): DemoResult | undefined {
  const line = out.split('\n').find((l) => l.startsWith('DEMO-RESULT '));
  return line ? (JSON.parse(line.slice('DEMO-RESULT '.length)) as DemoResult) : undefined;
}

/** Live processes whose command line, cwd or environment refers to `dir`. */
function processesUsing(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid || !pidAlive(pid)) continue;
    let hit = '';
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(dir)) hit = cmd;
      else if (readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) hit = `cwd ${dir}: ${cmd}`;
      else if (readFileSync(`/proc/${pid}/environ`, 'utf8').includes(dir)) hit = `env mentions ${dir}: ${cmd}`;
    } catch {
      continue;
    }
    if (hit) out.push(`${pid} ${hit.slice(0, 200)}`);
  }
  return out;
}

function assertNothingLeft(r: DemoResult): void {
  const alive = [...r.pids, ...(r.clusterPids ?? [])].filter(pidAlive);
  assert.deepEqual(alive, [], 'processes the demo started are still running');
  if (r.clusterBase) assert.deepEqual(leftoverStepds(r.clusterBase), [], 'slurmstepd / job processes left behind');
  assert.deepEqual(processesUsing(r.dir), [], `processes still using ${r.dir}`);
}

const demoNumbers: Record<string, unknown> = {};

function report(t: TestContext, name: string, run: Run, r: DemoResult | undefined): void {
  demoNumbers[name] = { ms: run.ms, exit: run.code ?? run.signal, ...(r ? { submitted: r.submitted, delivered: r.delivered, neverStarted: r.neverStarted, latencyMs: r.latencyMs } : {}) };
  const path = writeResults('demo', { suite: 'demo', runs: demoNumbers });
  t.diagnostic(`numbers written to ${path}`);
  t.diagnostic(`${name}: ${(run.ms / 1000).toFixed(1)} s, exit ${run.code ?? run.signal}`);
  if (r) t.diagnostic(`${name}: ${r.delivered}/${r.submitted - r.neverStarted} delivered, ${r.neverStarted} never started, latency median ${r.latencyMs?.median ?? '-'} ms max ${r.latencyMs?.max ?? '-'} ms`);
  process.stderr.write(`E2E SUMMARY ${name}: ${(run.ms / 1000).toFixed(1)} s, exit ${run.code ?? run.signal}${r ? `, ${r.delivered}/${r.submitted - r.neverStarted} delivered` : ''}\n`);
}

describe('pnpm demo', { concurrency: true }, () => {
  test('--once on the real Slurm cluster: every submitted job delivered, nothing left running', { timeout: 300_000 }, async (t) => {
    const run = await runDemo(['--once'], { timeoutMs: 280_000 });
    const r = parseResult(run.out);
    report(t, 'demo --once', run, r);
    assert.ok(r, `no DEMO-RESULT line; output:\n${run.out.slice(-6000)}`);
    assert.equal(r.mode, 'slurm', `the demo fell back to replaying captures although Slurm runs here:\n${run.out.slice(0, 3000)}`);
    assert.equal(run.code, 0, `exit code; output:\n${run.out.slice(-6000)}`);
    assert.deepEqual(r.problems, []);
    assert.ok(r.submitted >= 10, `a mix of jobs (got ${r.submitted})`);
    assert.equal(r.delivered, r.submitted - r.neverStarted);
    // the summary table lists every job as delivered
    const table = run.out.slice(run.out.indexOf('\nsummary\n'));
    const rows = table.split('\n\n')[0]!.split('\n').filter((l) => /^\d+\s/.test(l));
    assert.equal(rows.length, r.submitted, 'one summary row per job');
    for (const row of rows) assert.match(row, /delivered\s+delivered\s+\S+.*\bok\b/, `summary row: ${row}`);
    for (const kind of ['ok', 'fail', 'array', 'multi', 'gpu', 'cancel']) assert.ok(rows.some((l) => l.split(/\s+/)[1] === kind), `a ${kind} job in the summary`);
    assert.match(run.out, /start_job 201/);
    assert.match(run.out, /stop_job {2}200/);
    assertNothingLeft(r);
  });

  test('replay of real captures (the fallback without Slurm), stopped with Ctrl-C after the summary', { timeout: 300_000 }, async (t) => {
    const run = await runDemo(['--replay'], { interruptWhen: /Ctrl-C stops everything/, timeoutMs: 240_000 });
    const r = parseResult(run.out);
    report(t, 'demo --replay + Ctrl-C', run, r);
    assert.equal(r, undefined, 'without --once/--keep there is no result line (it runs until Ctrl-C)');
    assert.match(run.out, /replaying real Slurm 22\.05 captures/);
    assert.match(run.out, /(\d+) of \1 jobs that ran were delivered exactly once/, `summary line; output:\n${run.out.slice(-4000)}`);
    assert.match(run.out, /SIGINT: stopping everything/);
    assert.match(run.out, /stopped\.\s*$/);
    assert.equal(run.code, 130);
    const dir = /work dir (\S+)/.exec(run.out)?.[1];
    assert.ok(dir, 'work dir printed');
    assert.deepEqual(processesUsing(dir), [], `processes still using ${dir}`);
    assert.equal(existsSync(dir), false, 'the work dir is removed after Ctrl-C');
  });
});
