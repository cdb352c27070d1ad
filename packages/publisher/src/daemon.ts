/**
 * The publisher daemon (`cc-slurm-publisher run`): polls Slurm, reacts to hook messages, writes
 * every event to the outbox before publishing it, and publishes the outbox to JetStream.
 *
 * Poll (every slurmPollInterval s, per cluster):
 *   1. one `squeue --json`: starts of running jobs (with their allocation, captured while
 *      slurmctld still has it) and stops of jobs slurmctld still remembers as finished;
 *   2. `sacct --json` windows from the cluster's scan cursor to now (each at most
 *      slurmQueryMaxSpan): stops of ended jobs, plus the starts of jobs never seen running.
 * The scan cursor lives in memory and moves past what is safely in the outbox; the durable
 * watermark (state.json) moves only past acknowledged events, so a restart re-reads from there
 * and the emitted set drops what was already sent.
 */
import { hostname } from 'node:os';
import { writeFileSync, readFileSync, unlinkSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { assertClusterToken, connectNats, ensureJetStreamResources, isNatsSetupError, type Logger } from '@cc-slurm-bridge/shared';
import type { PublisherConfig } from './config.js';
import { createMetrics, type PublisherMetrics } from './metrics.js';
import { Outbox, type OutboxEntry } from './outbox/outbox.js';
import { OutboxPublisher } from './publish/publisher.js';
import { StateFile, type DaemonState } from './state/state.js';
import { SlurmRunner } from './query/run-slurm.js';
import { SlurmSource } from './query/slurm-source.js';
import { collectNew, hasStarted, ingestJobs, isEnded, parseJobs, type EventContext } from './events.js';
import { startHookServer, type HookServer } from './hook/server.js';
import type { HookMessage } from './hook/message.js';
import { startHttpServer, type HttpServer } from './http.js';
import type { SlurmJob } from './slurm/mod.js';

export interface DaemonOptions {
  config: PublisherConfig;
  logger: Logger;
  metrics?: PublisherMetrics;
  /** Environment of the Slurm CLIs (default: this process's; TZ is always UTC). */
  env?: NodeJS.ProcessEnv;
}

interface HookJob {
  cluster: string;
  context: string;
  attempts: number;
  due: number;
}

const hookCtx = (c: string): 'prolog' | 'epilog' | 'other' => (c.startsWith('prolog') ? 'prolog' : c.startsWith('epilog') ? 'epilog' : 'other');

export class PublisherDaemon {
  readonly config: PublisherConfig;
  readonly logger: Logger;
  readonly metrics: PublisherMetrics;
  outbox!: Outbox;
  publisher!: OutboxPublisher;
  clusters: string[] = [];
  private stateFile: StateFile;
  private state: DaemonState;
  /** In-memory sacct scan cursor per cluster (≥ the durable watermark). */
  private cursor = new Map<string, number>();
  private runner: SlurmRunner;
  source!: SlurmSource;
  private nc: NatsConnection | undefined;
  private natsReady = false;
  private stopping = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private hookServer: HookServer | undefined;
  private http: HttpServer | undefined;
  private hookJobs = new Map<number, HookJob>();
  private hookTimer: NodeJS.Timeout | undefined;
  private hookRunning: Promise<void> | undefined;
  private compactTimer: NodeJS.Timeout | undefined;
  private connectLoop: Promise<void> | undefined;
  private readonly sourceName: string;
  private wake: () => void = () => undefined;
  private readonly stopped = new Promise<void>((r) => (this.wake = r));
  private lastPollOk = false;
  /** Poll cycles completed (for tests). */
  pollCount = 0;

  constructor(opts: DaemonOptions) {
    this.config = opts.config;
    this.logger = opts.logger;
    this.metrics = opts.metrics ?? createMetrics();
    this.stateFile = new StateFile(this.config.stateDir);
    this.state = { version: 1, watermarks: {} };
    this.runner = new SlurmRunner({ binDir: this.config.slurmBinDir, timeoutMs: this.config.slurmCommandTimeout * 1000, metrics: this.metrics, ...(opts.env ? { env: opts.env } : {}) });
    this.sourceName = this.config.source ?? hostname();
  }

  get ready(): boolean {
    return this.natsReady;
  }

  get hookAddress(): HookServer['address'] | undefined {
    return this.hookServer?.address;
  }

  get httpAddress(): { host: string; port: number } | undefined {
    return this.http?.address;
  }

  async start(): Promise<void> {
    const c = this.config;
    mkdirSync(c.stateDir, { recursive: true });
    if (c.pidFilePath) this.writePidFile(c.pidFilePath);
    this.state = this.stateFile.read();
    this.outbox = await Outbox.open(c.stateDir, { logger: this.logger, retentionSec: c.emittedRetentionDays * 86_400 });
    this.metrics.outboxDepth.set(this.outbox.depth);
    this.publisher = new OutboxPublisher({ outbox: this.outbox, logger: this.logger, metrics: this.metrics, window: c.publishWindow });
    this.publisher.start();
    if (c.httpListen) this.http = await startHttpServer(c.httpListen, this, this.logger);
    this.connectLoop = this.runConnectLoop();
    this.clusters = await this.resolveClusters();
    this.source = new SlurmSource({ runner: this.runner, logger: this.logger, multiCluster: this.clusters.length > 1 });
    this.hookServer = await startHookServer(c.prepSockListenPath, (m) => this.onHook(m), this.logger);
    this.compactTimer = setInterval(() => void this.outbox.compact().catch((err) => this.logger.error({ err }, 'outbox compaction failed')), 3_600_000);
    this.compactTimer.unref();
    this.logger.info({ clusters: this.clusters, stateDir: c.stateDir, pollInterval: c.slurmPollInterval, pending: this.outbox.depth }, 'publisher daemon started');
    this.schedulePoll(0);
  }

  private writePidFile(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${process.pid}\n`);
  }

  private async resolveClusters(): Promise<string[]> {
    let clusters = this.config.clusters;
    for (let attempt = 0; !clusters; attempt++) {
      try {
        const runner = new SlurmSource({ runner: this.runner, logger: this.logger, multiCluster: false });
        const found = await runner.listClusters();
        if (!found.length) throw new Error('sacctmgr list clusters returned no cluster');
        clusters = found;
      } catch (err) {
        if (this.stopping) throw err;
        this.logger.error({ err: (err as Error).message }, 'cannot list clusters with sacctmgr (set "clusters" in the config to skip this); retrying');
        await Promise.race([sleep(Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5))), this.stopped]);
      }
    }
    for (const cl of clusters) assertClusterToken(cl);
    return clusters;
  }

  // ---------------------------------------------------------------------------------- NATS

  private async runConnectLoop(): Promise<void> {
    let attempt = 0;
    while (!this.stopping) {
      let nc: NatsConnection | undefined;
      try {
        nc = await connectNats(this.config, { name: `cc-slurm-publisher@${this.sourceName}`, logger: this.logger });
        if (this.stopping) {
          await nc.close();
          return;
        }
        this.nc = nc;
        await ensureJetStreamResources(nc, this.config, { consumer: false, logger: this.logger });
        const js = jetstream(nc);
        this.publisher.setJetStream(js);
        this.natsReady = true;
        this.metrics.natsConnected.set(1);
        attempt = 0;
        void this.watchStatus(nc);
        await nc.closed();
      } catch (err) {
        if (this.stopping) return;
        const level = isNatsSetupError(err, 'auth') || isNatsSetupError(err, 'config') ? 'error' : 'warn';
        this.logger[level]({ err: (err as Error).message }, 'NATS not ready; retrying');
        await nc?.close().catch(() => undefined);
      } finally {
        this.natsReady = false;
        this.metrics.natsConnected.set(0);
        this.publisher.setJetStream(undefined);
        if (this.nc === nc) this.nc = undefined;
      }
      if (this.stopping) return;
      await Promise.race([sleep(Math.min(10_000, 500 * 2 ** Math.min(attempt++, 5))), this.stopped]);
    }
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    try {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') {
          this.natsReady = false;
          this.metrics.natsConnected.set(0);
        } else if (s.type === 'reconnect') {
          try {
            // The server may have lost its store; ensure the stream again before publishing on.
            await ensureJetStreamResources(nc, this.config, { consumer: false, logger: this.logger });
            this.natsReady = true;
            this.metrics.natsConnected.set(1);
            this.publisher.setJetStream(jetstream(nc));
          } catch (err) {
            this.logger.warn({ err: (err as Error).message }, 'could not ensure the stream after reconnecting');
          }
        }
      }
    } catch {
      // ends with the connection
    }
  }

  // ---------------------------------------------------------------------------------- poll

  private schedulePoll(delayMs: number): void {
    if (this.stopping) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      this.polling = this.pollOnce().finally(() => {
        this.polling = undefined;
        this.schedulePoll(this.config.slurmPollInterval * 1000);
      });
    }, delayMs);
  }

  private ctx(cluster: string): EventContext {
    const c = this.config;
    return {
      cluster,
      natsSubject: c.natsSubject,
      format: c.messageFormat,
      gpuPciAddrs: c.gpuPciAddrs,
      ...(c.ignoreHosts ? { ignoreHosts: c.ignoreHosts } : {}),
      source: this.sourceName,
      logger: this.logger,
    };
  }

  /** One poll of every cluster. Never throws. */
  async pollOnce(): Promise<void> {
    let ok = true;
    for (const cluster of this.clusters) {
      if (this.stopping) break;
      try {
        await this.pollCluster(cluster);
      } catch (err) {
        ok = false;
        this.logger.error({ cluster, err: (err as Error).message }, 'poll failed; will retry at the next interval');
      }
    }
    this.lastPollOk = ok;
    this.pollCount++;
    this.metrics.polls.inc({ result: ok ? 'ok' : 'error' });
  }

  private async pollCluster(cluster: string): Promise<void> {
    const ctx = this.ctx(cluster);
    const now = Math.floor(Date.now() / 1000);
    // 1. slurmctld's view: running jobs (allocation captured now) and recently finished ones.
    const sq = parseJobs(await this.source.squeue(cluster), cluster, this.logger);
    this.counted((await ingestJobs(this.own(sq, cluster), this.outbox, ctx)).added);

    // 2. accounting: everything that ended since the cursor.
    const settle = Math.max(60, 2 * this.config.slurmPollInterval);
    const span = this.config.slurmQueryMaxSpan;
    let cur = this.cursor.get(cluster) ?? this.state.watermarks[cluster] ?? now - this.config.initialLookback;
    for (;;) {
      const end = Math.min(now, cur + span);
      const jobs = parseJobs(await this.source.sacctWindow(cluster, cur, end), cluster, this.logger);
      const got = await ingestJobs(this.own(jobs, cluster), this.outbox, ctx, { running: false });
      this.counted(got.added);
      let next = end >= now ? Math.max(cur, now - settle) : end;
      for (const p of got.placeholders) {
        // G1: an incomplete record; read it again until slurmdbd has the real one.
        const t = (p.endTime ?? p.startTime ?? cur) - 1;
        if (t < next) next = Math.max(cur, t);
      }
      if (got.placeholders.length) this.logger.debug({ cluster, placeholders: got.placeholders.map((j) => j.jobId) }, 'sacct returned placeholder records; holding the cursor');
      cur = next;
      if (end >= now || this.stopping) break;
    }
    this.cursor.set(cluster, cur);
    this.persistWatermark(cluster, cur);
  }

  /** In multi-cluster mode, jobs of other clusters are ignored. */
  private own(jobs: SlurmJob[], cluster: string): SlurmJob[] {
    if (this.clusters.length <= 1) return jobs;
    return jobs.filter((j) => !j.cluster || j.cluster === cluster);
  }

  /** The durable watermark: the scan cursor, held back by events still waiting for their ack. */
  private persistWatermark(cluster: string, cursor: number): void {
    const pend = this.outbox.minPendingTime(cluster, 'stop_job');
    let wm = pend !== undefined ? Math.min(cursor, pend - 1) : cursor;
    const old = this.state.watermarks[cluster];
    if (old !== undefined && wm < old) wm = old;
    this.metrics.watermarkLag.set({ cluster }, Math.max(0, Math.floor(Date.now() / 1000) - wm));
    if (old === wm) return;
    this.state.watermarks[cluster] = wm;
    try {
      this.stateFile.write(this.state);
    } catch (err) {
      this.logger.error({ err }, 'cannot write state file');
    }
  }

  private async emit(entries: OutboxEntry[]): Promise<void> {
    if (!entries.length) return;
    this.counted(await this.outbox.add(entries));
  }

  private counted(fresh: OutboxEntry[]): void {
    if (!fresh.length) return;
    for (const e of fresh) this.metrics.eventsEmitted.inc({ type: e.event });
    this.metrics.outboxDepth.set(this.outbox.depth);
    if (fresh.length) this.logger.debug({ events: fresh.length }, 'events written to the outbox');
  }

  // ---------------------------------------------------------------------------------- hook

  private onHook(m: HookMessage): void {
    this.metrics.hookMessages.inc({ context: m.context });
    if (this.stopping) return;
    let cluster = m.cluster && this.clusters.includes(m.cluster) ? m.cluster : this.clusters[0];
    if (!cluster) return;
    if (m.cluster && !this.clusters.includes(m.cluster) && this.clusters.length > 1) {
      this.logger.warn({ cluster: m.cluster, jobId: m.jobId }, 'hook message for a cluster this daemon does not serve; ignored');
      return;
    }
    if (this.clusters.length === 1) cluster = this.clusters[0]!;
    this.logger.debug({ jobId: m.jobId, context: m.context }, 'hook message');
    const prev = this.hookJobs.get(m.jobId);
    // An epilog supersedes a pending prolog query: the epilog's answer carries both events.
    const context = prev && hookCtx(prev.context) === 'epilog' ? prev.context : m.context;
    this.hookJobs.set(m.jobId, { cluster, context, attempts: 0, due: Date.now() + this.config.slurmQueryDelay * 1000 });
    this.scheduleHooks();
  }

  private scheduleHooks(): void {
    if (this.hookTimer || this.hookRunning || this.stopping) return;
    let due = Infinity;
    for (const j of this.hookJobs.values()) due = Math.min(due, j.due);
    if (due === Infinity) return;
    this.hookTimer = setTimeout(() => {
      this.hookTimer = undefined;
      this.hookRunning = this.runHookQueries().finally(() => {
        this.hookRunning = undefined;
        this.scheduleHooks();
      });
    }, Math.max(0, due - Date.now()));
  }

  private async runHookQueries(): Promise<void> {
    const now = Date.now();
    const byCluster = new Map<string, number[]>();
    for (const [id, j] of this.hookJobs) {
      if (j.due > now) continue;
      const list = byCluster.get(j.cluster) ?? [];
      list.push(id);
      byCluster.set(j.cluster, list);
    }
    for (const [cluster, ids] of byCluster) {
      try {
        await this.queryJobs(cluster, ids);
      } catch (err) {
        this.logger.warn({ cluster, jobs: ids, err: (err as Error).message }, 'hook query failed');
        for (const id of ids) this.retryHook(id, 'error');
      }
    }
  }

  private retryHook(id: number, why: string): void {
    const j = this.hookJobs.get(id);
    if (!j) return;
    j.attempts++;
    if (j.attempts >= this.config.slurmMaxRetries) {
      this.hookJobs.delete(id);
      this.metrics.hookQueries.inc({ result: 'gave_up' });
      this.logger.warn({ jobId: id, context: j.context, attempts: j.attempts, why }, 'job not complete after the retries; leaving it to the poll');
      return;
    }
    this.metrics.hookQueries.inc({ result: 'retry' });
    j.due = Date.now() + Math.max(1, this.config.slurmQueryDelay) * 1000 * j.attempts;
  }

  private async queryJobs(cluster: string, ids: number[]): Promise<void> {
    const ctx = this.ctx(cluster);
    const found = new Map<number, SlurmJob>();
    const { docs } = await this.source.ctldJobs(cluster, ids);
    const want = new Set(ids);
    for (const d of docs) for (const j of parseJobs(d, cluster, this.logger)) if (want.has(j.jobId)) found.set(j.jobId, j);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) {
      // slurmctld forgot them (MinJobAge): accounting has them.
      for (const j of parseJobs(await this.source.sacctJobs(cluster, missing), cluster, this.logger)) if (want.has(j.jobId) && !found.has(j.jobId)) found.set(j.jobId, j);
    }
    const entries = [];
    for (const id of ids) {
      const hj = this.hookJobs.get(id);
      if (!hj) continue;
      const job = found.get(id);
      if (!job) {
        this.retryHook(id, 'not found');
        continue;
      }
      const kind = hookCtx(hj.context);
      const started = hasStarted(job);
      const ended = isEnded(job);
      const complete = kind === 'prolog' ? started : kind === 'epilog' ? ended && !job.placeholder : started && !job.placeholder;
      if (!complete) {
        this.retryHook(id, job.placeholder ? 'placeholder record (G1)' : `state ${job.state}`);
        continue;
      }
      const got = collectNew([job], this.outbox, ctx);
      entries.push(...got.entries);
      this.hookJobs.delete(id);
      this.metrics.hookQueries.inc({ result: 'done' });
    }
    await this.emit(entries);
  }

  // ---------------------------------------------------------------------------------- shutdown

  /** Graceful stop: no new work, flush publishes (bounded), fsync state, drain NATS. */
  async stop(opts: { flushTimeoutMs?: number } = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake();
    this.logger.info('stopping');
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.hookTimer) clearTimeout(this.hookTimer);
    if (this.compactTimer) clearInterval(this.compactTimer);
    await this.hookServer?.close().catch(() => undefined);
    await this.polling?.catch(() => undefined);
    await this.hookRunning?.catch(() => undefined);
    if (this.publisher) {
      if (this.natsReady) await this.publisher.drain(opts.flushTimeoutMs ?? 10_000);
      await this.publisher.stop(2_000);
    }
    for (const cl of this.clusters) {
      const cur = this.cursor.get(cl);
      if (cur !== undefined) this.persistWatermark(cl, cur);
    }
    await this.outbox?.close();
    const nc = this.nc;
    if (nc) await nc.drain().catch(() => nc.close().catch(() => undefined));
    await this.connectLoop?.catch(() => undefined);
    await this.http?.close();
    if (this.config.pidFilePath) {
      try {
        if (readFileSync(this.config.pidFilePath, 'utf8').trim() === String(process.pid)) unlinkSync(this.config.pidFilePath);
      } catch {
        // gone already
      }
    }
    this.logger.info({ pending: this.outbox?.depth }, 'stopped');
  }

  /** Health for /healthz: the process runs and the last poll worked (or none ran yet). */
  health(): { ok: boolean; detail: Record<string, unknown> } {
    return {
      ok: !this.stopping,
      detail: { lastPollOk: this.lastPollOk, polls: this.pollCount, outboxDepth: this.outbox?.depth ?? 0, natsReady: this.natsReady, clusters: this.clusters },
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
