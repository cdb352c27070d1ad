// Test helpers: a publisher config for tests, reading a stream back, waiting for conditions.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { parsePublisherConfig, type PublisherConfig } from '../src/config.js';
import { STANDIN_BIN_DIR } from '../../../test/slurm-standins/scenario.js';

export function testConfigRaw(natsUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'ccsb-pub-'));
  const port = Number(new URL(natsUrl).port);
  const tag = Math.random().toString(36).slice(2, 8);
  return {
    natsServer: '127.0.0.1',
    natsPort: port,
    streamName: `T_${tag.toUpperCase()}`,
    natsSubject: `t${tag}`,
    clusters: ['testcluster'],
    slurmBinDir: STANDIN_BIN_DIR,
    slurmPollInterval: 0.3,
    slurmQueryDelay: 0.1,
    slurmCommandTimeout: 20,
    stateDir: join(dir, 'state'),
    prepSockListenPath: join(dir, 'prep.sock'),
    prepSockConnectPath: join(dir, 'prep.sock'),
    pidFilePath: join(dir, 'publisher.pid'),
    initialLookback: 86_400,
    logLevel: 'warn',
    source: 'test',
    ...extra,
  };
}

export function testConfig(natsUrl: string, extra: Record<string, unknown> = {}): PublisherConfig {
  const r = parsePublisherConfig(testConfigRaw(natsUrl, extra), {});
  if (!r.ok) throw r.error;
  return r.value;
}

export interface StoredEvent {
  seq: number;
  subject: string;
  msgId: string;
  body: Record<string, unknown>;
}

/** Every message of a stream, in stream order. */
export async function readStream(natsUrl: string, stream: string): Promise<StoredEvent[]> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    let info;
    try {
      info = await jsm.streams.info(stream);
    } catch {
      return [];
    }
    const n = info.state.messages;
    if (!n) return [];
    const js = jetstream(nc);
    const c = await js.consumers.get(stream);
    const out: StoredEvent[] = [];
    while (out.length < n) {
      const it = await c.fetch({ max_messages: Math.min(1000, n - out.length), expires: 2000 });
      let got = 0;
      for await (const m of it) {
        got++;
        out.push({ seq: m.seq, subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id') ?? '', body: m.json() });
      }
      if (!got) break;
    }
    return out;
  } finally {
    await nc.close();
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
