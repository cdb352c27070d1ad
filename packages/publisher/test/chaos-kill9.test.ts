// kill -9 of the publisher at random moments while 1,000 jobs start and end, with nats-server
// killed (-9) and later stopped for part of the run: afterwards every event is in the stream
// exactly once (checked by Nats-Msg-Id and count), and each job's start precedes its stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNatsServer } from '../../../test/harness/nats-server.js';
import { StandinScenario, type StandinJob } from '../../../test/slurm-standins/scenario.js';
import { readStream, testConfigRaw, waitFor } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// The compiled CLI starts in about half the time of the tsx-loaded sources; use it when it builds.
function cliCommand(): string[] {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const b = spawnSync(process.execPath, [tsc, '-b', join(root, 'packages', 'publisher')], { stdio: 'ignore' });
  if (b.status === 0) return [join(root, 'packages/publisher/dist/cli.js')];
  return ['--conditions=source', '--import', 'tsx', join(root, 'packages/publisher/src/cli.ts')];
}
const JOBS = Number(process.env.CHAOS_JOBS ?? 1000);

// Deterministic pseudo-random numbers, so a failing run can be repeated (CHAOS_SEED).
let seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100000);
function rnd(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

test(`kill -9 chaos: ${JOBS} jobs, publisher killed at random moments, NATS down for part of the run`, { timeout: 600_000 }, async () => {
  console.log(`# chaos seed ${seed}`);
  const cli = cliCommand();
  const nats = await startNatsServer();
  const sc = new StandinScenario();
  const raw = testConfigRaw(nats.url, { slurmPollInterval: 0.3, initialLookback: 4 * 3600, logLevel: process.env.CHAOS_LOG_LEVEL ?? 'warn', publishWindow: 256 });
  const cfgFile = join(String(raw.stateDir), '..', 'config.json');
  writeFileSync(cfgFile, JSON.stringify(raw));
  const logFile = process.env.CHAOS_LOG ?? join(String(raw.stateDir), '..', 'publisher.log');
  const now0 = Math.floor(Date.now() / 1000);
  const t0 = now0 - 3 * 3600;
  const jobs: StandinJob[] = Array.from({ length: JOBS }, (_, i) => ({ id: 10_000 + i, state: 'PENDING', nodes: [`node${(i % 8) + 1}`], submit: t0 }));
  // MinJobAge 3 s: most stops come from sacct, some from squeue
  sc.write({ slurm: '22.05', minJobAge: 3, jobs });

  let proc: ChildProcess | undefined;
  let starts = 0;
  let kills = 0;
  const startPublisher = (): ChildProcess => {
    starts++;
    const p = spawn(process.execPath, [...cli, 'run', '--config', cfgFile], {
      cwd: root,
      env: { ...process.env, ...sc.env() },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    p.stdout!.on('data', (b: Buffer) => appendFileSync(logFile, b));
    return p;
  };
  const killPublisher = async (): Promise<void> => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    kills++;
    await exited;
  };

  try {
    proc = startPublisher();
    const steps = 24;
    const perStep = Math.ceil(JOBS / (steps - 4));
    let nextStart = 0;
    let nextEnd = 0;
    for (let step = 0; step < steps; step++) {
      // jobs start…
      sc.update((s) => {
        const now = Math.floor(Date.now() / 1000);
        for (let k = 0; k < perStep && nextStart < JOBS; k++, nextStart++) {
          const j = s.jobs[nextStart]!;
          j.state = 'RUNNING';
          j.start = nextStart % 3 === 0 ? t0 + nextStart : now - 1;
          if (nextStart % 11 === 0) {
            // short job: gone from slurmctld (MinJobAge) before most polls see it running
            j.state = 'COMPLETED';
            j.start = now - 2;
            j.end = now;
          }
        }
        // …and end two steps later
        const endUpTo = Math.min(JOBS, Math.max(0, nextStart - 2 * perStep));
        for (; nextEnd < endUpTo; nextEnd++) {
          const j = s.jobs[nextEnd]!;
          if (j.state !== 'RUNNING') continue;
          j.state = nextEnd % 7 === 0 ? 'FAILED' : 'COMPLETED';
          j.end = now;
        }
      });
      if (step === 5) await nats.kill9();
      if (step === 10) await nats.restart();
      if (step === 15) await nats.stop();
      if (step === 18) await nats.restart();
      // kill -9 at a random moment, restart right away (sometimes after a pause)
      await new Promise((r) => setTimeout(r, 300 + rnd() * 3700));
      await killPublisher();
      if (rnd() < 0.3) await new Promise((r) => setTimeout(r, rnd() * 500));
      proc = startPublisher();
    }
    // every job has ended now
    sc.update((s) => {
      const now = Math.floor(Date.now() / 1000);
      for (const j of s.jobs) {
        if (j.state === 'PENDING') {
          j.state = 'RUNNING';
          j.start = now - 1;
        }
        if (j.state === 'RUNNING') {
          j.state = 'COMPLETED';
          j.end = now;
        }
      }
    });
    if (!nats.isRunning()) await nats.restart();
    const expected = new Set<string>();
    for (const j of sc.read().jobs) {
      expected.add(`testcluster:${j.id}:${j.start}:start_job`);
      expected.add(`testcluster:${j.id}:${j.start}:stop_job`);
    }
    let lastCount = 0;
    const msgs = await waitFor(
      `${expected.size} events in the stream`,
      async () => {
        const m = await readStream(nats.url, String(raw.streamName));
        lastCount = m.length;
        return m.length >= expected.size ? m : undefined;
      },
      180_000,
      1000,
    ).catch((e: Error) => {
      const got = new Set<string>();
      return readStream(nats.url, String(raw.streamName)).then((m) => {
        for (const x of m) got.add(x.msgId);
        const missing = [...expected].filter((id) => !got.has(id));
        throw new Error(`${e.message}; stream has ${lastCount}; missing ${missing.length}, e.g. ${missing.slice(0, 5).join(' ')}; publisher log: ${logFile}`);
      });
    });
    // graceful stop of the last incarnation, then a last look for late duplicates
    const p = proc;
    const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
    p.kill('SIGTERM');
    assert.equal(await exited, 0, 'graceful shutdown exits 0');
    proc = undefined;
    const final = await readStream(nats.url, String(raw.streamName));
    console.log(`# chaos: ${starts} publisher starts, ${kills} kill -9, ${final.length} messages in the stream, ${expected.size} expected`);
    const ids = final.map((m) => m.msgId);
    const unique = new Set(ids);
    assert.equal(unique.size, ids.length, 'no msg id twice in the stream');
    assert.equal(final.length, expected.size, 'exactly the expected number of events');
    for (const id of expected) assert.ok(unique.has(id), `missing ${id}`);
    assert.equal(msgs.length >= expected.size, true);
    // per job, the start is stored before the stop
    const seq = new Map(final.map((m) => [m.msgId, m.seq]));
    let outOfOrder = 0;
    for (const j of sc.read().jobs) if (seq.get(`testcluster:${j.id}:${j.start}:start_job`)! > seq.get(`testcluster:${j.id}:${j.start}:stop_job`)!) outOfOrder++;
    assert.equal(outOfOrder, 0, 'starts precede stops');
  } finally {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    sc.cleanup();
    await nats.cleanup();
  }
});
