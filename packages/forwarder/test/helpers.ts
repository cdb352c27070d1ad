// Test environment for the forwarder: a real nats-server (test/harness, never :4222), the
// cc-backend double (test/cc-backend), a publishing connection, event builders, and a forwarder
// config with short timings.
import { Writable } from 'node:stream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import {
  createLogger,
  encodeEventMessage,
  ensureJetStreamResources,
  startJobEvent,
  stopJobEvent,
  type JobEvent,
  type Logger,
  type MessageFormat,
  type StartJobBody,
  type StopJobBody,
} from '@cc-slurm-bridge/shared';
import { startNatsServer, type NatsServerHandle, type NatsServerOptions } from '../../../test/harness/nats-server.js';
import { pollUntil } from '../../../test/harness/process.js';
import { startFakeCcBackend, type FakeCcBackend, type FakeCcBackendOptions, type JobSnapshot } from '../../../test/cc-backend/mod.js';
import { parseForwarderConfig, type ForwarderConfig, type ForwarderConfigInput } from '../src/config.js';

export { pollUntil };
export const CLUSTER = 'testcluster';

export function startBody(jobId: number, startTime = 1_700_000_000, cluster = CLUSTER): StartJobBody {
  return {
    jobId,
    cluster,
    user: 'alice',
    project: 'proj1',
    partition: 'work',
    startTime,
    walltime: 3600,
    numNodes: 1,
    numHwthreads: 4,
    numAcc: 0,
    shared: 'none',
    resources: [{ hostname: `n${String(jobId % 100).padStart(2, '0')}`, hwthreads: [0, 1, 2, 3] }],
    metaData: { jobName: `job-${jobId}`, jobScript: '#!/bin/bash\nsrun ./a.out' },
  };
}

export function stopBody(jobId: number, startTime = 1_700_000_000, cluster = CLUSTER, jobState: StopJobBody['jobState'] = 'completed'): StopJobBody {
  return { jobId, cluster, startTime, jobState, stopTime: startTime + 60 };
}

export const startEv = (jobId: number, startTime?: number, cluster?: string): JobEvent => startJobEvent(startBody(jobId, startTime, cluster), { source: 'test' });
export const stopEv = (jobId: number, startTime?: number, cluster?: string, state?: StopJobBody['jobState']): JobEvent =>
  stopJobEvent(stopBody(jobId, startTime, cluster, state), { source: 'test' });

/** A log sink that keeps every line (for assertions on log content). */
export function captureLogger(level = 'info', secrets: string[] = []): { logger: Logger; lines: string[]; text(): string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(l);
      if (process.env.FWD_TEST_LOG === '1') process.stderr.write(chunk);
      cb();
    },
  });
  const logger = createLogger({ name: 'cc-slurm-forwarder', level, secrets, destination });
  return { logger, lines, text: () => lines.join('\n') };
}

export interface TestEnv {
  nats: NatsServerHandle;
  cc: FakeCcBackend;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** A complete forwarder config for this env (secrets resolved), with test timings. */
  config(over?: Partial<ForwarderConfigInput>): ForwarderConfig;
  /** Publishes events through the wire codec (JSON by default), waiting for each PubAck. */
  publish(events: JobEvent[], o?: { format?: MessageFormat; msgIdSuffix?: string }): Promise<void>;
  /** Publishes raw bytes to a subject (poison messages). */
  publishRaw(subject: string, data: string | Uint8Array, hdrs?: Record<string, string>, msgId?: string): Promise<void>;
  /** Rows of a job in the double. */
  rowsOf(jobId: number): JobSnapshot[];
  /** Resolves once every job id has exactly one row stopped with `state` (default completed). */
  waitStopped(jobIds: number[], o?: { timeoutMs?: number; state?: string }): Promise<void>;
  consumerInfo(): ReturnType<JetStreamManager['consumers']['info']>;
  dlqCount(): Promise<number>;
  cleanup(): Promise<void>;
}

export interface EnvOptions {
  cc?: FakeCcBackendOptions;
  nats?: NatsServerOptions;
  /** Settings the streams/consumer are created with (before the forwarder starts). */
  settings?: Partial<ForwarderConfigInput>;
}

export const TEST_TIMINGS: Partial<ForwarderConfigInput> = {
  consumerAckWaitSeconds: 5,
  retryInitialDelay: 0.1,
  retryMaxDelay: 1,
  pauseProbeMaxDelay: 0.5,
  requestTimeout: 5,
  shutdownTimeout: 5,
  logLevel: 'info',
  streamMaxAgeDays: 1,
};

export async function startEnv(o: EnvOptions = {}): Promise<TestEnv> {
  const nats = await startNatsServer(o.nats ?? {});
  let cc: FakeCcBackend | undefined;
  let nc: NatsConnection | undefined;
  try {
    cc = await startFakeCcBackend({ commitIntervalMs: 0, logErrors: false, ...o.cc });
    const ccb = cc;
    const auth = nats.auth;
    nc = await connect({
      servers: nats.url,
      ...(auth?.kind === 'user' ? { user: auth.user, pass: auth.password } : {}),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 200,
    });
    const conn = nc;
    const config = (over: Partial<ForwarderConfigInput> = {}): ForwarderConfig => {
      const raw: Record<string, unknown> = {
        natsServer: nats.url,
        ccRestUrl: ccb.url,
        ccRestJwt: ccb.jwt,
        ...(auth?.kind === 'user' ? { natsUser: auth.user, natsPassword: auth.password } : {}),
        ...TEST_TIMINGS,
        ...o.settings,
        ...over,
      };
      for (const [k, v] of Object.entries(raw)) if (v === undefined) delete raw[k];
      const r = parseForwarderConfig(raw, {});
      if (!r.ok) throw r.error;
      return r.value;
    };
    // Create stream, DLQ and consumer up front so publishes before the forwarder starts are kept.
    const base = config();
    await ensureJetStreamResources(conn, base, { consumer: true });
    const js = jetstream(conn);
    const jsm = await jetstreamManager(conn);
    const env: TestEnv = {
      nats,
      cc: ccb,
      nc: conn,
      js,
      jsm,
      config,
      async publish(events, po = {}) {
        const acks: Array<Promise<unknown>> = [];
        for (const e of events) {
          const m = encodeEventMessage(e, { natsSubject: base.natsSubject, format: po.format ?? 'json' });
          const h = natsHeaders();
          for (const [k, v] of Object.entries(m.headers)) h.set(k, v);
          const msgID = m.msgId + (po.msgIdSuffix ?? '');
          h.set('Nats-Msg-Id', msgID);
          acks.push(js.publish(m.subject, m.data, { headers: h, msgID }));
          if (acks.length >= 256) await Promise.all(acks.splice(0));
        }
        await Promise.all(acks);
      },
      async publishRaw(subject, data, hdrs = {}, msgId) {
        const h = natsHeaders();
        for (const [k, v] of Object.entries(hdrs)) h.set(k, v);
        await js.publish(subject, typeof data === 'string' ? new TextEncoder().encode(data) : data, {
          headers: h,
          ...(msgId ? { msgID: msgId } : {}),
        });
      },
      rowsOf: (jobId) => ccb.jobs().filter((j) => j.jobId === jobId),
      async waitStopped(jobIds, wo = {}) {
        const want = new Set(jobIds);
        const state = wo.state ?? 'completed';
        await pollUntil(
          `${jobIds.length} job(s) started and stopped in the double`,
          async () => {
            const rows = ccb.jobs().filter((j) => want.has(j.jobId));
            const done = rows.filter((r) => r.jobState === state);
            return done.length >= want.size ? true : undefined;
          },
          { timeoutMs: wo.timeoutMs ?? 30_000, intervalMs: 50 },
        );
      },
      consumerInfo: () => jsm.consumers.info(base.streamName, base.consumerName),
      async dlqCount() {
        return (await jsm.streams.info(`${base.streamName}_DLQ`)).state.messages;
      },
      async cleanup() {
        await conn.close().catch(() => undefined);
        await ccb.close().catch(() => undefined);
        await nats.cleanup();
      },
    };
    return env;
  } catch (e) {
    await nc?.close().catch(() => undefined);
    await cc?.close().catch(() => undefined);
    await nats.cleanup();
    throw e;
  }
}

/** Every job id appears exactly once in the double, stopped with the expected state. */
export function assertExactlyOnce(jobs: JobSnapshot[], ids: number[], state: string | ((jobId: number) => string) = 'completed'): string[] {
  const problems: string[] = [];
  const byId = new Map<number, JobSnapshot[]>();
  for (const j of jobs) {
    const l = byId.get(j.jobId) ?? [];
    l.push(j);
    byId.set(j.jobId, l);
  }
  for (const id of ids) {
    const rows = byId.get(id) ?? [];
    if (rows.length !== 1) problems.push(`job ${id}: ${rows.length} rows`);
    else {
      const want = typeof state === 'function' ? state(id) : state;
      if (rows[0]!.jobState !== want) problems.push(`job ${id}: state ${rows[0]!.jobState}, expected ${want}`);
    }
  }
  return problems;
}
