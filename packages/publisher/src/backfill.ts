/**
 * `cc-slurm-publisher backfill`: publishes the history of a cluster from sacct, window by window
 * (each at most slurmQueryMaxSpan), with progress on stderr. Every event carries its
 * deterministic Nats-Msg-Id, so running it again (or over a range the daemon already covered)
 * adds nothing within the stream's duplicate window, and cc-backend answers already-known jobs
 * with 422, which the forwarder treats as success. It does not touch the daemon's state.
 */
import { hostname } from 'node:os';
import { jetstream } from '@nats-io/jetstream';
import { assertClusterToken, connectNats, encodeEventMessage, ensureJetStreamResources, type Logger } from '@cc-slurm-bridge/shared';
import type { PublisherConfig } from './config.js';
import { SlurmRunner, slurmTime } from './query/run-slurm.js';
import { SlurmSource } from './query/slurm-source.js';
import { hasStarted, isEnded, parseJobs } from './events.js';
import { jobEvents } from './mapping/mod.js';
import { publishPipelined, type PipelineMessage } from './publish/pipeline.js';

export interface BackfillOptions {
  config: PublisherConfig;
  cluster: string;
  since: number;
  until: number;
  logger: Logger;
  progress?: (line: string) => void;
  /** Environment of the Slurm CLIs (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface BackfillResult {
  windows: number;
  jobs: number;
  events: number;
  acked: number;
  duplicates: number;
  failed: number;
}

export async function runBackfill(o: BackfillOptions): Promise<BackfillResult> {
  assertClusterToken(o.cluster);
  if (o.until <= o.since) throw new Error('--until must be after --since');
  const c = o.config;
  const progress = o.progress ?? ((l: string) => process.stderr.write(`${l}\n`));
  const runner = new SlurmRunner({ binDir: c.slurmBinDir, timeoutMs: c.slurmCommandTimeout * 1000, ...(o.env ? { env: o.env } : {}) });
  const source = new SlurmSource({ runner, logger: o.logger, multiCluster: (c.clusters?.length ?? 1) > 1 });
  const nc = await connectNats(c, { name: `cc-slurm-publisher-backfill@${hostname()}`, logger: o.logger, failFast: true });
  const res: BackfillResult = { windows: 0, jobs: 0, events: 0, acked: 0, duplicates: 0, failed: 0 };
  try {
    await ensureJetStreamResources(nc, c, { consumer: false, logger: o.logger });
    const js = jetstream(nc);
    const span = c.slurmQueryMaxSpan;
    for (let s = o.since; s < o.until; s += span) {
      const e = Math.min(o.until, s + span);
      const jobs = parseJobs(await source.sacctWindow(o.cluster, s, e), o.cluster, o.logger);
      const msgs: PipelineMessage[] = [];
      const ids = new Set<string>();
      let n = 0;
      for (const job of jobs) {
        // Each job belongs to the window it ended in, so windows do not overlap.
        if (!hasStarted(job) || !isEnded(job) || job.placeholder) continue;
        if (job.endTime === undefined || job.endTime < s || job.endTime >= e) continue;
        const r = jobEvents(job, { cluster: o.cluster, gpuPciAddrs: c.gpuPciAddrs, ...(c.ignoreHosts ? { ignoreHosts: c.ignoreHosts } : {}), source: c.source ?? hostname() });
        if (!r.events.length) continue;
        n++;
        for (const ev of r.events) {
          const m = encodeEventMessage(ev, { natsSubject: c.natsSubject, format: c.messageFormat, prevalidated: true });
          if (ids.has(m.msgId)) continue;
          ids.add(m.msgId);
          msgs.push(m);
        }
      }
      const pr = await publishPipelined(js, msgs, { window: c.publishWindow, onError: (err, m) => o.logger.debug({ msgId: m.msgId, err: (err as Error).message }, 'publish failed; retrying') });
      res.windows++;
      res.jobs += n;
      res.events += msgs.length;
      res.acked += pr.acked;
      res.duplicates += pr.duplicates;
      res.failed += pr.failed;
      const pct = Math.round(((e - o.since) / (o.until - o.since)) * 100);
      progress(`backfill ${o.cluster} ${slurmTime(s)}..${slurmTime(e)} (${pct}%): ${n} jobs, ${msgs.length} events, ${pr.acked - pr.duplicates} new, ${pr.duplicates} already in the stream${pr.failed ? `, ${pr.failed} FAILED` : ''}`);
      if (pr.failed) throw new Error(`${pr.failed} events of window ${slurmTime(s)}..${slurmTime(e)} could not be published; run the backfill again from ${slurmTime(s)}`);
    }
  } finally {
    await nc.drain().catch(() => nc.close());
  }
  return res;
}
