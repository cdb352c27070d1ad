/**
 * The outbox: every event is written here (and fsynced) before it is published, and leaves only
 * after JetStream acknowledged it. The same journal remembers which events were ever emitted
 * (the "emitted set", keyed by Nats-Msg-Id and pruned by age), so a job is not emitted again
 * after its events left the outbox, also across restarts.
 *
 * On disk: one append-only journal `outbox.journal` of length+CRC framed JSON records
 * (see framing.ts):
 *   {t:'a', e: OutboxEntry}          an event entered the outbox (and the emitted set)
 *   {t:'k', ids: string[], at}       these events were acknowledged by JetStream
 *   {t:'s', ids: [msgId, seenAt][]}  emitted-set entries (written by compaction)
 * Replay on open: pending = 'a' minus 'k'; emitted = every id seen in 'a' or 's' (with its
 * time). A torn tail (kill -9 mid-write) is truncated. When the journal has grown well beyond its
 * live content it is compacted: the live state is written to a temp file, fsynced, renamed over
 * the journal, and the directory fsynced.
 *
 * Appends are group-committed: callers of add()/ack() share one write + fdatasync.
 */
import { mkdirSync, openSync, closeSync, fsyncSync, readFileSync, existsSync, truncateSync, statSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@cc-slurm-bridge/shared';
import { encodeFrame, encodeFrames, readFrames } from './framing.js';

export type EventKind = 'start_job' | 'stop_job';

export interface OutboxEntry {
  /** Nats-Msg-Id. */
  id: string;
  subject: string;
  headers: Record<string, string>;
  /** The payload as text (JSON or line protocol). */
  data: string;
  event: EventKind;
  cluster: string;
  /** `<cluster>:<jobId>:<startTime>`: orders a job's stop after its start. */
  jobKey: string;
  /** Event time (startTime for start_job, stopTime for stop_job), epoch s: bounds the watermark. */
  time: number;
  /** When it entered the outbox, epoch ms. */
  at: number;
}

type JournalRecord =
  | { t: 'a'; e: OutboxEntry }
  | { t: 'k'; ids: string[]; at: number }
  | { t: 's'; ids: [string, number][] };

export interface OutboxOptions {
  logger?: Logger;
  /** Emitted-set entries older than this (seconds since last seen) are forgotten. */
  retentionSec?: number;
  /** Compact once the journal exceeds this many bytes and is mostly dead records. */
  compactMinBytes?: number;
  /** fsync after each group commit (default true; benchmarks of the raw path may turn it off). */
  fsync?: boolean;
  now?: () => number;
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

interface Waiter {
  buf: Buffer;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class Outbox {
  readonly dir: string;
  readonly file: string;
  private fh: FileHandle | undefined;
  private readonly pendingMap = new Map<string, OutboxEntry>();
  /** msgId → last seen (epoch ms). Includes pending ids. */
  private readonly emitted = new Map<string, number>();
  private queue: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private size = 0;
  private sizeAtCompact = 0;
  private closed = false;
  private readonly logger: Logger | undefined;
  private readonly retentionMs: number;
  private readonly compactMinBytes: number;
  private readonly doFsync: boolean;
  private readonly now: () => number;
  private compactRequested = false;
  private readonly durableListeners: ((entries: OutboxEntry[]) => void)[] = [];

  private constructor(dir: string, opts: OutboxOptions) {
    this.dir = dir;
    this.file = join(dir, 'outbox.journal');
    this.logger = opts.logger;
    this.retentionMs = (opts.retentionSec ?? 14 * 86_400) * 1000;
    this.compactMinBytes = opts.compactMinBytes ?? 32 * 1024 * 1024;
    this.doFsync = opts.fsync ?? true;
    this.now = opts.now ?? Date.now;
  }

  static async open(dir: string, opts: OutboxOptions = {}): Promise<Outbox> {
    const ob = new Outbox(dir, opts);
    await ob.load();
    return ob;
  }

  private async load(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    if (existsSync(tmp)) await unlink(tmp); // a compaction that never reached its rename
    let created = false;
    if (existsSync(this.file)) {
      const buf = readFileSync(this.file);
      const scan = readFrames(buf);
      for (const r of scan.records) this.apply(r as JournalRecord);
      if (scan.torn) {
        this.logger?.warn({ file: this.file, goodBytes: scan.goodLength, droppedBytes: buf.length - scan.goodLength }, 'outbox journal had a torn tail; truncated it');
        truncateSync(this.file, scan.goodLength);
      }
      this.size = scan.goodLength;
    } else {
      created = true;
    }
    this.fh = await open(this.file, 'a');
    if (created) {
      await this.fh.sync();
      fsyncDir(this.dir);
    }
    this.prune();
    this.sizeAtCompact = this.size;
    this.logger?.info({ pending: this.pendingMap.size, emitted: this.emitted.size, bytes: this.size }, 'outbox opened');
  }

  private apply(r: JournalRecord): void {
    switch (r.t) {
      case 'a':
        this.pendingMap.set(r.e.id, r.e);
        this.emitted.set(r.e.id, Math.max(this.emitted.get(r.e.id) ?? 0, r.e.at));
        break;
      case 'k':
        for (const id of r.ids) {
          this.pendingMap.delete(id);
          this.emitted.set(id, Math.max(this.emitted.get(id) ?? 0, r.at));
        }
        break;
      case 's':
        for (const [id, at] of r.ids) this.emitted.set(id, Math.max(this.emitted.get(id) ?? 0, at));
        break;
      default:
        break;
    }
  }

  /** Forgets emitted-set entries past the retention (never pending ones). */
  private prune(): number {
    const limit = this.now() - this.retentionMs;
    let n = 0;
    for (const [id, at] of this.emitted) {
      if (at < limit && !this.pendingMap.has(id)) {
        this.emitted.delete(id);
        n++;
      }
    }
    return n;
  }

  /** Was this event ever emitted (pending, or acked and still remembered)? */
  has(msgId: string): boolean {
    return this.emitted.has(msgId);
  }

  /** Marks a remembered event as seen again now, so it is not pruned while its job is still visible. */
  touch(msgId: string): void {
    if (this.emitted.has(msgId)) this.emitted.set(msgId, this.now());
  }

  isPending(msgId: string): boolean {
    return this.pendingMap.has(msgId);
  }

  get depth(): number {
    return this.pendingMap.size;
  }

  get emittedCount(): number {
    return this.emitted.size;
  }

  get journalBytes(): number {
    return this.size;
  }

  /** Pending entries in the order they entered the outbox. */
  pending(): IterableIterator<OutboxEntry> {
    return this.pendingMap.values();
  }

  getPending(id: string): OutboxEntry | undefined {
    return this.pendingMap.get(id);
  }

  /** Earliest event time of a cluster's pending events (epoch s), or undefined. */
  minPendingTime(cluster: string, event?: EventKind): number | undefined {
    let min: number | undefined;
    for (const e of this.pendingMap.values()) {
      if (e.cluster !== cluster || (event && e.event !== event)) continue;
      if (min === undefined || e.time < min) min = e.time;
    }
    return min;
  }

  /** Called with entries once they are durable (fsynced), i.e. may be published. */
  onDurable(fn: (entries: OutboxEntry[]) => void): void {
    this.durableListeners.push(fn);
  }

  /**
   * Adds events not emitted before; resolves once they are on disk. Returns the entries that were
   * new (others were skipped as already emitted).
   */
  async add(entries: readonly OutboxEntry[]): Promise<OutboxEntry[]> {
    if (this.closed) throw new Error('outbox is closed');
    const fresh: OutboxEntry[] = [];
    const records: JournalRecord[] = [];
    for (const e of entries) {
      if (this.emitted.has(e.id)) continue;
      this.emitted.set(e.id, e.at);
      this.pendingMap.set(e.id, e);
      fresh.push(e);
      records.push({ t: 'a', e });
    }
    if (!fresh.length) return fresh;
    try {
      await this.write(encodeFrames(records));
    } catch (err) {
      // Not durable: take them back so a later poll emits them again.
      for (const e of fresh) {
        this.pendingMap.delete(e.id);
        this.emitted.delete(e.id);
      }
      throw err;
    }
    for (const fn of this.durableListeners) fn(fresh);
    return fresh;
  }

  /** Removes acknowledged events from the outbox (they stay in the emitted set). */
  async ack(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    const at = this.now();
    const done: string[] = [];
    for (const id of ids) {
      if (this.pendingMap.delete(id)) {
        done.push(id);
        this.emitted.set(id, at);
      }
    }
    if (!done.length || this.closed) return;
    await this.write(encodeFrame({ t: 'k', ids: done, at } satisfies JournalRecord));
  }

  private write(buf: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ buf, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length || this.compactRequested) {
        if (this.queue.length) {
          const batch = this.queue;
          this.queue = [];
          const buf = batch.length === 1 ? batch[0]!.buf : Buffer.concat(batch.map((w) => w.buf));
          try {
            await this.writeAll(buf);
            if (this.doFsync) await this.fh!.datasync();
            for (const w of batch) w.resolve();
          } catch (err) {
            for (const w of batch) w.reject(err);
          }
        }
        if (this.compactRequested || this.shouldCompact()) {
          this.compactRequested = false;
          try {
            await this.compactNow();
          } catch (err) {
            this.logger?.error({ err }, 'outbox compaction failed; keeping the old journal');
          }
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async writeAll(buf: Buffer): Promise<void> {
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await this.fh!.write(buf, off, buf.length - off);
      off += bytesWritten;
    }
    this.size += buf.length;
  }

  private shouldCompact(): boolean {
    if (this.size < this.compactMinBytes) return false;
    // Live content is roughly the pending entries; compact when the journal is 4x that or more.
    let live = this.emitted.size * 48;
    for (const e of this.pendingMap.values()) live += e.data.length + 300;
    return this.size - this.sizeAtCompact > this.compactMinBytes || this.size > 4 * live + this.compactMinBytes;
  }

  /** Requests a compaction (prunes old emitted entries, persists touch()es). Resolves when done. */
  async compact(): Promise<void> {
    if (this.closed) return;
    this.compactRequested = true;
    this.flushing ??= this.flushLoop();
    await this.flushing;
  }

  private async compactNow(): Promise<void> {
    const pruned = this.prune();
    const tmp = `${this.file}.tmp`;
    const out = await open(tmp, 'w');
    let size = 0;
    try {
      const chunk: [string, number][] = [];
      const parts: Buffer[] = [];
      let partsLen = 0;
      const push = async (b: Buffer): Promise<void> => {
        parts.push(b);
        partsLen += b.length;
        if (partsLen > 4 * 1024 * 1024) await drain();
      };
      const drain = async (): Promise<void> => {
        if (!parts.length) return;
        const b = Buffer.concat(parts);
        parts.length = 0;
        partsLen = 0;
        let off = 0;
        while (off < b.length) off += (await out.write(b, off, b.length - off)).bytesWritten;
        size += b.length;
      };
      for (const [id, at] of this.emitted) {
        if (this.pendingMap.has(id)) continue;
        chunk.push([id, at]);
        if (chunk.length >= 4096) await push(encodeFrame({ t: 's', ids: chunk.splice(0) } satisfies JournalRecord));
      }
      if (chunk.length) await push(encodeFrame({ t: 's', ids: chunk.splice(0) } satisfies JournalRecord));
      for (const e of this.pendingMap.values()) await push(encodeFrame({ t: 'a', e } satisfies JournalRecord));
      await drain();
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, this.file);
    fsyncDir(this.dir);
    const old = this.fh;
    this.fh = await open(this.file, 'a');
    await old?.close();
    const before = this.size;
    this.size = size;
    this.sizeAtCompact = size;
    this.logger?.debug({ before, after: size, pruned, pending: this.pendingMap.size }, 'outbox journal compacted');
  }

  /** Waits for every queued write; then closes the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    while (this.flushing) await this.flushing;
    this.closed = true;
    await this.fh?.sync().catch(() => undefined);
    await this.fh?.close();
    this.fh = undefined;
  }

  /** Size of the journal file on disk (for tests). */
  fileSize(): number {
    return existsSync(this.file) ? statSync(this.file).size : 0;
  }
}
