// `pnpm bench publisher [--jobs N] [--window W]`
//
// A synthetic squeue --json snapshot of N (default 50,000) running jobs, and its sacct --json
// counterpart (the same jobs ended), through the publisher's own path: parse (slurm/), diff
// against the emitted set, map (mapping/), outbox write + fsync, pipelined JetStream publish,
// PubAck, outbox ack. Compared with raw pipelined JetStream publishing of the same (pre-encoded)
// events in the same run, to its own nats-server from the test harness (never :4222).
// Prints both rates, the ratio and the peak RSS.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ensureJetStreamResources, parseConfig, natsSettingsShape, silentLogger, encodeEventMessage, decodeEventMessage } from '@cc-slurm-bridge/shared';
import { z } from 'zod';
import { Outbox, OutboxPublisher, collectNew, ingestJobs, parseJobs, publishPipelined, type PipelineMessage } from '@cc-slurm-bridge/publisher';
import { startNatsServer } from '../harness/nats-server.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const N = arg('jobs', 50_000);
const WINDOW = arg('window', 1024);
const CLUSTER = 'benchcluster';

const here = fileURLToPath(new URL('.', import.meta.url));
const tpl = (f: string): { meta: unknown; job: Record<string, unknown> } => JSON.parse(readFileSync(join(here, '..', 'slurm-standins', 'templates', f), 'utf8'));

const now = Math.floor(Date.now() / 1000);
const node = (i: number): string => `n${String(i % 4000).padStart(4, '0')}`;

/** N running jobs, 22.05 squeue --json records (shape of a real capture), 1-4 nodes each, 4-64 cores per node. */
function squeueSnapshot(): string {
  const t = tpl('squeue-v0.0.38.json');
  const parts: string[] = [];
  for (let i = 0; i < N; i++) {
    const nn = 1 + (i % 4);
    const cores = 4 << i % 5;
    const hosts = Array.from({ length: nn }, (_, k) => node(i * 4 + k));
    const coreMap: Record<string, string> = {};
    for (let c = 0; c < cores; c++) coreMap[String(c)] = 'allocated';
    const start = now - 3600 - (i % 3600);
    const r = {
      ...t.job,
      account: `proj${i % 50}`,
      batch_host: hosts[0],
      cluster: CLUSTER,
      job_id: 1_000_000 + i,
      job_state: 'RUNNING',
      name: `bench-${i}`,
      nodes: hosts.join(','),
      node_count: nn,
      cpus: nn * cores,
      partition: i % 10 ? 'work' : 'gpu',
      start_time: start,
      end_time: start + 86_400,
      submit_time: start - 60,
      eligible_time: start - 60,
      time_limit: 1440,
      tres_alloc_str: `cpu=${nn * cores},node=${nn},billing=${nn * cores}`,
      user_name: `user${i % 500}`,
      job_resources: {
        nodes: hosts.join(','),
        allocated_cores: nn * cores,
        allocated_hosts: nn,
        allocated_nodes: hosts.map((h) => ({ sockets: { 0: { cores: coreMap } }, nodename: h, cpus_used: 0, memory_used: 0, memory_allocated: 0 })),
      },
    };
    parts.push(JSON.stringify(r));
  }
  return `{"meta":${JSON.stringify(t.meta)},"errors":[],"jobs":[${parts.join(',')}]}`;
}

/** The same jobs, ended, as 22.05 sacct --json -X records. */
function sacctCounterpart(): string {
  const t = tpl('sacct-dbv0.0.38.json');
  const parts: string[] = [];
  for (let i = 0; i < N; i++) {
    const nn = 1 + (i % 4);
    const cores = 4 << i % 5;
    const hosts = Array.from({ length: nn }, (_, k) => node(i * 4 + k));
    const start = now - 3600 - (i % 3600);
    const end = start + 600 + (i % 1800);
    const r = {
      ...t.job,
      account: `proj${i % 50}`,
      allocation_nodes: nn,
      cluster: CLUSTER,
      job_id: 1_000_000 + i,
      name: `bench-${i}`,
      nodes: hosts.join(','),
      partition: i % 10 ? 'work' : 'gpu',
      user: `user${i % 500}`,
      state: { current: i % 13 ? 'COMPLETED' : 'FAILED', reason: 'None' },
      time: { ...(t.job.time as object), submission: start - 60, eligible: start - 60, start, end, elapsed: end - start, limit: 1440 },
      tres: {
        allocated: [
          { type: 'cpu', name: null, id: 1, count: nn * cores },
          { type: 'node', name: null, id: 4, count: nn },
          { type: 'billing', name: null, id: 5, count: nn * cores },
        ],
        requested: [{ type: 'cpu', name: null, id: 1, count: nn * cores }],
      },
    };
    parts.push(JSON.stringify(r));
  }
  return `{"meta":${JSON.stringify(t.meta)},"errors":[],"jobs":[${parts.join(',')}]}`;
}

let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;
const ms = (t: bigint): number => Number(process.hrtime.bigint() - t) / 1e6;

async function main(): Promise<void> {
  const nats = await startNatsServer();
  const stateDir = mkdtempSync(join(tmpdir(), 'ccsb-bench-'));
  try {
    const cfg = parseConfig(z.object(natsSettingsShape), { natsServer: nats.url, streamName: 'BENCH', natsSubject: 'bench' });
    if (!cfg.ok) throw cfg.error;
    const settings = cfg.value;
    const rawSettings = { ...settings, streamName: 'BENCH_RAW', natsSubject: 'benchraw' };
    const nc = await connect({ servers: nats.url });
    await ensureJetStreamResources(nc, settings, { consumer: false });
    await ensureJetStreamResources(nc, rawSettings, { consumer: false });
    const js = jetstream(nc);

    let t = process.hrtime.bigint();
    // Each snapshot is held only until it is parsed, as the daemon holds Slurm's output.
    const texts: Array<string | undefined> = [squeueSnapshot(), sacctCounterpart()];
    console.log(`synthetic input: squeue --json ${N} running jobs (${mb(texts[0]!.length)}), sacct --json ${N} ended jobs (${mb(texts[1]!.length)}), generated in ${ms(t).toFixed(0)} ms`);

    // ---------------------------------------------------------------- the publisher's path
    const outbox = await Outbox.open(stateDir);
    const publisher = new OutboxPublisher({ outbox, logger: silentLogger(), window: WINDOW });
    publisher.setJetStream(js);
    publisher.start();
    const ctx = { cluster: CLUSTER, natsSubject: settings.natsSubject, format: 'json' as const };
    const phases: string[] = [];
    const tAll = process.hrtime.bigint();
    let events = 0;
    for (const [i, what, sel] of [
      [0, 'squeue', {}],
      [1, 'sacct', { running: false }],
    ] as const) {
      t = process.hrtime.bigint();
      const jobs = parseJobs(texts[i]!, CLUSTER);
      texts[i] = undefined;
      const tParse = ms(t);
      // the daemon's poll path: diff + map + encode in slices, each slice written (fsync) to the
      // outbox and handed to the publisher while the next is mapped
      t = process.hrtime.bigint();
      const got = await ingestJobs(jobs, outbox, ctx, sel);
      const tIngest = ms(t);
      events += got.added.length;
      phases.push(`${what}: parse ${tParse.toFixed(0)} ms (${jobs.length} jobs); diff+map+encode+outbox fsync ${tIngest.toFixed(0)} ms (${got.added.length} new events, publishing meanwhile)`);
      // every later poll of an unchanged snapshot costs the diff only
      t = process.hrtime.bigint();
      const again = collectNew(jobs, outbox, ctx, sel);
      phases.push(`${what}: re-poll of the unchanged snapshot: diff ${ms(t).toFixed(0)} ms, ${again.entries.length} new events`);
    }
    const drained = await publisher.drain(600_000);
    const bridgeMs = ms(tAll);
    await publisher.stop();
    await outbox.close();
    if (!drained) throw new Error('publisher did not drain');
    const jsm = await jetstreamManager(nc);
    const stored = (await jsm.streams.info('BENCH')).state.messages;
    if (stored !== events) throw new Error(`stream BENCH has ${stored} messages, expected ${events}`);

    // ---------------------------------------------------------------- raw pipelined publishing
    // The same events (decoded from the published path's bodies and re-encoded for the raw
    // subject before the clock starts), published with `window` PubAcks outstanding.
    const rawMsgs: PipelineMessage[] = [];
    {
      const c = await js.consumers.get('BENCH');
      while (rawMsgs.length < stored) {
        const it = await c.fetch({ max_messages: 5000, expires: 5000 });
        let got = 0;
        for await (const m of it) {
          got++;
          const d = decodeEventMessage(m.data, m.headers?.get('Content-Type'));
          if (!d.ok) throw d.error;
          rawMsgs.push(encodeEventMessage(d.value, { natsSubject: rawSettings.natsSubject }));
        }
        if (!got) break;
      }
    }
    t = process.hrtime.bigint();
    const pr = await publishPipelined(js, rawMsgs, { window: WINDOW });
    const rawMs = ms(t);
    if (pr.acked !== rawMsgs.length) throw new Error(`raw: ${pr.acked} of ${rawMsgs.length} acked`);

    const bridgeRate = events / (bridgeMs / 1000);
    const rawRate = rawMsgs.length / (rawMs / 1000);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    for (const p of phases) console.log(`  ${p}`);
    console.log(`publisher path (parse, diff, map, outbox+fsync, publish, PubAck): ${events} events in ${bridgeMs.toFixed(0)} ms = ${bridgeRate.toFixed(0)} events/s`);
    console.log(`raw pipelined JetStream publish (window ${WINDOW}):              ${rawMsgs.length} events in ${rawMs.toFixed(0)} ms = ${rawRate.toFixed(0)} events/s`);
    console.log(`ratio publisher/raw: ${(bridgeRate / rawRate).toFixed(2)}`);
    console.log(`peak RSS: ${mb(peakRss)} (maxRSS ${mb(process.resourceUsage().maxRSS * 1024)}); nats-server ${nats.version}; node ${process.version}`);
    await nc.close();
  } finally {
    clearInterval(rssTimer);
    rmSync(stateDir, { recursive: true, force: true });
    await nats.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
