// Shared set-up of the end-to-end test files: one real Slurm cluster with the publisher's hook,
// a private nats-server (never the machine's :4222), the cc-backend double, the forwarder and the
// publisher as child processes. Also the results file the lead quotes numbers from.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer, type NatsServerHandle } from '../harness/nats-server.js';
import { SlurmCluster, leftoverStepds, type StartResult } from '../slurm/cluster.js';
import { CcWatcher, GPU_PCI_ADDRS, SacctWatcher } from './jobs.js';
import { BridgeStack, FORWARDER_CLI, ensureBuilt, makeWorkDir, pidAlive, writeHookScript, type Log } from './stack.js';

export interface E2eEnv {
  dir: string;
  cluster: SlurmCluster;
  nats: NatsServerHandle;
  stack: BridgeStack;
  sacct: SacctWatcher;
  cc: CcWatcher;
  clusterStart: StartResult;
  buildMs: number;
  setupMs: number;
}

export interface E2eOptions {
  prefix: string;
  clusterName: string;
  commitIntervalSec: number;
  publisherExtra?: Record<string, unknown>;
  forwarderExtra?: Record<string, unknown>;
  log?: Log;
}

/**
 * Brings everything up. Slurm must be installable (root on Debian) or installed: otherwise this
 * throws (the suite fails with the reason; it never skips).
 */
export async function setUpE2e(o: E2eOptions, onPartial: (p: Partial<E2eEnv>) => void): Promise<E2eEnv> {
  const t0 = Date.now();
  const dir = makeWorkDir(o.prefix);
  const partial: Partial<E2eEnv> = { dir };
  onPartial(partial);
  const hook = writeHookScript(dir);
  const cluster = new SlurmCluster({ base: join(dir, 'slurm'), clusterName: o.clusterName, nodes: 4, prologSlurmctld: hook.script, epilogSlurmctld: hook.script });
  partial.cluster = cluster;
  const [built, started, nats] = await Promise.allSettled([ensureBuilt(o.log), cluster.start(), startNatsServer()]);
  if (nats.status === 'fulfilled') partial.nats = nats.value;
  if (started.status === 'rejected') {
    throw new Error(
      `cannot run the end-to-end suite: the real Slurm 22.05 test cluster did not start (it needs root on Debian to install slurm-wlm, slurmdbd, munge and mariadb-server, or those packages installed): ${(started.reason as Error).message}`,
    );
  }
  if (built.status === 'rejected') throw built.reason;
  if (nats.status === 'rejected') throw nats.reason;
  if (!cluster.gpus) throw new Error('the Slurm test cluster has no fake GPUs (mknod not permitted?): the GPU scenarios cannot run');
  const stack = new BridgeStack({
    dir,
    hook,
    clusterName: o.clusterName,
    hosts: 'node[1-4]',
    natsUrl: nats.value.url,
    commitIntervalSec: o.commitIntervalSec,
    slurmBinDir: '/usr/bin',
    slurmEnv: cluster.env(),
    publisherExtra: { gpuPciAddrs: GPU_PCI_ADDRS, ...o.publisherExtra },
    ...(o.forwarderExtra ? { forwarderExtra: o.forwarderExtra } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
  partial.stack = stack;
  await stack.startCcBackend();
  await stack.startDaemons();
  const sacct = new SacctWatcher(cluster);
  const cc = new CcWatcher(stack);
  cc.start();
  partial.sacct = sacct;
  partial.cc = cc;
  return {
    dir,
    cluster,
    nats: nats.value,
    stack,
    sacct,
    cc,
    clusterStart: started.value,
    buildMs: built.value,
    setupMs: Date.now() - t0,
  };
}

/** Stops everything; returns what was still alive afterwards (should be nothing). */
export async function tearDownE2e(e: Partial<E2eEnv>, opts: { keepDir?: boolean } = {}): Promise<{ survivors: string[]; stopMs: number }> {
  const t0 = Date.now();
  e.sacct?.stop();
  e.cc?.stop();
  const survivors: string[] = [];
  await e.stack?.stop().catch(() => undefined);
  await e.nats?.cleanup().catch(() => undefined);
  if (e.cluster) {
    const pids = Object.entries(e.cluster.pids());
    const r = await e.cluster.stop({ purge: !opts.keepDir }).catch((err: Error) => ({ survivors: [-1], err }));
    if (r.survivors.length) survivors.push(`slurm: ${JSON.stringify(r)}`);
    for (const [n, pid] of pids) if (pidAlive(pid)) survivors.push(`${n} (${pid})`);
    for (const pid of leftoverStepds(e.cluster.base)) survivors.push(`slurmstepd/job ${pid}`);
  }
  for (const pid of e.stack?.survivors() ?? []) survivors.push(`bridge process ${pid}`);
  if (e.dir && !opts.keepDir && !process.env.CCSB_E2E_KEEP) rmSync(e.dir, { recursive: true, force: true });
  return { survivors, stopMs: Date.now() - t0 };
}

/** `cc-slurm-forwarder status --json` through the real CLI. */
export async function forwarderStatus(stack: BridgeStack): Promise<{
  stream: { messages?: number };
  consumer: { numPending?: number; numAckPending?: number; numRedelivered?: number };
  dlq: { messages?: number };
}> {
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const c = spawn(process.execPath, [FORWARDER_CLI, 'status', '--config', stack.forwarderConfig, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  if (out.code !== 0) throw new Error(`forwarder status failed (${out.code}): ${out.stderr}`);
  return JSON.parse(out.stdout) as ReturnType<typeof forwarderStatus> extends Promise<infer T> ? T : never;
}

export const RESULTS_DIR = join(tmpdir(), 'cc-slurm-bridge-e2e');

/** Writes `<tmp>/cc-slurm-bridge-e2e/last-run-<name>.json`; returns the path. */
export function writeResults(name: string, data: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `last-run-${name}.json`);
  writeFileSync(path, JSON.stringify({ writtenAt: new Date().toISOString(), ...(data as object) }, null, 2) + '\n');
  return path;
}

export function readResults(name: string): unknown {
  try {
    return JSON.parse(readFileSync(join(RESULTS_DIR, `last-run-${name}.json`), 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export const fmtMs = (ms: number | undefined): string => (ms === undefined ? '-' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
