import { z } from 'zod';
import { int64 } from './ints.js';
import { jobStateSchema } from './job-state.js';

/**
 * The body of `POST /api/jobs/stop_job/` (CONTRACT §2.1). Unknown keys — `partition`, `exclusive`
 * — are rejected as cc-backend rejects them. `jobState` must be one of the 12 states;
 * stopTime ≥ startTime is checked when both are present (cc-backend checks it against the stored row).
 */
export const stopJobBodySchema = z
  .strictObject({
    jobId: int64(),
    cluster: z.string().min(1).optional(),
    startTime: int64().optional(),
    jobState: jobStateSchema,
    stopTime: int64(),
  })
  .superRefine((b, ctx) => {
    if (b.startTime !== undefined && b.stopTime < b.startTime) {
      ctx.addIssue({
        code: 'custom',
        path: ['stopTime'],
        message: `stopTime ${b.stopTime} must be larger/equal than startTime ${b.startTime}`,
      });
    }
  });
export type StopJobBody = z.infer<typeof stopJobBodySchema>;
