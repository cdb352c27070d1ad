/**
 * `cc-slurm-forwarder status`: stream, consumer and DLQ state from JetStream, plus the running
 * daemon's own view (pause cause, last error, counters) from its `/status` endpoint when
 * `httpListen` is set and the daemon answers.
 */
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { dlqStreamNameOf } from '@cc-slurm-bridge/shared';
import type { ForwarderConfig } from './config.js';
import type { ForwarderStatusSnapshot } from './daemon.js';
import { parseHostPort } from './health.js';
import { errText } from './consume.js';

export interface StatusReport {
  stream: { name: string; messages?: number; bytes?: number; firstSeq?: number; lastSeq?: number; consumers?: number; error?: string };
  consumer: {
    name: string;
    numPending?: number;
    numAckPending?: number;
    numRedelivered?: number;
    numWaiting?: number;
    deliveredStreamSeq?: number;
    ackFloorStreamSeq?: number;
    maxDeliver?: number;
    ackWaitSeconds?: number;
    maxAckPending?: number;
    error?: string;
  };
  dlq: { name: string; messages?: number; error?: string };
  daemon?: (ForwarderStatusSnapshot & { url: string }) | { url: string; error: string } | undefined;
}

export async function collectStatus(config: ForwarderConfig, nc: NatsConnection, o: { daemonTimeoutMs?: number } = {}): Promise<StatusReport> {
  const jsm: JetStreamManager = await jetstreamManager(nc);
  const report: StatusReport = {
    stream: { name: config.streamName },
    consumer: { name: config.consumerName },
    dlq: { name: dlqStreamNameOf(config) },
  };
  try {
    const si = await jsm.streams.info(config.streamName);
    Object.assign(report.stream, {
      messages: si.state.messages,
      bytes: si.state.bytes,
      firstSeq: si.state.first_seq,
      lastSeq: si.state.last_seq,
      consumers: si.state.consumer_count,
    });
  } catch (e) {
    report.stream.error = errText(e);
  }
  try {
    const ci = await jsm.consumers.info(config.streamName, config.consumerName);
    Object.assign(report.consumer, {
      numPending: ci.num_pending,
      numAckPending: ci.num_ack_pending,
      numRedelivered: ci.num_redelivered,
      numWaiting: ci.num_waiting,
      deliveredStreamSeq: ci.delivered.stream_seq,
      ackFloorStreamSeq: ci.ack_floor.stream_seq,
      maxDeliver: ci.config.max_deliver,
      ackWaitSeconds: ci.config.ack_wait !== undefined ? ci.config.ack_wait / 1e9 : undefined,
      maxAckPending: ci.config.max_ack_pending,
    });
  } catch (e) {
    report.consumer.error = errText(e);
  }
  try {
    const di = await jsm.streams.info(dlqStreamNameOf(config));
    report.dlq.messages = di.state.messages;
  } catch (e) {
    report.dlq.error = errText(e);
  }
  if (config.httpListen) report.daemon = await daemonStatus(config.httpListen, o.daemonTimeoutMs ?? 2_000);
  return report;
}

async function daemonStatus(listen: string, timeoutMs: number): Promise<StatusReport['daemon']> {
  const { host, port } = parseHostPort(listen);
  const h = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const url = `http://${h.includes(':') ? `[${h}]` : h}:${port}/status`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { url, error: `HTTP ${res.status}` };
    return { url, ...((await res.json()) as ForwarderStatusSnapshot) };
  } catch (e) {
    return { url, error: `daemon not reachable (${errText(e)})` };
  }
}

const n = (v: number | undefined): string => (v === undefined ? '-' : String(v));

/** Two-column table lines. */
export function table(rows: Array<[string, string]>): string {
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n');
}

export function formatStatus(r: StatusReport): string {
  const out: string[] = [];
  out.push(`stream ${r.stream.name}`);
  out.push(
    r.stream.error
      ? table([['error', r.stream.error]])
      : table([
          ['messages', n(r.stream.messages)],
          ['bytes', n(r.stream.bytes)],
          ['sequences', `${n(r.stream.firstSeq)} … ${n(r.stream.lastSeq)}`],
          ['consumers', n(r.stream.consumers)],
        ]),
  );
  out.push(`consumer ${r.consumer.name}`);
  out.push(
    r.consumer.error
      ? table([['error', r.consumer.error]])
      : table([
          ['pending (lag)', n(r.consumer.numPending)],
          ['ack pending', n(r.consumer.numAckPending)],
          ['redelivered', n(r.consumer.numRedelivered)],
          ['waiting pulls', n(r.consumer.numWaiting)],
          ['delivered seq', n(r.consumer.deliveredStreamSeq)],
          ['ack floor seq', n(r.consumer.ackFloorStreamSeq)],
          ['max deliver', n(r.consumer.maxDeliver)],
          ['ack wait (s)', n(r.consumer.ackWaitSeconds)],
          ['max ack pending', n(r.consumer.maxAckPending)],
        ]),
  );
  out.push(`dead-letter stream ${r.dlq.name}`);
  out.push(table([r.dlq.error ? ['error', r.dlq.error] : ['messages', n(r.dlq.messages)]]));
  if (r.daemon) {
    out.push(`daemon ${r.daemon.url}`);
    if ('error' in r.daemon) {
      out.push(table([['error', r.daemon.error]]));
    } else {
      const d = r.daemon;
      const rows: Array<[string, string]> = [
        ['state', d.state + (d.ready ? ' (ready)' : ` (not ready: ${d.notReadyReason ?? '?'})`)],
        ['pid', String(d.pid)],
        ['started', d.startedAt],
        ['nats connected', String(d.natsConnected)],
        ['in flight', String(d.inFlight)],
        ['held', `${d.held} (queued ${d.queued}, parked stops ${d.parkedStops}, paused ${d.pausedMessages})`],
        ['counts', Object.entries(d.counts).map(([k, v]) => `${k}=${v}`).join(' ') || '-'],
        ['last success', d.lastSuccessAt ?? '-'],
      ];
      if (d.pause) rows.push(['paused', `${d.pause.cause} since ${d.pause.since} (${d.pause.probes} probes)${d.pause.hint ? `: ${d.pause.hint}` : ''}`]);
      if (d.lastError) {
        const e = d.lastError;
        rows.push(['last error', `${e.at} ${e.reason}${e.status !== undefined ? ` HTTP ${e.status}` : ''}${e.jobId !== undefined ? ` job ${e.cluster}/${e.jobId}` : ''}: ${e.detail}`]);
      }
      out.push(table(rows));
    }
  }
  return out.join('\n');
}
