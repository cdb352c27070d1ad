/**
 * Publishes a batch of messages with a window of PubAcks outstanding, retrying each failed
 * publish with back-off. Used by `backfill` (no outbox: its input can be read again) and the
 * benchmark's raw baseline.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';

export interface PipelineMessage {
  subject: string;
  data: Uint8Array;
  headers: Record<string, string>;
  msgId: string;
}

export interface PipelineResult {
  acked: number;
  duplicates: number;
  failed: number;
}

export async function publishPipelined(
  js: JetStreamClient,
  msgs: readonly PipelineMessage[],
  opts: { window?: number; retries?: number; timeoutMs?: number; onError?: (err: unknown, m: PipelineMessage) => void } = {},
): Promise<PipelineResult> {
  const window = opts.window ?? 1024;
  const retries = opts.retries ?? 8;
  const res: PipelineResult = { acked: 0, duplicates: 0, failed: 0 };
  let next = 0;
  const one = async (m: PipelineMessage): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const h = natsHeaders();
        for (const [k, v] of Object.entries(m.headers)) h.set(k, v);
        const ack = await js.publish(m.subject, m.data, { msgID: m.msgId, headers: h, timeout: opts.timeoutMs ?? 10_000 });
        res.acked++;
        if (ack.duplicate) res.duplicates++;
        return;
      } catch (err) {
        opts.onError?.(err, m);
        if (attempt >= retries) {
          res.failed++;
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(10_000, 200 * 2 ** attempt)));
      }
    }
  };
  const worker = async (): Promise<void> => {
    while (next < msgs.length) await one(msgs[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(window, msgs.length) }, worker));
  return res;
}
