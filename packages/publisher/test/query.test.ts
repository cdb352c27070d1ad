// The Slurm query layer against the stand-ins: capability probe, batching, fallbacks, TZ=UTC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StandinScenario, STANDIN_BIN_DIR } from '../../../test/slurm-standins/scenario.js';
import { silentLogger } from '@cc-slurm-bridge/shared';
import { SlurmRunner, SlurmCommandError, slurmTime } from '../src/query/run-slurm.js';
import { SlurmSource } from '../src/query/slurm-source.js';

function source(sc: StandinScenario, timeoutMs = 20_000): SlurmSource {
  const runner = new SlurmRunner({ binDir: STANDIN_BIN_DIR, timeoutMs, env: { ...process.env, ...sc.env(), TZ: 'Europe/Berlin' } });
  return new SlurmSource({ runner, logger: silentLogger(), multiCluster: false });
}
const jobIds = (doc: string): number[] => (JSON.parse(doc) as { jobs: { job_id: number }[] }).jobs.map((j) => j.job_id).sort((a, b) => a - b);

test('clusters come from sacctmgr list clusters', async () => {
  const sc = new StandinScenario();
  sc.write({ clusters: ['fritz', 'alex'], jobs: [] });
  assert.deepEqual(await source(sc).listClusters(), ['fritz', 'alex']);
  sc.cleanup();
});

test('22.05: scontrol has no --json; probed once, then one unfiltered squeue per batch', async () => {
  const sc = new StandinScenario();
  const now = Math.floor(Date.now() / 1000);
  sc.write({ slurm: '22.05', jobs: [1, 2, 3].map((id) => ({ id, state: 'RUNNING', start: now })) });
  const s = source(sc);
  const a = await s.ctldJobs('testcluster', [1, 2]);
  assert.equal(s.scontrolJson, 'none');
  assert.equal(a.method, 'squeue');
  assert.deepEqual(jobIds(a.docs[0]!), [1, 2, 3], 'squeue --json ignores filters (G3)');
  await s.ctldJobs('testcluster', [3]);
  const calls = sc.calls().map((c) => `${c.cmd} ${c.args.join(' ')}`);
  assert.deepEqual(calls, ['scontrol show job 1 --json', 'squeue --json', 'squeue --json']);
  sc.cleanup();
});

test('24.05: scontrol show job <ids> --json, batched when a list is accepted, else one call per id', async () => {
  for (const batch of [true, false]) {
    const sc = new StandinScenario();
    const now = Math.floor(Date.now() / 1000);
    sc.write({ slurm: '24.05', scontrolBatch: batch, jobs: [1, 2, 3, 4].map((id) => ({ id, state: 'RUNNING', start: now })) });
    const s = source(sc);
    await s.ctldJobs('testcluster', [1]);
    assert.equal(s.scontrolJson, 'single');
    const r = await s.ctldJobs('testcluster', [2, 3, 4]);
    assert.equal(r.method, 'scontrol');
    assert.deepEqual(r.docs.flatMap(jobIds).sort(), [2, 3, 4]);
    assert.equal(s.scontrolJson, batch ? 'batch' : 'single');
    const scontrolCalls = sc.calls().filter((c) => c.cmd === 'scontrol').length;
    assert.equal(scontrolCalls, batch ? 3 : 6); // probe + (old) single + list [+ 3 singles]
    sc.cleanup();
  }
});

test('sacct windows run with TZ=UTC and all states; unknown jobs fall back to sacct -j', async () => {
  const sc = new StandinScenario();
  const now = Math.floor(Date.now() / 1000);
  sc.write({ slurm: '22.05', jobs: [{ id: 7, state: 'COMPLETED', start: now - 5000, end: now - 4000 }, { id: 8, state: 'COMPLETED', start: now - 500, end: now - 400 }] });
  const s = source(sc);
  assert.deepEqual(jobIds(await s.sacctWindow('testcluster', now - 1000, now)), [8]);
  assert.deepEqual(jobIds(await s.sacctWindow('testcluster', now - 6000, now - 3000)), [7]);
  assert.deepEqual(jobIds(await s.sacctJobs('testcluster', [7])), [7]);
  const call = sc.calls().find((c) => c.cmd === 'sacct')!;
  assert.deepEqual(call.args.slice(0, 7), ['--json', '-a', '-X', '-S', slurmTime(now - 1000), '-E', slurmTime(now)]);
  assert.ok(call.args.includes('-s'));
  sc.cleanup();
});

test('a failing or hanging Slurm command is an error with its stderr, killed at the timeout', async () => {
  const sc = new StandinScenario();
  sc.write({ jobs: [], fail: { squeue: 'slurm_load_jobs error: Unable to contact slurm controller' }, delayMs: { sacct: 10_000 } });
  const s = source(sc, 1500);
  await assert.rejects(s.squeue('testcluster'), (e: unknown) => e instanceof SlurmCommandError && e.code === 'slurm_exit' && /Unable to contact/.test(e.message));
  await assert.rejects(s.sacctJobs('testcluster', [1]), (e: unknown) => e instanceof SlurmCommandError && e.code === 'slurm_timeout');
  sc.cleanup();
});
