/**
 * From Slurm JSON to outbox entries: read (slurm/), diff against the emitted set, map (mapping/)
 * only what is new, encode with the deterministic Nats-Msg-Id.
 */
import { encodeEventMessage, eventMsgId, type Logger, type MessageFormat } from '@cc-slurm-bridge/shared';
import { readSlurmJobs, type SlurmJob, type SlurmWarning } from './slurm/mod.js';
import { ENDED_STATES, hasRun, jobEvents, stopState, type MappingOptions, type ValidatedEvent } from './mapping/mod.js';
import type { Outbox, OutboxEntry } from './outbox/outbox.js';

/**
 * The state tokens after which a job counts as ended: exactly those the mapping turns into a
 * stop_job (mapping/state.ts). Kept for compatibility; {@link isEnded} is the test to use.
 * @deprecated use `stopState(state, flags).ended` from the mapping.
 */
export const FINAL_STATES: Set<string> = new Set(ENDED_STATES);

/**
 * Has this job ended? The mapping's decision (`stopState(state, flags).ended`), so the daemon,
 * backfill and the mapping agree: a final base state counts even while the COMPLETING flag is
 * still set, and requeued/revoked/special-exit runs count too. A missing end time does not make
 * an ended job running: the mapping then uses the time it observed the end (meta.observedAt).
 */
export function isEnded(job: SlurmJob): boolean {
  return stopState(job.state, job.stateFlags).ended;
}

/** Has this job started (run on an allocation, with a start time)? The mapping's `hasRun`. */
export function hasStarted(job: SlurmJob): boolean {
  return hasRun(job.state) && job.startTime !== undefined;
}

export class SlurmParseError extends Error {}

/** Reads a Slurm job-list document; throws SlurmParseError when it is not one. */
export function parseJobs(text: string, cluster: string, logger?: Logger): SlurmJob[] {
  const r = readSlurmJobs(text, { cluster });
  if (!r.ok) throw new SlurmParseError(r.error.message);
  logWarnings(r.value.warnings, logger);
  return r.value.jobs;
}

function logWarnings(ws: readonly SlurmWarning[], logger: Logger | undefined): void {
  if (!logger || !ws.length) return;
  for (const w of ws.slice(0, 5)) logger.debug({ jobId: w.jobId, field: w.field }, w.message);
  if (ws.length > 5) logger.debug({ more: ws.length - 5 }, 'more Slurm warnings');
}

export interface EventContext {
  cluster: string;
  natsSubject: string;
  format: MessageFormat;
  gpuPciAddrs?: Record<string, string[]>;
  ignoreHosts?: string;
  source?: string;
  logger?: Logger;
}

/** The outbox entry of a mapped event (validated by the mapping, so not validated again here). */
export function toEntry(ev: ValidatedEvent, ctx: Pick<EventContext, 'natsSubject' | 'format'>, at = Date.now()): OutboxEntry {
  const m = encodeEventMessage(ev, { natsSubject: ctx.natsSubject, format: ctx.format, prevalidated: true });
  const cluster = ev.body.cluster ?? '';
  const startTime = ev.body.startTime ?? 0;
  return {
    id: m.msgId,
    subject: m.subject,
    headers: m.headers,
    data: Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).toString('utf8'),
    event: ev.event,
    cluster,
    jobKey: `${cluster}:${ev.body.jobId}:${startTime}`,
    time: ev.event === 'start_job' ? startTime : ev.body.stopTime,
    at,
  };
}

export interface Selection {
  /** Map starts of running jobs and starts+stops of ended jobs (default both). */
  running?: boolean;
  ended?: boolean;
}

export interface Collected {
  entries: OutboxEntry[];
  /** Jobs mapped (i.e. with something new). */
  mapped: number;
  /** Ended jobs that are still G1 placeholders (to be read again). */
  placeholders: SlurmJob[];
}

/**
 * The new events of these jobs: a job whose relevant event is already in the emitted set is not
 * even mapped (the diff is a map lookup). Starts of running jobs that are already known are
 * touched so the emitted set keeps them while the job runs.
 */
export function collectNew(jobs: readonly SlurmJob[], outbox: Outbox, ctx: EventContext, sel: Selection = {}): Collected {
  const out: Collected = { entries: [], mapped: 0, placeholders: [] };
  const mapping: MappingOptions = {
    cluster: ctx.cluster,
    ...(ctx.gpuPciAddrs ? { gpuPciAddrs: ctx.gpuPciAddrs } : {}),
    ...(ctx.ignoreHosts ? { ignoreHosts: ctx.ignoreHosts } : {}),
    ...(ctx.source ? { source: ctx.source } : {}),
    observedAt: Math.floor(Date.now() / 1000),
  };
  const seen = new Set<string>();
  for (const job of jobs) {
    if (!hasStarted(job)) continue;
    const ended = isEnded(job);
    if (ended ? sel.ended === false : sel.running === false) continue;
    const startId = eventMsgId(ctx.cluster, job.jobId, job.startTime!, 'start_job');
    if (!ended) {
      if (outbox.has(startId)) {
        outbox.touch(startId);
        continue;
      }
    } else {
      const stopId = eventMsgId(ctx.cluster, job.jobId, job.startTime!, 'stop_job');
      if (outbox.has(stopId)) continue;
      if (job.placeholder) {
        out.placeholders.push(job);
        continue;
      }
    }
    const r = jobEvents(job, mapping);
    logWarnings(r.warnings, ctx.logger);
    if (!r.events.length) continue;
    out.mapped++;
    for (const ev of r.events) {
      const st = ev.body.startTime ?? 0;
      const id = eventMsgId(ctx.cluster, ev.body.jobId, st, ev.event);
      if (outbox.has(id) || seen.has(id)) continue;
      seen.add(id);
      out.entries.push(toEntry(ev, ctx));
    }
  }
  return out;
}

/** Jobs mapped per slice before yielding to the event loop (so publishes overlap with mapping). */
export const INGEST_CHUNK = 1000;

export interface Ingested {
  /** Entries that were new and are now durable in the outbox. */
  added: OutboxEntry[];
  placeholders: SlurmJob[];
}

/**
 * collectNew + outbox.add in slices: while later slices are mapped, earlier ones are already
 * being fsynced and published. Resolves when every new entry is durable.
 */
export async function ingestJobs(jobs: readonly SlurmJob[], outbox: Outbox, ctx: EventContext, sel: Selection = {}): Promise<Ingested> {
  const writes: Promise<OutboxEntry[]>[] = [];
  const placeholders: SlurmJob[] = [];
  for (let i = 0; i < jobs.length; i += INGEST_CHUNK) {
    const got = collectNew(jobs.slice(i, i + INGEST_CHUNK), outbox, ctx, sel);
    placeholders.push(...got.placeholders);
    if (got.entries.length) writes.push(outbox.add(got.entries));
    if (i + INGEST_CHUNK < jobs.length) await new Promise<void>((r) => setImmediate(r));
  }
  const added = (await Promise.all(writes)).flat();
  return { added, placeholders };
}
