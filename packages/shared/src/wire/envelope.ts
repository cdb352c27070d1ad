import { z } from 'zod';
import { startJobBodySchema, type StartJobBody } from '../cc-backend/start-job.js';
import { stopJobBodySchema, type StopJobBody } from '../cc-backend/stop-job.js';
import { int64 } from '../cc-backend/ints.js';
import { WIRE_VERSION } from './headers.js';

/**
 * Envelope metadata. Writing is strict (only these keys); reading keeps unknown keys so newer
 * producers can add some without breaking older consumers (DESIGN §2).
 */
const metaShape = {
  observedAt: int64().optional(),
  source: z.string().optional(),
  partition: z.string().optional(),
};
export const eventMetaWriteSchema = z.strictObject(metaShape);
export const eventMetaReadSchema = z.looseObject(metaShape);
export type EventMeta = z.infer<typeof eventMetaWriteSchema> & Record<string, unknown>;

export interface StartJobEvent {
  event: 'start_job';
  version: typeof WIRE_VERSION;
  meta: EventMeta;
  body: StartJobBody;
}
export interface StopJobEvent {
  event: 'stop_job';
  version: typeof WIRE_VERSION;
  meta: EventMeta;
  body: StopJobBody;
}
/** One job event as the publisher emits it and the forwarder consumes it. */
export type JobEvent = StartJobEvent | StopJobEvent;

export { startJobBodySchema, stopJobBodySchema };

/** The keys the forwarder strips before posting; everything else is the cc-backend body. */
export const ENVELOPE_KEYS = ['event', 'version', 'meta'] as const;

export function startJobEvent(body: StartJobBody, meta: EventMeta = {}): StartJobEvent {
  return { event: 'start_job', version: WIRE_VERSION, meta, body };
}
export function stopJobEvent(body: StopJobBody, meta: EventMeta = {}): StopJobEvent {
  return { event: 'stop_job', version: WIRE_VERSION, meta, body };
}

/** cluster, jobId and startTime of an event: the ordering and dedupe keys. */
export function eventKey(e: JobEvent): { cluster: string; jobId: number; startTime: number | undefined } {
  return { cluster: e.body.cluster ?? '', jobId: e.body.jobId, startTime: e.body.startTime };
}
