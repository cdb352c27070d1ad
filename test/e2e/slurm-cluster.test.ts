// End-to-end check of the real-Slurm test harness (test/slurm/cluster.ts): bring a private
// single-host cluster up, run a 1-node and a 2-node batch job, check sacct and a PrologSlurmctld
// hook, then stop it and make sure nothing we started is still alive.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SlurmCluster, leftoverStepds, pidAlive } from '../slurm/cluster.js';

test('real Slurm cluster: start, sbatch 1- and 2-node jobs, prolog hook, stop', { timeout: 120_000 }, async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'slurm-e2e-'));
  chmodSync(tmp, 0o755); // munged needs o+x on every ancestor of its socket (REPORT §2 row 3)
  const hookOut = join(tmp, 'hook-out');
  mkdirSync(hookOut, { mode: 0o755 });
  const prolog = join(tmp, 'prolog.sh');
  writeFileSync(prolog, `#!/bin/sh\necho "$SLURM_SCRIPT_CONTEXT $SLURM_JOB_NODELIST" > "${hookOut}/prolog.$SLURM_JOB_ID"\nexit 0\n`, {
    mode: 0o755,
  });

  const cluster = new SlurmCluster({ base: join(tmp, 'cluster'), nodes: 4, prologSlurmctld: prolog });
  let started: Record<string, number> = {};
  try {
    const up = await cluster.start();
    t.diagnostic(
      `cluster start time: ${up.totalMs} ms (${Object.entries(up.timings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}) gpus=${up.gpus} mariadb=${up.mariadb}`,
    );
    for (const w of up.warnings) t.diagnostic(`warning: ${w}`);
    started = cluster.pids();
    assert.deepEqual(Object.keys(started).sort(), [
      'mariadbd',
      'munged',
      'slurmctld',
      'slurmd-node1',
      'slurmd-node2',
      'slurmd-node3',
      'slurmd-node4',
      'slurmdbd',
    ].filter((n) => n !== 'mariadbd' || up.mariadb === 'private'));

    // a second start() is a cheap no-op
    const again = await cluster.start();
    assert.equal(again.alreadyRunning, true);
    assert.deepEqual(cluster.pids(), started);

    const env = cluster.env();
    assert.equal(env.SLURM_CONF, join(cluster.base, 'etc', 'slurm.conf'));

    const one = await cluster.sbatch(['--wrap', 'true', '-o', '/dev/null']);
    const two = await cluster.sbatch(['-N', '2', '--wrap', 'srun true', '-o', '/dev/null']);
    assert.notEqual(one, two);

    const [j1, j2] = await Promise.all([
      cluster.waitForState(one, ['COMPLETED'], 30_000),
      cluster.waitForState(two, ['COMPLETED'], 30_000),
    ]);
    assert.equal(j1.state.current, 'COMPLETED');
    assert.equal(j1.allocation_nodes, 1);
    assert.equal(j1.partition, 'debug');
    assert.equal(j2.state.current, 'COMPLETED');
    assert.equal(j2.allocation_nodes, 2);
    assert.match(j2.nodes, /^node\[\d-\d\]$|^node\d,node\d$/);

    // squeue --json still holds both (MinJobAge=300)
    const q = await cluster.squeueJson();
    const inQueue = new Map(q.jobs.map((j) => [j.job_id, j.job_state]));
    assert.equal(inQueue.get(one), 'COMPLETED');
    assert.equal(inQueue.get(two), 'COMPLETED');

    // the PrologSlurmctld script given by the test ran for both jobs
    for (const id of [one, two]) {
      const f = join(hookOut, `prolog.${id}`);
      assert.ok(existsSync(f), `prolog hook output ${f} missing`);
      assert.match(readFileSync(f, 'utf8'), /^prolog_slurmctld node/);
    }
  } finally {
    const stop = await cluster.stop({ purge: true });
    t.diagnostic(`cluster stop time: ${stop.totalMs} ms`);
    const alive = Object.entries(started).filter(([, pid]) => pidAlive(pid));
    assert.deepEqual(alive, [], 'daemons still alive after stop()');
    assert.deepEqual(stop.survivors, []);
    assert.deepEqual(leftoverStepds(cluster.base), []);
    assert.equal(existsSync(cluster.base), false, 'purge removes the base dir');
    rmSync(tmp, { recursive: true, force: true });
  }
});
