// `pnpm bench forwarder [--jobs N] [--concurrency C] [--warmup N] [--rounds N]`
//
// Throughput of the forwarder against the cc-backend double, next to the ceiling: raw node:http
// keep-alive POSTs into the same double at the same concurrency, with the same mix (each job's
// start then its stop, different jobs in parallel). The double runs in its own process, with
// commit interval 0; nats-server is a private one from test/harness.
//
//   raw POSTs/s       = 2·jobs / time of the raw client (median of rounds+1 runs interleaved with the forwarder's)
//   (the double's tables are reset before each phase: its per-request cost grows with its row count)
//   forwarder ev/s    = 2·jobs / time from forwarder start until the double has answered all its events
//                       (the events are in the stream before the forwarder starts: a backlog)
//                       (median of `rounds` runs, each with a fresh forwarder instance)
//   ratio             = forwarder ev/s ÷ raw POSTs/s
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createLogger, encodeEventMessage, ensureJetStreamResources, startJobEvent, stopJobEvent, type JobEvent } from '@cc-slurm-bridge/shared';
import { parseForwarderConfig, startForwarder } from '@cc-slurm-bridge/forwarder';
import { startNatsServer } from '../harness/nats-server.js';
import { killAndWait, pollUntil, spawnLogged } from '../harness/process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

const JOBS = arg('jobs', 2000);
const C = arg('concurrency', 16);
const WARMUP = arg('warmup', 1000);
const ROUNDS = arg('rounds', 2);
const CLUSTER = 'benchcluster';

function startBody(jobId: number) {
  return {
    jobId,
    cluster: CLUSTER,
    user: 'alice',
    project: 'proj1',
    partition: 'work',
    startTime: 1_700_000_000,
    walltime: 3600,
    numNodes: 2,
    numHwthreads: 8,
    numAcc: 0,
    shared: 'none' as const,
    resources: [
      { hostname: 'n0001', hwthreads: [0, 1, 2, 3] },
      { hostname: 'n0002', hwthreads: [0, 1, 2, 3] },
    ],
    metaData: { jobName: `bench-${jobId}`, jobScript: '#!/bin/bash\n#SBATCH -N 2\nsrun ./a.out\n' },
  };
}
const stopBody = (jobId: number) => ({ jobId, cluster: CLUSTER, startTime: 1_700_000_000, jobState: 'completed' as const, stopTime: 1_700_000_060 });

async function rawPosts(url: string, jwt: string, firstJob: number, jobs: number): Promise<{ rate: number; cpuMsPerEvent: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: C });
  const { hostname, port } = new URL(url);
  const post = (path: string, body: unknown): Promise<number> =>
    new Promise((resolve, reject) => {
      const data = JSON.stringify(body);
      const req = http.request(
        {
          host: hostname,
          port,
          path,
          method: 'POST',
          agent,
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data), 'X-Auth-Token': jwt, Authorization: `Bearer ${jwt}` },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < jobs) {
        const j = firstJob + next++;
        const a = await post('/api/jobs/start_job/', startBody(j));
        const b = await post('/api/jobs/stop_job/', stopBody(j));
        if (a !== 201 || b !== 200) throw new Error(`raw client: job ${j} got ${a}/${b}`);
      }
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return { rate: (2 * jobs * 1000) / ms, cpuMsPerEvent: (cpu.user + cpu.system) / 1000 / (2 * jobs) };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ccsb-bench-'));
  const nats = await startNatsServer();
  const cc = spawnLogged(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, 'test/cc-backend/main.ts'), '--port', '0', '--cluster', `${CLUSTER}:n[0001-0999]`, '--commit-interval', '0'], {
    cwd: root,
  });
  try {
    const lines = await pollUntil('the double to print its URL and JWT', async () => {
      const l = cc.logLines();
      const url = l.find((x) => x.startsWith('URL='))?.slice(4);
      const jwt = l.find((x) => x.startsWith('JWT='))?.slice(4);
      return url && jwt ? { url, jwt } : undefined;
    }, { timeoutMs: 30_000 });
    const { url, jwt } = lines;
    const counters = async (): Promise<{ total: number; byStatus: Record<string, number> }> =>
      (await (await fetch(`${url}/__test__/counters`)).json()) as { total: number; byStatus: Record<string, number> };

    console.log(`cc-backend double ${url} (own process), nats-server ${nats.version}, ${JOBS} jobs = ${2 * JOBS} events, concurrency ${C}`);
    console.log(`${availableParallelism()} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (other work on the machine skews both figures)`);
    // The double's job tables are scanned per request, so every phase starts from empty tables.
    const reset = async (): Promise<void> => void (await fetch(`${url}/__test__/reset`, { method: 'POST' })).text();
    await rawPosts(url, jwt, 1, WARMUP);

    const cfgR = parseForwarderConfig(
      { natsServer: nats.url, ccRestUrl: url, ccRestJwt: jwt, concurrency: C, logLevel: 'warn', consumerMaxAckPending: 10_000 },
      {},
    );
    if (!cfgR.ok) throw cfgR.error;
    const cfg = cfgR.value;
    const nc = await connect({ servers: nats.url });
    await ensureJetStreamResources(nc, cfg, { consumer: true });
    const js = jetstream(nc);
    const logger = createLogger({ name: 'cc-slurm-forwarder', level: 'warn', secrets: [jwt] });

    const raw = async (round: number): Promise<number> => {
      await reset();
      const r = await rawPosts(url, jwt, 1_000_000 * (round + 1), JOBS);
      console.log(`  round ${round}  raw node:http   ${r.rate.toFixed(0).padStart(6)} POSTs/s   (client CPU ${r.cpuMsPerEvent.toFixed(2)} ms/POST)`);
      return r.rate;
    };
    const forwarder = async (round: number, jobs = JOBS): Promise<number> => {
      // Backlog first (not timed): each job's start and stop, as the publisher emits them.
      const first = 1_000_000 * (round + 1) + 500_000;
      let acks: Array<Promise<unknown>> = [];
      for (let j = first; j < first + jobs; j++) {
        for (const e of [startJobEvent(startBody(j)), stopJobEvent(stopBody(j))] as JobEvent[]) {
          const m = encodeEventMessage(e, { natsSubject: cfg.natsSubject });
          const h = natsHeaders();
          for (const [k, v] of Object.entries(m.headers)) h.set(k, v);
          acks.push(js.publish(m.subject, m.data, { headers: h, msgID: m.msgId }));
        }
        if (acks.length >= 512) {
          await Promise.all(acks);
          acks = [];
        }
      }
      await Promise.all(acks);
      await reset();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const fwd = await startForwarder(cfg, { logger, defaultMetrics: false });
      await pollUntil('the forwarder to deliver every event', async () => ((await counters()).total >= 2 * jobs ? true : undefined), {
        timeoutMs: 600_000,
        intervalMs: 25,
      });
      const rate = (2 * jobs * 1000) / (performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      const st = fwd.status();
      await fwd.stop();
      const c = await counters();
      const bad = Object.entries(c.byStatus).filter(([code]) => code !== '201' && code !== '200');
      console.log(
        `  ${round < 0 ? 'warm-up ' : `round ${round}`}  forwarder       ${rate.toFixed(0).padStart(6)} events/s  (CPU ${((cpu.user + cpu.system) / 1000 / (2 * jobs)).toFixed(2)} ms/event; ` +
          `outcomes ${JSON.stringify(st.counts)}${bad.length ? `; unexpected statuses ${JSON.stringify(Object.fromEntries(bad))}` : ''})`,
      );
      return rate;
    };

    // Interleaved rounds (raw, forwarder, raw, forwarder, raw): other load on the machine drifts
    // over seconds, so each figure is the median of its rounds.
    // Both clients get a warm-up (JIT, connections) that is not counted.
    await forwarder(-1, WARMUP);
    const raws: number[] = [];
    const fwds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      raws.push(await raw(round));
      fwds.push(await forwarder(round));
    }
    raws.push(await raw(ROUNDS));
    await nc.close();
    const median = (xs: number[]): number => {
      const a = [...xs].sort((x, y) => x - y);
      const m = Math.floor(a.length / 2);
      return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
    };
    const f = median(fwds);
    const r = median(raws);
    console.log('');
    console.log(`  forwarder   ${f.toFixed(0).padStart(7)} events/s  (median of ${fwds.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  raw POSTs   ${r.toFixed(0).padStart(7)} POSTs/s   (median of ${raws.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  ratio       ${(f / r).toFixed(2).padStart(7)}   (target ≥ 0.5, aim 0.8)`);
  } finally {
    await killAndWait(cc, 'SIGTERM');
    await nats.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
