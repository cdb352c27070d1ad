/**
 * Prometheus metrics of one forwarder instance (own registry, so several instances can live in one
 * process, e.g. in tests). Names are prefixed `ccsb_forwarder_`.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Outcome =
  /** start 201 / stop 200 */
  | 'success'
  /** 422: already there / already stopped */
  | 'idempotent'
  /** nak'd for a later retry (5xx, timeout, refused …) */
  | 'retry'
  /** stop 404: parked or nak'd until its start is applied */
  | 'stop_not_found'
  /** dead-lettered */
  | 'dead_letter'
  /** held while consumption is paused (401, endpoint missing, outage) */
  | 'paused';

export class ForwarderMetrics {
  readonly registry = new Registry();
  readonly events: Counter<'event' | 'outcome' | 'status'>;
  readonly postDuration: Histogram<'event'>;
  readonly consumerPending: Gauge;
  readonly consumerAckPending: Gauge;
  readonly consumerRedelivered: Gauge;
  readonly dlqMessages: Gauge;
  readonly deadLettered: Counter<'reason'>;
  readonly inFlight: Gauge;
  readonly held: Gauge;
  readonly parkedStops: Gauge;
  readonly ready: Gauge;
  readonly paused: Gauge<'cause'>;
  readonly natsConnected: Gauge;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'ccsb_forwarder_' });
    this.events = new Counter({
      name: 'ccsb_forwarder_events_total',
      help: 'Events handled, by event type, outcome and HTTP status (or network error code)',
      labelNames: ['event', 'outcome', 'status'],
      registers,
    });
    this.postDuration = new Histogram({
      name: 'ccsb_forwarder_post_duration_seconds',
      help: 'Duration of POSTs to cc-backend (any outcome)',
      labelNames: ['event'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.consumerPending = new Gauge({
      name: 'ccsb_forwarder_consumer_num_pending',
      help: 'Messages in the stream not yet delivered to the consumer (consumer lag)',
      registers,
    });
    this.consumerAckPending = new Gauge({
      name: 'ccsb_forwarder_consumer_num_ack_pending',
      help: 'Messages delivered but not yet acknowledged',
      registers,
    });
    this.consumerRedelivered = new Gauge({
      name: 'ccsb_forwarder_consumer_num_redelivered',
      help: 'Messages redelivered at least once and not yet acknowledged',
      registers,
    });
    this.dlqMessages = new Gauge({ name: 'ccsb_forwarder_dlq_messages', help: 'Messages in the dead-letter stream', registers });
    this.deadLettered = new Counter({
      name: 'ccsb_forwarder_dead_lettered_total',
      help: 'Messages this process put into the dead-letter stream, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.inFlight = new Gauge({ name: 'ccsb_forwarder_posts_in_flight', help: 'POSTs in flight', registers });
    this.held = new Gauge({ name: 'ccsb_forwarder_messages_held', help: 'Messages held by this process (queued, in flight, paused or parked)', registers });
    this.parkedStops = new Gauge({ name: 'ccsb_forwarder_parked_stops', help: 'Stops waiting in memory for their start (cc-backend answered 404)', registers });
    this.ready = new Gauge({ name: 'ccsb_forwarder_ready', help: '1 when consuming and forwarding, 0 when paused, disconnected or stopping', registers });
    this.paused = new Gauge({
      name: 'ccsb_forwarder_paused',
      help: '1 while consumption is paused, labelled with the cause',
      labelNames: ['cause'],
      registers,
    });
    this.natsConnected = new Gauge({ name: 'ccsb_forwarder_nats_connected', help: '1 while connected to NATS', registers });
  }

  private readonly eventChildren = new Map<string, { inc(): void }>();

  count(event: string, outcome: Outcome, status: number | string): void {
    const key = `${event}\u0000${outcome}\u0000${status}`;
    let c = this.eventChildren.get(key);
    if (!c) {
      c = this.events.labels({ event, outcome, status: String(status) });
      this.eventChildren.set(key, c);
    }
    c.inc();
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }
}
