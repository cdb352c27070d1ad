/**
 * Drains the outbox into JetStream: many publishes in flight (a window), each with its
 * deterministic Nats-Msg-Id; an entry leaves the outbox only after its PubAck (a duplicate ack
 * counts: the stream already has it). Failures are retried with exponential back-off, forever,
 * while NATS is down. A job's stop_job is not sent while its start_job still waits in the outbox,
 * so the stream holds them in order.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { Logger } from '@cc-slurm-bridge/shared';
import type { Outbox, OutboxEntry } from '../outbox/outbox.js';
import type { PublisherMetrics } from '../metrics.js';

export interface OutboxPublisherOptions {
  outbox: Outbox;
  logger: Logger;
  metrics?: PublisherMetrics;
  /** Publishes in flight at once. */
  window?: number;
  /** PubAck timeout per publish (ms). */
  ackTimeoutMs?: number;
  /** Back-off bounds after a failed publish (ms). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

const encoder = new TextEncoder();

function startIdOf(e: OutboxEntry): string {
  return `${e.jobKey}:start_job`;
}

export class OutboxPublisher {
  private js: JetStreamClient | undefined;
  /** Ids to send, oldest first; filled from the outbox as entries become durable. */
  private queue: string[] = [];
  private qHead = 0;
  private readonly queued = new Set<string>();
  private readonly inflight = new Set<string>();
  /** start msgId → stop msgIds waiting for that start's ack. */
  private readonly held = new Map<string, string[]>();
  private ackBuf: string[] = [];
  /** Acked by JetStream, not yet recorded in the outbox journal. */
  private readonly ackedUnrecorded = new Set<string>();
  private ackFlush: Promise<void> | undefined;
  private backoffMs = 0;
  private backoffUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private readonly window: number;
  private readonly ackTimeoutMs: number;
  private readonly minBackoff: number;
  private readonly maxBackoff: number;
  private lastErrorLog = 0;
  /** Events acknowledged since start (for tests and benchmarks). */
  ackedCount = 0;

  constructor(private readonly opts: OutboxPublisherOptions) {
    this.window = opts.window ?? 1024;
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 10_000;
    this.minBackoff = opts.minBackoffMs ?? 200;
    this.maxBackoff = opts.maxBackoffMs ?? 15_000;
    opts.outbox.onDurable((entries) => this.enqueue(entries.map((e) => e.id)));
  }

  /** Starts draining: everything already pending goes first. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.enqueue([...this.opts.outbox.pending()].map((e) => e.id));
  }

  /** Sets (or clears) the JetStream client; publishing pauses while there is none. */
  setJetStream(js: JetStreamClient | undefined): void {
    this.js = js;
    if (js) {
      this.backoffUntil = 0;
      this.pump();
    }
  }

  get inFlight(): number {
    return this.inflight.size;
  }

  private enqueue(ids: string[]): void {
    for (const id of ids) {
      if (this.queued.has(id) || this.inflight.has(id)) continue;
      this.queued.add(id);
      this.queue.push(id);
    }
    this.opts.metrics?.outboxDepth.set(this.opts.outbox.depth);
    this.pump();
  }

  private requeueFront(ids: string[]): void {
    const fresh = ids.filter((id) => !this.queued.has(id) && !this.inflight.has(id));
    for (const id of fresh) this.queued.add(id);
    this.queue = [...fresh, ...this.queue.slice(this.qHead)];
    this.qHead = 0;
  }

  private pump(): void {
    if (!this.running || !this.js) return;
    const now = Date.now();
    if (now < this.backoffUntil) {
      this.schedule(this.backoffUntil - now);
      return;
    }
    const js = this.js;
    while (this.inflight.size < this.window && this.qHead < this.queue.length) {
      const id = this.queue[this.qHead++]!;
      this.queued.delete(id);
      const e = this.opts.outbox.getPending(id);
      if (!e) continue; // acked meanwhile
      if (e.event === 'stop_job') {
        const sid = startIdOf(e);
        if (this.opts.outbox.isPending(sid) && !this.ackedUnrecorded.has(sid)) {
          const list = this.held.get(sid);
          if (list) {
            if (!list.includes(id)) list.push(id);
          } else this.held.set(sid, [id]);
          continue;
        }
      }
      this.send(js, e);
    }
    if (this.qHead > 4096 && this.qHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.qHead);
      this.qHead = 0;
    }
    this.checkIdle();
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
  }

  private send(js: JetStreamClient, e: OutboxEntry): void {
    this.inflight.add(e.id);
    const h = natsHeaders();
    for (const [k, v] of Object.entries(e.headers)) h.set(k, v);
    const t0 = this.opts.metrics ? process.hrtime.bigint() : 0n;
    this.opts.metrics?.eventsPublished.inc({ type: e.event });
    js.publish(e.subject, encoder.encode(e.data), { msgID: e.id, headers: h, timeout: this.ackTimeoutMs }).then(
      (ack) => {
        this.inflight.delete(e.id);
        this.backoffMs = 0;
        this.ackedCount++;
        const m = this.opts.metrics;
        if (m) {
          m.publishLatency.observe(Number(process.hrtime.bigint() - t0) / 1e9);
          m.eventsAcked.inc({ type: e.event, duplicate: ack.duplicate ? 'true' : 'false' });
        }
        this.acked(e);
      },
      (err: unknown) => {
        this.inflight.delete(e.id);
        this.failed(e, err);
      },
    );
  }

  private acked(e: OutboxEntry): void {
    this.ackBuf.push(e.id);
    this.ackedUnrecorded.add(e.id);
    const waiting = this.held.get(e.id);
    if (waiting) {
      this.held.delete(e.id);
      this.requeueFront(waiting);
    }
    if (!this.ackFlush) {
      // Group the outbox ack writes: one journal record per burst of PubAcks.
      this.ackFlush = (async () => {
        while (this.ackBuf.length) {
          const ids = this.ackBuf;
          this.ackBuf = [];
          try {
            await this.opts.outbox.ack(ids);
          } catch (err) {
            this.opts.logger.error({ err }, 'could not record acknowledgements in the outbox journal (events will be republished and deduplicated)');
          }
          for (const id of ids) this.ackedUnrecorded.delete(id);
          this.opts.metrics?.outboxDepth.set(this.opts.outbox.depth);
        }
        this.ackFlush = undefined;
        this.checkIdle();
      })();
    }
    this.pump();
  }

  private failed(e: OutboxEntry, err: unknown): void {
    const reason = errorReason(err);
    this.opts.metrics?.publishErrors.inc({ reason });
    this.backoffMs = this.backoffMs ? Math.min(this.maxBackoff, this.backoffMs * 2) : this.minBackoff;
    this.backoffUntil = Date.now() + this.backoffMs;
    const now = Date.now();
    if (now - this.lastErrorLog > 5_000) {
      this.lastErrorLog = now;
      this.opts.logger.warn({ msgId: e.id, reason, err: (err as Error)?.message, backoffMs: this.backoffMs, outboxDepth: this.opts.outbox.depth }, 'publish failed; will retry');
    }
    this.requeueFront([e.id]);
    this.pump();
  }

  /** Resolves when nothing is queued or in flight and acks are recorded, or after timeoutMs. Returns true when drained. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.isIdle()) return true;
    return await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(t);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  private isIdle(): boolean {
    return this.opts.outbox.depth === 0 && this.inflight.size === 0 && !this.ackFlush && this.ackBuf.length === 0;
  }

  private checkIdle(): void {
    if (!this.idleWaiters.length || !this.isIdle()) return;
    const ws = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of ws) w();
  }

  /** Stops sending new publishes and waits (bounded) for those in flight. */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + timeoutMs;
    while ((this.inflight.size || this.ackFlush) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (this.ackFlush) await this.ackFlush;
  }
}

function errorReason(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; message?: unknown };
  const msg = typeof e?.message === 'string' ? e.message.toLowerCase() : '';
  if (msg.includes('timeout')) return 'timeout';
  if (msg.includes('no responders') || e?.code === '503') return 'no_responders';
  if (msg.includes('closed') || msg.includes('disconnect')) return 'connection';
  return typeof e?.name === 'string' ? e.name : 'error';
}
