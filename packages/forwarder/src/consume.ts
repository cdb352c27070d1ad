/**
 * The forwarding engine: pulls messages from the durable consumer, decodes them, posts them in
 * per-job order with bounded concurrency, and settles each one according to DESIGN §5.
 *
 * Life of a message (`Item`): received → queued in its job's lane → running (POST) → one of
 *  - acked (201/200, or 422 counted as idempotent);
 *  - dead-lettered (400, invalid body, stop 404 for longer than stopNotFoundTimeout, last
 *    allowed delivery) and then termed;
 *  - nak'd with exponential back-off (500, or the first few 502/503/504/network errors);
 *  - parked in memory (stop 404: its start is not in cc-backend yet), released at once when a
 *    start of the same job succeeds here, or when its own retry time comes;
 *  - held while consumption is paused (401, endpoint missing, or cc-backend unreachable
 *    `breakerThreshold` times in a row): no more pulls, no nak, so no delivery is burnt; one held
 *    message is re-posted as the probe with back-off, and the first answer that is not a pause
 *    resumes everything.
 * Every held message gets `working()` often enough that ack_wait never expires while it is here.
 *
 * Flow control is a pull loop (`fetch` of at most the free capacity), not `consume()`, so the
 * forwarder never holds more than it can heartbeat and stops pulling at once when paused.
 */
import type { JsMsg, Consumer, ConsumerMessages, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { HEADER, decodeEventMessage, type EventType, type JobEvent, type Logger } from '@cc-slurm-bridge/shared';
import { classify, type PauseCause, type PostResult, type Rule } from './classify.js';
import { backoffDelay, sleep, type BackoffPolicy } from './backoff.js';
import { Lanes, ParkedStops, jobKey } from './order.js';
import { publishDeadLetter, truncateUtf8, MAX_RESPONSE_BYTES, type DeadLetterInfo, type OriginalMessage } from './dlq.js';
import type { PostClient } from './post.js';
import type { ForwarderMetrics, Outcome } from './metrics.js';
import { ACTIVE_PER_SLOT, type ForwarderConfig } from './config.js';

type ItemState = 'queued' | 'running' | 'paused' | 'parked' | 'dead_lettering' | 'done';

interface Item {
  seq: number;
  msg: JsMsg;
  event: JobEvent | undefined;
  type: EventType | undefined;
  key: string;
  state: ItemState;
  /** POSTs of this message by this process. */
  attempts: number;
  firstAttemptAt?: number;
  lastAttemptAt?: number;
  parkCount: number;
  lastHeartbeat: number;
}

export interface LastError {
  at: string;
  reason: string;
  detail: string;
  status?: number | undefined;
  event?: string | undefined;
  cluster?: string | undefined;
  jobId?: number | undefined;
}

export interface EngineStatus {
  state: 'starting' | 'running' | 'paused' | 'stopping' | 'stopped';
  pause?: { cause: PauseCause; since: string; hint?: string | undefined; probes: number } | undefined;
  natsConnected: boolean;
  held: number;
  inFlight: number;
  queued: number;
  parkedStops: number;
  pausedMessages: number;
  consecutiveBackendFailures: number;
  counts: Record<string, number>;
  lastError?: LastError | undefined;
  lastSuccessAt?: string | undefined;
}

export interface EngineOptions {
  config: ForwarderConfig;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  consumer: Consumer;
  /** The consumer's max_deliver (-1 or 0 = unlimited). */
  maxDeliver: number;
  ackWaitMs: number;
  post: PostClient;
  metrics: ForwarderMetrics;
  logger: Logger;
  /** Pull request expiry (ms); default 5000. */
  fetchExpiresMs?: number;
  /** Re-creates stream, DLQ stream and consumer (called when pulls keep failing because one is gone). */
  reensure?: () => Promise<void>;
}

const S = 1000;


export class ForwardingEngine {
  private readonly cfg: ForwarderConfig;
  private readonly log: Logger;
  private readonly held = new Map<number, Item>();
  private readonly lanes = new Lanes<Item>();
  private ready: Item[] = [];
  private readonly parked = new ParkedStops<Item>();
  private pausedItems: Item[] = [];
  private running = 0;
  private deadLettering = 0;
  private pause: { cause: PauseCause; since: number; hint?: string | undefined; probes: number } | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;
  private parkTimer: NodeJS.Timeout | undefined;
  private parkTimerAt = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private breakerFailures = 0;
  private stopping = false;
  private stopped = false;
  private started = false;
  private natsConnected = true;
  private currentFetch: ConsumerMessages | undefined;
  private fetchLoopDone: Promise<void> = Promise.resolve();
  private advisorySub: Subscription | undefined;
  private wake: (() => void) | undefined;
  /** stream seq → first time this process saw a stop 404 for it (kept across naks). */
  private readonly firstNotFound = new Map<number, number>();
  /** stream seq → last failure, for dead letters made from MAX_DELIVERIES advisories. */
  private readonly lastFailure = new Map<number, DeadLetterInfo>();
  private readonly counts: Record<string, number> = {};
  private lastError: LastError | undefined;
  private lastSuccessAt: number | undefined;
  private readonly retryPolicy: BackoffPolicy;
  private readonly probePolicy: BackoffPolicy;
  private readonly parkPolicy: BackoffPolicy;
  private readonly maxActive: number;
  private readonly fetchExpiresMs: number;
  private readonly heartbeatEveryMs: number;
  /** ack / nak / term calls waiting for the end of this event-loop turn (one socket write for all). */
  private pendingOps: Array<() => void> = [];
  /** Aborted at the end of stop(): cuts every pending back-off sleep short. */
  private readonly halt = new AbortController();
  private opsScheduled = false;

  constructor(private readonly o: EngineOptions) {
    this.cfg = o.config;
    this.log = o.logger;
    const jitter = this.cfg.retryJitter;
    this.retryPolicy = { initialMs: this.cfg.retryInitialDelay * S, maxMs: this.cfg.retryMaxDelay * S, jitter };
    this.probePolicy = { initialMs: this.cfg.retryInitialDelay * S, maxMs: this.cfg.pauseProbeMaxDelay * S, jitter };
    this.parkPolicy = { initialMs: this.cfg.retryInitialDelay * S, maxMs: this.cfg.retryMaxDelay * S, jitter };
    this.maxActive = ACTIVE_PER_SLOT * this.cfg.concurrency;
    this.fetchExpiresMs = o.fetchExpiresMs ?? 5_000;
    this.heartbeatEveryMs = Math.max(250, Math.min(o.ackWaitMs / 4, 10_000));
  }

  // --- lifecycle ---------------------------------------------------------------------------------

  start(): void {
    if (this.started) return;
    this.started = true;
    this.heartbeatTimer = setInterval(() => this.heartbeat(), Math.min(this.heartbeatEveryMs, 1_000));
    this.heartbeatTimer.unref?.();
    this.subscribeAdvisories();
    void this.watchConnection();
    this.fetchLoopDone = this.fetchLoop();
    this.updateGauges();
  }

  /**
   * Graceful stop: no new pulls or POSTs; in-flight POSTs may finish within `deadlineMs`; then
   * every message still held is nak'd (so another forwarder, or the next start, gets it at once).
   */
  async stop(deadlineMs = this.cfg.shutdownTimeout * S): Promise<void> {
    if (this.stopping) {
      while (!this.stopped) await sleep(20);
      return;
    }
    this.stopping = true;
    this.signal();
    clearTimeout(this.probeTimer);
    clearTimeout(this.parkTimer);
    this.updateGauges();
    const deadline = Date.now() + deadlineMs;
    while ((this.running > 0 || this.deadLettering > 0) && Date.now() < deadline) await sleep(20);
    // End the open pull request now rather than waiting up to fetchExpiresMs for it to expire;
    // anything it still delivers is held and nak'd below.
    this.currentFetch?.stop();
    await Promise.race([this.fetchLoopDone, sleep(Math.max(0, deadline - Date.now()), this.halt.signal)]);
    this.flushOps();
    this.halt.abort(); // ends every pending back-off sleep, so nothing keeps the process alive
    let naked = 0;
    for (const item of this.held.values()) {
      if (item.state === 'done') continue;
      item.state = 'done';
      item.msg.nak();
      naked++;
    }
    this.held.clear();
    this.parked.drain();
    this.pausedItems = [];
    this.ready = [];
    clearInterval(this.heartbeatTimer);
    this.advisorySub?.unsubscribe();
    if (naked > 0) this.log.info({ naked }, 'released unfinished messages for redelivery');
    this.stopped = true;
    this.updateGauges();
  }

  // --- status ------------------------------------------------------------------------------------

  notReadyReason(): string | undefined {
    if (this.stopped) return 'stopped';
    if (this.stopping) return 'stopping';
    if (!this.started) return 'starting';
    if (!this.natsConnected) return 'NATS disconnected';
    if (this.pause) return `paused (${this.pause.cause})${this.pause.hint ? `: ${this.pause.hint}` : ''}`;
    return undefined;
  }

  status(): EngineStatus {
    const state = this.stopped ? 'stopped' : this.stopping ? 'stopping' : !this.started ? 'starting' : this.pause ? 'paused' : 'running';
    return {
      state,
      pause: this.pause
        ? { cause: this.pause.cause, since: new Date(this.pause.since).toISOString(), hint: this.pause.hint, probes: this.pause.probes }
        : undefined,
      natsConnected: this.natsConnected,
      held: this.held.size,
      inFlight: this.running,
      queued: this.ready.length,
      parkedStops: this.parked.size,
      pausedMessages: this.pausedItems.length,
      consecutiveBackendFailures: this.breakerFailures,
      counts: { ...this.counts },
      lastError: this.lastError,
      lastSuccessAt: this.lastSuccessAt ? new Date(this.lastSuccessAt).toISOString() : undefined,
    };
  }

  /**
   * Runs `op` (an ack, nak or term) at the end of this event-loop turn together with every other
   * one issued in the same turn, so they reach the server in one write instead of one each.
   */
  private defer(op: () => void): void {
    this.pendingOps.push(op);
    if (this.opsScheduled) return;
    this.opsScheduled = true;
    setImmediate(() => this.flushOps());
  }

  private flushOps(): void {
    this.opsScheduled = false;
    const ops = this.pendingOps;
    this.pendingOps = [];
    for (const op of ops) {
      try {
        op();
      } catch (e) {
        this.log.warn({ err: errText(e) }, 'acknowledging a message failed; it will be redelivered');
      }
    }
  }

  // --- pulling -----------------------------------------------------------------------------------

  private signal(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private waitSignal(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(t);
        if (self.wake === done) self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }

  private async fetchLoop(): Promise<void> {
    let failures = 0;
    const minBatch = Math.max(1, Math.floor(this.maxActive / 4));
    while (!this.stopping) {
      const active = this.held.size - this.parked.size;
      const free = this.maxActive - active;
      if (this.pause || !this.natsConnected || free < minBatch) {
        await this.waitSignal(1_000);
        continue;
      }
      try {
        const iter = await this.o.consumer.fetch({ max_messages: free, expires: this.fetchExpiresMs });
        this.currentFetch = iter;
        for await (const m of iter) this.receive(m);
        failures = 0;
      } catch (e) {
        if (this.stopping) break;
        failures++;
        const delay = backoffDelay({ initialMs: 250, maxMs: 5_000, jitter: 0.2 }, failures);
        this.log[failures > 3 ? 'warn' : 'debug']({ err: errText(e), retryInMs: delay }, 'pulling from the consumer failed');
        if (this.o.reensure && failures % 3 === 0 && this.natsConnected) {
          // Pulls keep failing ("consumer deleted", missed heartbeats): make sure stream and consumer
          // exist (idempotent; creates what someone deleted, logging what it created).
          await this.o.reensure().then(
            () => this.log.info('checked the JetStream stream and consumer after failing pulls'),
            (err: unknown) => this.log.warn({ err: errText(err) }, 'checking the JetStream stream and consumer failed'),
          );
        }
        await this.waitSignal(delay);
      } finally {
        this.currentFetch = undefined;
      }
    }
  }

  private async watchConnection(): Promise<void> {
    this.o.metrics.natsConnected.set(1);
    try {
      for await (const s of this.o.nc.status()) {
        if (s.type === 'disconnect') {
          this.natsConnected = false;
        } else if (s.type === 'reconnect') {
          this.natsConnected = true;
          this.signal();
        } else continue;
        this.o.metrics.natsConnected.set(this.natsConnected ? 1 : 0);
        this.updateGauges();
      }
    } catch {
      // ends with the connection
    }
  }

  /** A delivery arrived. */
  private receive(msg: JsMsg): void {
    const seq = msg.info.streamSequence;
    const known = this.held.get(seq);
    if (known) {
      // A redelivery of a message still held here (e.g. ack_wait ran out during a NATS outage):
      // keep one copy, settle it through the newest delivery.
      known.msg = msg;
      known.lastHeartbeat = Date.now();
      return;
    }
    if (this.stopping) {
      msg.nak();
      return;
    }
    const decoded = decodeEventMessage(msg.data, msg.headers?.get(HEADER.contentType) || undefined);
    const event = decoded.ok ? decoded.value : undefined;
    const cluster = event?.body.cluster ?? msg.headers?.get(HEADER.cluster) ?? '';
    const jobId = event?.body.jobId ?? Number(msg.headers?.get(HEADER.jobId) ?? NaN);
    const startTime = event?.body.startTime;
    const item: Item = {
      seq,
      msg,
      event,
      type: event?.event,
      key: event ? jobKey(cluster, jobId, startTime) : `invalid\u0000${seq}`,
      state: 'queued',
      attempts: 0,
      parkCount: 0,
      lastHeartbeat: Date.now(),
    };
    this.held.set(seq, item);
    if (!decoded.ok) {
      void this.deadLetter(item, { reason: 'invalid_message', detail: decoded.error.message, deliveries: msg.info.deliveryCount });
      return;
    }
    this.enqueue(item);
  }

  private enqueue(item: Item): void {
    item.state = 'queued';
    if (this.lanes.push(item.key, item)) this.ready.push(item);
    this.pump();
  }

  private pump(): void {
    while (!this.pause && !this.stopping && this.running < this.cfg.concurrency && this.ready.length > 0) {
      const item = this.ready.shift()!;
      if (item.state !== 'queued') continue;
      void this.run(item);
    }
  }

  // --- posting -----------------------------------------------------------------------------------

  private async run(item: Item): Promise<void> {
    const event = item.event!;
    item.state = 'running';
    this.running++;
    const now = Date.now();
    item.attempts++;
    item.firstAttemptAt ??= now;
    item.lastAttemptAt = now;
    const t0 = performance.now();
    let res: PostResult;
    try {
      res = await this.o.post.post(event.event, event.body);
    } catch (e) {
      res = { kind: 'network', code: 'ERR_INTERNAL', message: errText(e) };
    }
    this.o.metrics.postDuration.observe({ event: event.event }, (performance.now() - t0) / 1000);
    this.running--;
    try {
      this.settle(item, res);
    } catch (e) {
      this.log.error({ err: errText(e), seq: item.seq }, 'internal error while settling a message; it will be redelivered');
      this.release(item);
    }
    this.pump();
    this.signal();
  }

  private settle(item: Item, res: PostResult): void {
    // Released meanwhile (shutdown deadline passed and it was nak'd): JetStream redelivers it.
    if (item.state === 'done') return;
    const event = item.event!;
    const rule = classify(event.event, res);
    const status = res.kind === 'http' ? res.status : res.code;
    const wasProbe = this.probing && item === this.probeItem;
    if (wasProbe) this.probing = false;
    if (res.kind === 'http' && rule.action !== 'backend_down') this.breakerFailures = 0;
    if (this.pause && rule.action !== 'pause' && rule.action !== 'backend_down') {
      this.resume(wasProbe ? `probe answered ${status}` : `a request answered ${status}`);
    }
    const ctx = { seq: item.seq, event: event.event, cluster: event.body.cluster, jobId: event.body.jobId, status, rule: rule.row };
    switch (rule.action) {
      case 'ack':
      case 'ack_idempotent': {
        const msg = item.msg;
        this.defer(() => msg.ack());
        const outcome: Outcome = rule.action === 'ack' ? 'success' : 'idempotent';
        this.count(event.event, outcome, status);
        if (rule.reason === 'unexpected_success') this.log.warn(ctx, 'cc-backend answered an unexpected 2xx; treated as success');
        else this.log.debug(ctx, outcome === 'success' ? 'forwarded' : 'already applied (idempotent success)');
        this.lastSuccessAt = Date.now();
        this.finish(item);
        if (event.event === 'start_job') this.wakeParked(item.key);
        return;
      }
      case 'dead_letter':
        void this.deadLetter(item, this.failureInfo(item, rule, res, `cc-backend rejected the ${event.event} (${rule.row})`));
        return;
      case 'retry':
        this.retryLater(item, rule, res);
        return;
      case 'backend_down':
        this.breakerFailures++;
        if (this.pause || this.breakerFailures >= this.cfg.breakerThreshold) {
          this.enterPause('backend_unavailable', `cc-backend unreachable or overloaded (${status}, ${this.breakerFailures} times in a row)`, res);
          this.holdPaused(item, wasProbe);
          this.count(event.event, 'paused', status);
        } else {
          this.retryLater(item, rule, res);
        }
        return;
      case 'pause':
        this.enterPause(rule.pauseCause ?? 'unauthorized', rule.hint, res);
        this.holdPaused(item, wasProbe);
        this.count(event.event, 'paused', status);
        return;
      case 'stop_not_found':
        this.stopNotFound(item, rule, res);
        return;
    }
  }

  private failureInfo(item: Item, rule: Rule, res: PostResult, detail: string): DeadLetterInfo {
    return {
      reason: rule.reason,
      detail: res.kind === 'http' ? `${detail}: HTTP ${res.status}` : `${detail}: ${res.code} ${res.message}`,
      status: res.kind === 'http' ? res.status : undefined,
      response: res.kind === 'http' ? truncateUtf8(res.body, MAX_RESPONSE_BYTES) : undefined,
      deliveries: item.msg.info.deliveryCount,
      firstAttempt: item.firstAttemptAt !== undefined ? new Date(item.firstAttemptAt) : undefined,
      lastAttempt: item.lastAttemptAt !== undefined ? new Date(item.lastAttemptAt) : undefined,
    };
  }

  private isLastDelivery(item: Item): boolean {
    const max = this.o.maxDeliver;
    return max > 0 && item.msg.info.deliveryCount >= max;
  }

  /** nak with back-off, or dead-letter on the last allowed delivery. */
  private retryLater(item: Item, rule: Rule, res: PostResult, delayMs?: number): void {
    const event = item.event!;
    const status = res.kind === 'http' ? res.status : res.code;
    const info = this.failureInfo(item, rule, res, `${event.event} failed ${item.msg.info.deliveryCount} times`);
    if (this.isLastDelivery(item)) {
      void this.deadLetter(item, { ...info, reason: 'max_deliveries', detail: `last allowed delivery (${this.o.maxDeliver}) failed: ${info.detail}` });
      return;
    }
    const delay = delayMs ?? backoffDelay(this.retryPolicy, item.msg.info.deliveryCount);
    this.lastFailure.set(item.seq, info);
    if (this.lastFailure.size > 10_000) this.lastFailure.delete(this.lastFailure.keys().next().value as number);
    this.noteError(item, rule.reason, info.detail, res.kind === 'http' ? res.status : undefined);
    this.count(event.event, rule.action === 'stop_not_found' ? 'stop_not_found' : 'retry', status);
    this.log.info(
      { seq: item.seq, event: event.event, cluster: event.body.cluster, jobId: event.body.jobId, status, deliveries: item.msg.info.deliveryCount, retryInMs: delay },
      `${event.event} not accepted yet (${rule.row}); retrying later`,
    );
    const msg = item.msg;
    this.defer(() => msg.nak(delay));
    this.release(item);
  }

  private stopNotFound(item: Item, rule: Rule, res: PostResult): void {
    const event = item.event!;
    const now = Date.now();
    const first = this.firstNotFound.get(item.seq) ?? now;
    this.firstNotFound.set(item.seq, first);
    const timeoutMs = this.cfg.stopNotFoundTimeout * S;
    const elapsed = now - first;
    if (elapsed >= timeoutMs) {
      void this.deadLetter(
        item,
        this.failureInfo(item, { ...rule, reason: 'stop_not_found_timeout' }, res, `stop_job answered 404 for ${Math.round(elapsed / S)} s (its start never arrived)`),
      );
      return;
    }
    item.parkCount++;
    const delay = Math.min(backoffDelay(this.parkPolicy, item.parkCount), timeoutMs - elapsed);
    if (!this.stopping && this.parked.size < this.cfg.maxParkedStops) {
      // Park: out of its lane (later events of the job may proceed), no delivery burnt.
      this.count(event.event, 'stop_not_found', 404);
      this.log.debug({ seq: item.seq, jobId: event.body.jobId, cluster: event.body.cluster, retryInMs: delay }, 'stop_job answered 404; parked until its start succeeds');
      item.state = 'parked';
      const next = this.lanes.remove(item.key, item);
      if (next && next.state === 'queued') this.ready.push(next);
      this.parked.park(item.key, item, now + delay);
      this.scheduleParkTimer();
      return;
    }
    // Too many parked: nak, spreading the remaining deliveries over the remaining time.
    let nakDelay = backoffDelay(this.retryPolicy, item.msg.info.deliveryCount);
    const left = this.o.maxDeliver > 0 ? this.o.maxDeliver - item.msg.info.deliveryCount : Infinity;
    if (Number.isFinite(left) && left > 0) nakDelay = Math.max(nakDelay, Math.ceil((timeoutMs - elapsed) / left));
    this.retryLater(item, rule, res, nakDelay);
  }

  private scheduleParkTimer(): void {
    const due = this.parked.nextDue();
    if (due === undefined || this.stopping) return;
    if (this.parkTimer && this.parkTimerAt <= due) return;
    clearTimeout(this.parkTimer);
    this.parkTimerAt = due;
    this.parkTimer = setTimeout(() => {
      this.parkTimer = undefined;
      for (const { item } of this.parked.takeDue(Date.now())) this.enqueue(item);
      this.scheduleParkTimer();
      this.pump();
    }, Math.max(0, due - Date.now()));
  }

  private wakeParked(startKey: string): void {
    const woken = this.parked.wake(startKey);
    if (woken.length === 0) return;
    this.log.debug({ n: woken.length }, 'start succeeded; releasing its parked stop(s)');
    for (const item of woken) this.enqueue(item);
    this.scheduleParkTimer();
  }

  // --- pause / probe -----------------------------------------------------------------------------

  private probeItem: Item | undefined;

  private enterPause(cause: PauseCause, hint: string | undefined, res: PostResult): void {
    const status = res.kind === 'http' ? res.status : res.code;
    const body = res.kind === 'http' ? truncateUtf8(res.body, 512) : res.message;
    if (!this.pause) {
      this.pause = { cause, since: Date.now(), hint, probes: 0 };
      this.o.metrics.paused.set({ cause }, 1);
      this.log.error({ cause, status, response: body, url: this.o.post.urlOf('start_job') }, `pausing consumption: ${hint ?? cause}`);
      this.lastError = { at: new Date().toISOString(), reason: cause, detail: hint ?? cause, status: typeof status === 'number' ? status : undefined };
    } else if (this.pause.cause !== cause) {
      this.o.metrics.paused.set({ cause: this.pause.cause }, 0);
      this.o.metrics.paused.set({ cause }, 1);
      this.log.error({ cause, previous: this.pause.cause, status, response: body }, `still paused, now because: ${hint ?? cause}`);
      this.pause.cause = cause;
      this.pause.hint = hint;
    }
    this.updateGauges();
  }

  private holdPaused(item: Item, front: boolean): void {
    item.state = 'paused';
    if (front) this.pausedItems.unshift(item);
    else this.pausedItems.push(item);
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (!this.pause || this.probeTimer || this.probing || this.stopping) return;
    const p = this.pause;
    const delay = backoffDelay(this.probePolicy, p.probes + 1);
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      if (this.stopping || !this.pause) return;
      p.probes++;
      const item = this.pausedItems.shift();
      if (!item) {
        // Nothing held to probe with (e.g. everything was released): try pulling again.
        this.resume('no message held to probe with');
        return;
      }
      this.probing = true;
      this.probeItem = item;
      this.log.debug({ cause: p.cause, probe: p.probes, seq: item.seq }, 'probing cc-backend');
      void this.run(item);
    }, delay);
  }

  private resume(why: string): void {
    const p = this.pause;
    if (!p) return;
    this.pause = undefined;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.breakerFailures = 0;
    this.o.metrics.paused.set({ cause: p.cause }, 0);
    this.log.warn({ cause: p.cause, pausedForMs: Date.now() - p.since, probes: p.probes, why }, 'resuming consumption');
    const items = this.pausedItems;
    this.pausedItems = [];
    for (const item of items) item.state = 'queued';
    this.ready = [...items, ...this.ready];
    this.pump();
    this.signal();
  }

  // --- settling ----------------------------------------------------------------------------------

  /** Removes an item from this process (after ack, term or nak). */
  private release(item: Item): void {
    item.state = 'done';
    if (this.held.get(item.seq) === item) this.held.delete(item.seq);
    const next = this.lanes.remove(item.key, item);
    if (next && next.state === 'queued') this.ready.push(next);
  }

  /** Final outcome: forget everything about the sequence. */
  private finish(item: Item): void {
    this.release(item);
    this.firstNotFound.delete(item.seq);
    this.lastFailure.delete(item.seq);
  }

  private async deadLetter(item: Item, info: DeadLetterInfo): Promise<void> {
    item.state = 'dead_lettering';
    this.deadLettering++;
    const event = item.event;
    const ctx = { seq: item.seq, event: event?.event ?? item.msg.headers?.get(HEADER.event), cluster: event?.body.cluster, jobId: event?.body.jobId };
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const r = await publishDeadLetter(this.o.js, this.cfg, this.original(item), info);
          const msg = item.msg;
          this.defer(() => msg.term());
          this.count(event?.event ?? 'unknown', 'dead_letter', info.status ?? info.reason);
          this.o.metrics.deadLettered.inc({ reason: info.reason });
          this.noteError(item, info.reason, info.detail, info.status);
          this.log.warn({ ...ctx, reason: info.reason, status: info.status, detail: info.detail, dlqSubject: r.subject, dlqSeq: r.seq }, 'dead-lettered');
          this.finish(item);
          return;
        } catch (e) {
          if (this.stopping) {
            item.msg.nak();
            this.release(item);
            return;
          }
          const delay = backoffDelay({ initialMs: 500, maxMs: 30_000, jitter: 0.2 }, attempt);
          this.log.warn({ ...ctx, err: errText(e), retryInMs: delay }, 'publishing to the dead-letter stream failed; retrying');
          await sleep(delay, this.halt.signal);
        }
      }
    } finally {
      this.deadLettering--;
      this.pump();
      this.signal();
    }
  }

  private original(item: Item): OriginalMessage {
    return { subject: item.msg.subject, seq: item.seq, data: item.msg.data, headers: item.msg.headers, time: item.msg.time };
  }

  private noteError(item: Item, reason: string, detail: string, status: number | undefined): void {
    this.lastError = {
      at: new Date().toISOString(),
      reason,
      detail,
      status,
      event: item.event?.event,
      cluster: item.event?.body.cluster,
      jobId: item.event?.body.jobId,
    };
  }

  private count(event: string, outcome: Outcome, status: number | string): void {
    this.o.metrics.count(event, outcome, status);
    this.counts[outcome] = (this.counts[outcome] ?? 0) + 1;
  }

  // --- heartbeats and gauges ---------------------------------------------------------------------

  private lastPrune = Date.now();

  private heartbeat(): void {
    const now = Date.now();
    if (now - this.lastPrune > 60_000) {
      // Stops nak'd after a 404 and then settled by another forwarder leave their first-404 time here.
      this.lastPrune = now;
      const horizon = now - 2 * this.cfg.stopNotFoundTimeout * S;
      for (const [seq, t] of this.firstNotFound) if (t < horizon && !this.held.has(seq)) this.firstNotFound.delete(seq);
    }
    for (const item of this.held.values()) {
      if (item.state === 'done' || now - item.lastHeartbeat < this.heartbeatEveryMs) continue;
      item.lastHeartbeat = now;
      item.msg.working();
    }
    this.updateGauges();
  }

  /** Brings the state gauges up to date (also called right before /metrics is rendered). */
  updateGauges(): void {
    const m = this.o.metrics;
    m.inFlight.set(this.running);
    m.held.set(this.held.size);
    m.parkedStops.set(this.parked.size);
    m.ready.set(this.notReadyReason() === undefined ? 1 : 0);
  }

  // --- MAX_DELIVERIES advisories -----------------------------------------------------------------

  private subscribeAdvisories(): void {
    const subject = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${this.cfg.streamName}.${this.cfg.consumerName}`;
    this.advisorySub = this.o.nc.subscribe(subject, {
      callback: (err, m) => {
        if (err) {
          this.log.warn({ err: errText(err) }, 'MAX_DELIVERIES advisory subscription failed');
          return;
        }
        let adv: { stream_seq?: number; deliveries?: number };
        try {
          adv = m.json();
        } catch {
          return;
        }
        if (typeof adv.stream_seq === 'number') void this.deadLetterExhausted(adv.stream_seq, adv.deliveries ?? this.o.maxDeliver);
      },
    });
  }

  /** A message JetStream gave up on (max_deliver reached without our own dead-lettering). */
  private async deadLetterExhausted(seq: number, deliveries: number): Promise<void> {
    if (this.held.has(seq)) return; // still here; it will be settled through its live delivery
    const last = this.lastFailure.get(seq);
    for (let attempt = 1; attempt <= 20 && !this.stopping; attempt++) {
      try {
        const sm = await this.o.jsm.streams.getMessage(this.cfg.streamName, { seq });
        if (!sm) {
          this.log.error({ seq }, 'message that reached max_deliver is gone from the stream; cannot dead-letter it');
          return;
        }
        const info: DeadLetterInfo = {
          reason: 'max_deliveries',
          detail: `JetStream stopped redelivering after ${deliveries} deliveries${last ? `; last failure: ${last.detail}` : ''}`,
          status: last?.status,
          response: last?.response,
          deliveries,
          firstAttempt: last?.firstAttempt,
          lastAttempt: last?.lastAttempt,
        };
        const r = await publishDeadLetter(this.o.js, this.cfg, { subject: sm.subject, seq, data: sm.data, headers: sm.header, time: sm.time }, info);
        this.o.metrics.deadLettered.inc({ reason: 'max_deliveries' });
        this.counts.dead_letter = (this.counts.dead_letter ?? 0) + 1;
        this.lastFailure.delete(seq);
        this.firstNotFound.delete(seq);
        this.lastError = { at: new Date().toISOString(), reason: 'max_deliveries', detail: info.detail, status: info.status };
        this.log.warn({ seq, deliveries, dlqSeq: r.seq, duplicate: r.duplicate }, 'dead-lettered a message that reached max_deliver');
        return;
      } catch (e) {
        const delay = backoffDelay({ initialMs: 500, maxMs: 30_000, jitter: 0.2 }, attempt);
        this.log.warn({ seq, err: errText(e), retryInMs: delay }, 'dead-lettering a max_deliver message failed; retrying');
        await sleep(delay, this.halt.signal);
      }
    }
  }
}

export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
