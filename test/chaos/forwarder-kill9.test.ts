// kill -9 of the forwarder three times while a 5,000-job stream flows through it: every job ends
// in the cc-backend double exactly once, started and stopped with its published state, and
// nothing is dead-lettered. The double keeps starts in its job_cache for 2 s (non-zero commit
// interval), so a start redelivered after a kill meets the UNIQUE race (500) before it turns 422.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobState } from '@cc-slurm-bridge/shared';
import { killAndWait, spawnLogged, type LoggedProcess } from '../harness/process.js';
import { assertExactlyOnce, pollUntil, startEnv, startEv, stopEv } from '../../packages/forwarder/test/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const JOBS = Number(process.env.FWD_CHAOS_JOBS ?? 5000);
const STATES: JobState[] = ['completed', 'failed', 'cancelled', 'timeout', 'out_of_memory'];
const stateOf = (jobId: number): JobState => STATES[jobId % STATES.length]!;

describe('chaos: forwarder kill -9', () => {
  it(`kill -9 three times during a ${JOBS}-job stream: every job exactly once, started and stopped, no dead letters`, { timeout: 240_000 }, async () => {
    const settings = { consumerAckWaitSeconds: 2, consumerMaxAckPending: 2000 };
    const env = await startEnv({ cc: { commitIntervalMs: 2_000 }, settings });
    const dir = await mkdtemp(join(tmpdir(), 'ccsb-fwd-kill9-'));
    let fwd: LoggedProcess | undefined;
    try {
      const c = env.config({ ...settings, concurrency: 16 });
      const cfgFile = join(dir, 'forwarder.json');
      await writeFile(
        cfgFile,
        JSON.stringify({
          natsServer: c.natsServer,
          ccRestUrl: c.ccRestUrl,
          ccRestJwt: c.ccRestJwt,
          concurrency: 16,
          logLevel: 'warn',
          retryInitialDelay: 0.2,
          retryMaxDelay: 2,
          pauseProbeMaxDelay: 1,
          streamMaxAgeDays: 1,
          ...settings,
        }),
      );
      const start = (): LoggedProcess =>
        spawnLogged(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, 'packages/forwarder/src/cli.ts'), 'run', '--config', cfgFile], {
          cwd: root,
          ...(process.env.FWD_TEST_LOG === '1' ? { echoPrefix: '[fwd] ' } : {}),
        });
      fwd = start();

      // Publisher: starts of batch b together with stops of batch b-1, in 50 batches.
      const ids = Array.from({ length: JOBS }, (_, i) => 1_000_000 + i);
      const batches: number[][] = [];
      for (let i = 0; i < ids.length; i += Math.ceil(JOBS / 50)) batches.push(ids.slice(i, i + Math.ceil(JOBS / 50)));
      const publishing = (async () => {
        for (let b = 0; b <= batches.length; b++) {
          const events = [...(batches[b] ?? []).map((j) => startEv(j)), ...(batches[b - 1] ?? []).map((j) => stopEv(j, undefined, undefined, stateOf(j)))];
          await env.publish(events);
          await new Promise((r) => setTimeout(r, 100));
        }
      })();

      // Three kills, spread over the run, each followed by an immediate restart.
      const answered = (): number => env.cc.counters().total;
      let kills = 0;
      for (const share of [0.15, 0.4, 0.65]) {
        await pollUntil(`${Math.round(share * 100)} % of the events answered`, async () => (answered() >= share * 2 * JOBS ? true : undefined), {
          timeoutMs: 120_000,
          intervalMs: 50,
          onTimeout: () => fwd!.logLines().slice(-20).join('\n'),
        });
        await killAndWait(fwd!, 'SIGKILL');
        kills++;
        fwd = start();
      }
      assert.equal(kills, 3);
      await publishing;
      await pollUntil(
        'every job stopped in the double',
        async () => (env.cc.jobs().filter((j) => j.stopTime !== null).length >= JOBS ? true : undefined),
        { timeoutMs: 150_000, intervalMs: 200, onTimeout: () => fwd!.logLines().slice(-30).join('\n') },
      );
      await pollUntil('the consumer fully acknowledged', async () => {
        const ci = await env.consumerInfo();
        return ci.num_pending === 0 && ci.num_ack_pending === 0 ? true : undefined;
      }, { timeoutMs: 30_000 });

      const jobs = env.cc.jobs();
      assert.equal(jobs.length, JOBS, 'one row per job, no duplicates');
      assert.deepEqual(assertExactlyOnce(jobs, ids, stateOf), []);
      for (const j of jobs) assert.equal(j.stopTime, j.startTime + 60, `job ${j.jobId} stopTime`);
      assert.equal(await env.dlqCount(), 0, 'no dead letters');
      const byStatus = env.cc.counters().byStatus;
      // Redeliveries after the kills show up as idempotent answers (422) or the UNIQUE race (500).
      assert.ok((byStatus['201'] ?? 0) === JOBS && (byStatus['200'] ?? 0) === JOBS, JSON.stringify(byStatus));
    } finally {
      if (fwd) await killAndWait(fwd, 'SIGTERM');
      await env.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
