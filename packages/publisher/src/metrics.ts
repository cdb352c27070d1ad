/** Prometheus metrics of the publisher (one registry per daemon, so tests can run several). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface PublisherMetrics {
  registry: Registry;
  eventsEmitted: Counter<'type'>;
  eventsPublished: Counter<'type'>;
  eventsAcked: Counter<'type' | 'duplicate'>;
  publishErrors: Counter<'reason'>;
  outboxDepth: Gauge;
  publishLatency: Histogram;
  slurmQueryDuration: Histogram<'command'>;
  slurmQueryErrors: Counter<'command'>;
  watermarkLag: Gauge<'cluster'>;
  natsConnected: Gauge;
  hookMessages: Counter<'context'>;
  hookQueries: Counter<'result'>;
  polls: Counter<'result'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): PublisherMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'ccsb_publisher_' });
  const registers = [registry];
  return {
    registry,
    eventsEmitted: new Counter({ name: 'ccsb_publisher_events_emitted_total', help: 'Events written to the outbox', labelNames: ['type'], registers }),
    eventsPublished: new Counter({ name: 'ccsb_publisher_events_published_total', help: 'Publish attempts sent to JetStream', labelNames: ['type'], registers }),
    eventsAcked: new Counter({ name: 'ccsb_publisher_events_acked_total', help: 'Events acknowledged by JetStream (duplicate="true": the stream already had it)', labelNames: ['type', 'duplicate'], registers }),
    publishErrors: new Counter({ name: 'ccsb_publisher_publish_errors_total', help: 'Failed publish attempts (retried)', labelNames: ['reason'], registers }),
    outboxDepth: new Gauge({ name: 'ccsb_publisher_outbox_depth', help: 'Events in the outbox waiting for a PubAck', registers }),
    publishLatency: new Histogram({
      name: 'ccsb_publisher_publish_latency_seconds',
      help: 'Time from publish to PubAck',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    slurmQueryDuration: new Histogram({
      name: 'ccsb_publisher_slurm_query_duration_seconds',
      help: 'Duration of Slurm CLI calls',
      labelNames: ['command'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    slurmQueryErrors: new Counter({ name: 'ccsb_publisher_slurm_query_errors_total', help: 'Failed Slurm CLI calls', labelNames: ['command'], registers }),
    watermarkLag: new Gauge({ name: 'ccsb_publisher_watermark_lag_seconds', help: 'Now minus the sacct watermark', labelNames: ['cluster'], registers }),
    natsConnected: new Gauge({ name: 'ccsb_publisher_nats_connected', help: '1 when connected to NATS and the stream is ensured', registers }),
    hookMessages: new Counter({ name: 'ccsb_publisher_hook_messages_total', help: 'Messages received from the slurmctld hook', labelNames: ['context'], registers }),
    hookQueries: new Counter({ name: 'ccsb_publisher_hook_queries_total', help: 'Outcomes of hook-triggered job queries', labelNames: ['result'], registers }),
    polls: new Counter({ name: 'ccsb_publisher_polls_total', help: 'Poll cycles', labelNames: ['result'], registers }),
  };
}
