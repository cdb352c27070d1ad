// `cc-slurm-publisher hook` as slurmctld runs it: a separate process that must exit 0 quickly,
// whether or not the daemon is up. (Target: under 1 s; asserted only against a generous 5 s
// deadline, the elapsed time is printed as a diagnostic.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNatsServer } from '../../../test/harness/nats-server.js';
import { StandinScenario } from '../../../test/slurm-standins/scenario.js';
import { createLogger } from '@cc-slurm-bridge/shared';
import { PublisherDaemon } from '../src/daemon.js';
import { readStream, testConfig, waitFor } from './helpers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'packages/publisher/src/cli.ts');

interface Run {
  code: number | null;
  stderr: string;
  elapsedMs: number;
}

function runHook(env: Record<string, string>, args: string[] = []): Promise<Run> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', cli, 'hook', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hook did not exit within the 5 s test deadline; stderr: ${stderr}`));
    }, 5_000);
    child.on('exit', (code) => {
      clearTimeout(deadline);
      resolve({ code, stderr, elapsedMs: Number(process.hrtime.bigint() - t0) / 1e6 });
    });
  });
}

const prologEnv = (sock: string, jobId = '17'): Record<string, string> => ({
  SLURM_JOB_ID: jobId,
  SLURM_ARRAY_JOB_ID: '5',
  SLURM_ARRAY_TASK_ID: '1',
  SLURM_SCRIPT_CONTEXT: 'prolog_slurmctld',
  SLURM_CLUSTER_NAME: 'testcluster',
  CC_SLURM_PUBLISHER_SOCK: sock,
});

test('hook exits 0 when the daemon is down (no socket)', async () => {
  const sock = join(mkdtempSync(join(tmpdir(), 'ccsb-hook-')), 'absent.sock');
  const r = await runHook(prologEnv(sock));
  console.log(`# hook with no daemon: exit ${r.code} after ${r.elapsedMs.toFixed(0)} ms (process start included; target < 1000 ms)`);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /not reported/);
});

test('hook exits 0 through its own connect timeout when the daemon does not accept', async (t) => {
  // A listener whose accept queue is full: the kernel drops further SYNs, so connect() hangs.
  const py = spawnSync('python3', ['-c', 'print(1)']);
  if (py.status !== 0) {
    t.skip('python3 not available to hold a full accept queue');
    return;
  }
  const holder = spawn('python3', ['-c', 'import socket,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => holder.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim()))));
    // fill the accept queue
    const fillers = Array.from({ length: 4 }, () => createConnection({ host: '127.0.0.1', port }).on('error', () => undefined));
    await new Promise((r) => setTimeout(r, 200));
    const r = await runHook(prologEnv(`tcp:127.0.0.1:${port}`));
    console.log(`# hook against a non-accepting daemon: exit ${r.code} after ${r.elapsedMs.toFixed(0)} ms; ${r.stderr.trim()}`);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /timed out after 300 ms|no answer within/);
    for (const f of fillers) f.destroy();
  } finally {
    holder.kill('SIGKILL');
  }
});

test('hook without SLURM_JOB_ID still exits 0', async () => {
  const r = await runHook({ CC_SLURM_PUBLISHER_SOCK: '/nonexistent/x.sock' });
  assert.equal(r.code, 0);
  assert.match(r.stderr, /SLURM_JOB_ID/);
});

test('hook message from the CLI is acted on by a running daemon (--config gives the socket)', async () => {
  const nats = await startNatsServer();
  const sc = new StandinScenario();
  const cfg = testConfig(nats.url, { slurmPollInterval: 3600, slurmQueryDelay: 0.1 });
  const d = new PublisherDaemon({ config: cfg, logger: createLogger({ name: 'test', level: 'warn', destination: process.stderr }), env: { ...process.env, ...sc.env() } });
  const now = Math.floor(Date.now() / 1000);
  sc.write({ slurm: '22.05', jobs: [] });
  try {
    await d.start();
    await waitFor('first poll', () => d.pollCount >= 1);
    sc.update((s) => s.jobs.push({ id: 17, state: 'RUNNING', start: now, nodes: ['node3'], arrayJobId: 5, arrayTaskId: 1 }));
    const cfgFile = join(cfg.stateDir, '..', 'hook-config.json');
    (await import('node:fs')).writeFileSync(cfgFile, JSON.stringify({ prepSockConnectPath: cfg.prepSockConnectPath }));
    const env = prologEnv('/nonexistent/ignored.sock');
    const r = await runHook(env, ['--config', cfgFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const m = await waitFor('start_job after the hook', async () => {
      const x = await readStream(nats.url, cfg.streamName);
      return x.length ? x : undefined;
    });
    assert.equal(m[0]!.msgId, `testcluster:17:${now}:start_job`);
    assert.equal(m[0]!.body.arrayJobId, 5);
    assert.equal(d.pollCount, 1);
  } finally {
    await d.stop();
    sc.cleanup();
    await nats.cleanup();
  }
});
