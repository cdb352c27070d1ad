/**
 * `startForwarder(config)`: the whole daemon as a library call — HTTP listener, NATS connection,
 * JetStream resources, the forwarding engine and a periodic consumer/DLQ poll for the gauges.
 * Used by the CLI's `run`, by tests and by the demo.
 */
import { hostname } from 'node:os';
import { jetstream, type ConsumerInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, createLogger, dlqStreamNameOf, ensureJetStreamResources, type Logger } from '@cc-slurm-bridge/shared';
import { configSecrets, type ForwarderConfig } from './config.js';
import { ForwardingEngine, errText, type EngineStatus } from './consume.js';
import { startHealthServer, type HealthServer } from './health.js';
import { ForwarderMetrics } from './metrics.js';
import { createPostClient } from './post.js';

export interface StartForwarderOptions {
  logger?: Logger;
  /** Use this connection instead of connecting (it is not drained on stop). */
  nc?: NatsConnection;
  /** Pull request expiry (ms), default 5000. */
  fetchExpiresMs?: number;
  /** Seconds between consumer/DLQ polls for the gauges and /status, default 5. */
  pollInterval?: number;
  /** Include process metrics (CPU, memory, event loop) in /metrics; default true. */
  defaultMetrics?: boolean;
}

export interface ConsumerSnapshot {
  numPending: number;
  numAckPending: number;
  numRedelivered: number;
  numWaiting: number;
  deliveredStreamSeq: number;
  ackFloorStreamSeq: number;
  dlqMessages: number;
  at: string;
}

export interface ForwarderStatusSnapshot extends Omit<EngineStatus, 'state'> {
  state: EngineStatus['state'] | 'connecting';
  ready: boolean;
  notReadyReason?: string | undefined;
  stream: string;
  consumer: string;
  dlqStream: string;
  ccRestUrl: string;
  consumerState?: ConsumerSnapshot | undefined;
  startedAt: string;
  pid: number;
}

export interface ForwarderHandle {
  readonly metrics: ForwarderMetrics;
  /** `host:port` of the HTTP listener, when httpListen is set. */
  readonly httpAddress: string | undefined;
  readonly httpPort: number | undefined;
  status(): ForwarderStatusSnapshot;
  isReady(): boolean;
  /** Graceful stop (idempotent). */
  stop(): Promise<void>;
}

export async function startForwarder(config: ForwarderConfig, opts: StartForwarderOptions = {}): Promise<ForwarderHandle> {
  const log = opts.logger ?? createLogger({ name: 'cc-slurm-forwarder', level: config.logLevel, secrets: configSecrets(config) });
  const metrics = new ForwarderMetrics({ defaultMetrics: opts.defaultMetrics ?? true });
  const startedAt = new Date();
  let engine: ForwardingEngine | undefined;
  let consumerState: ConsumerSnapshot | undefined;
  let fatal: string | undefined;

  const snapshot = (): ForwarderStatusSnapshot => {
    const es: EngineStatus | undefined = engine?.status();
    const why = engine ? engine.notReadyReason() : 'connecting to NATS';
    return {
      ...(es ?? {
        natsConnected: false,
        held: 0,
        inFlight: 0,
        queued: 0,
        parkedStops: 0,
        pausedMessages: 0,
        consecutiveBackendFailures: 0,
        counts: {},
      }),
      state: es?.state ?? 'connecting',
      ready: why === undefined,
      notReadyReason: why,
      stream: config.streamName,
      consumer: config.consumerName,
      dlqStream: dlqStreamNameOf(config),
      ccRestUrl: config.ccRestUrl,
      consumerState,
      startedAt: startedAt.toISOString(),
      pid: process.pid,
    };
  };

  let http: HealthServer | undefined;
  if (config.httpListen) {
    http = await startHealthServer(config.httpListen, {
      metricsText: () => {
        engine?.updateGauges();
        return metrics.text();
      },
      notReadyReason: () => (engine ? engine.notReadyReason() : 'connecting to NATS'),
      unhealthyReason: () => fatal,
      statusSnapshot: snapshot,
    });
    log.info({ listen: http.address }, 'serving /metrics, /healthz, /readyz, /status');
  }

  const ownsConnection = opts.nc === undefined;
  let nc: NatsConnection;
  try {
    nc = opts.nc ?? (await connectNats(config, { name: `cc-slurm-forwarder@${hostname()}`, logger: log }));
  } catch (e) {
    await http?.close();
    throw e;
  }
  const post = createPostClient({
    baseUrl: config.ccRestUrl,
    jwt: config.ccRestJwt,
    maxSockets: config.concurrency,
    timeoutMs: config.requestTimeout * 1000,
  });
  let pollTimer: NodeJS.Timeout | undefined;
  try {
    const res = await ensureJetStreamResources(nc, config, { consumer: true, logger: log });
    const ci = res.consumer as ConsumerInfo;
    const js = jetstream(nc);
    const consumer = await js.consumers.get(config.streamName, config.consumerName);
    const maxDeliver = ci.config.max_deliver ?? -1;
    const ackWaitMs = Math.round((ci.config.ack_wait ?? 30e9) / 1e6);
    engine = new ForwardingEngine({
      config,
      nc,
      js,
      jsm: res.jsm,
      consumer,
      maxDeliver,
      ackWaitMs,
      post,
      metrics,
      logger: log,
      ...(opts.fetchExpiresMs !== undefined ? { fetchExpiresMs: opts.fetchExpiresMs } : {}),
      reensure: async () => {
        await ensureJetStreamResources(nc, config, { consumer: true, logger: log });
      },
    });
    const poll = async (): Promise<void> => {
      try {
        const [c, dlq] = await Promise.all([res.jsm.consumers.info(config.streamName, config.consumerName), res.jsm.streams.info(dlqStreamNameOf(config))]);
        consumerState = {
          numPending: c.num_pending,
          numAckPending: c.num_ack_pending,
          numRedelivered: c.num_redelivered,
          numWaiting: c.num_waiting,
          deliveredStreamSeq: c.delivered.stream_seq,
          ackFloorStreamSeq: c.ack_floor.stream_seq,
          dlqMessages: dlq.state.messages,
          at: new Date().toISOString(),
        };
        metrics.consumerPending.set(c.num_pending);
        metrics.consumerAckPending.set(c.num_ack_pending);
        metrics.consumerRedelivered.set(c.num_redelivered);
        metrics.dlqMessages.set(dlq.state.messages);
      } catch (e) {
        log.debug({ err: errText(e) }, 'consumer info poll failed');
      }
    };
    await poll();
    pollTimer = setInterval(() => void poll(), (opts.pollInterval ?? 5) * 1000);
    pollTimer.unref?.();
    engine.start();
    log.info(
      {
        stream: config.streamName,
        consumer: config.consumerName,
        dlqStream: dlqStreamNameOf(config),
        ccRestUrl: config.ccRestUrl,
        concurrency: config.concurrency,
        maxDeliver,
        ackWaitMs,
        serverVersion: res.serverVersion,
      },
      'forwarder started',
    );
  } catch (e) {
    fatal = errText(e);
    post.close();
    await http?.close();
    if (ownsConnection) await nc.close().catch(() => undefined);
    throw e;
  }

  let stopping: Promise<void> | undefined;
  const eng = engine;
  return {
    metrics,
    httpAddress: http?.address,
    httpPort: http?.port,
    status: snapshot,
    isReady: () => eng.notReadyReason() === undefined,
    stop() {
      stopping ??= (async () => {
        log.info('stopping: no new pulls, finishing in-flight POSTs');
        clearInterval(pollTimer);
        await eng.stop();
        try {
          if (ownsConnection) await nc.drain();
          else await nc.flush();
        } catch (e) {
          log.debug({ err: errText(e) }, 'closing the NATS connection failed');
        }
        post.close();
        await http?.close();
        log.info('forwarder stopped');
      })();
      return stopping;
    },
  };
}
