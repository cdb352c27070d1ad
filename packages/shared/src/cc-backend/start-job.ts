import { z } from 'zod';
import { int32, int64 } from './ints.js';

/** A node of a job (CONTRACT §8.1 Resource). Unknown keys are rejected, as cc-backend does. */
export const resourceSchema = z.strictObject({
  hostname: z.string().min(1),
  configuration: z.string().optional(),
  hwthreads: z.array(int32().min(0)).optional(),
  accelerators: z.array(z.string()).optional(),
});
export type Resource = z.infer<typeof resourceSchema>;

export const SHARED_VALUES = ['none', 'single_user', 'multi_user'] as const;
export const sharedSchema = z.enum(SHARED_VALUES);
export type Shared = z.infer<typeof sharedSchema>;

const tagSchema = z.strictObject({
  type: z.string(),
  name: z.string(),
  scope: z.string().optional(),
  id: int64().optional(),
});

const unitSchema = z.strictObject({ base: z.string(), prefix: z.string().optional() });
const statisticSchema = z.strictObject({ unit: unitSchema, avg: z.number(), min: z.number(), max: z.number() });

/**
 * The body of `POST /api/jobs/start_job/` (CONTRACT §1.1): every field cc-backend's decoder
 * accepts, with exact JSON types, and nothing else. The refinements are cc-backend's own sanity
 * checks (§1.2 d–f) plus its DB CHECK constraints (§9 row 8), so a body that passes here is
 * rejected by cc-backend only for reasons that depend on its state (cluster config, duplicates).
 * The `null`s allowed on object fields are what Go's encoder writes for empty maps, as in the
 * Go adapter's messages.
 */
export const startJobBodySchema = z
  .strictObject({
    jobId: int64(),
    cluster: z.string().min(1),
    subCluster: z.string().optional(),
    partition: z.string().optional(),
    project: z.string().optional(),
    user: z.string().min(1),
    resources: z.array(resourceSchema).min(1),
    numNodes: int32().min(1),
    numHwthreads: int32().min(0).optional(),
    numAcc: int32().min(0).optional(),
    shared: sharedSchema.optional(),
    smt: int32().optional(),
    startTime: int64(),
    walltime: int64().min(0).optional(),
    arrayJobId: int64().min(0).optional(),
    jobState: z.string().optional(),
    duration: int32().optional(),
    submitTime: int64().optional(),
    monitoringStatus: int32().min(0).max(3).optional(),
    metaData: z.record(z.string(), z.string()).nullable().optional(),
    tags: z.array(tagSchema).nullable().optional(),
    footprint: z.record(z.string(), z.number()).nullable().optional(),
    energy: z.number().optional(),
    energyFootprint: z.record(z.string(), z.number()).nullable().optional(),
    statistics: z.record(z.string(), statisticSchema).nullable().optional(),
    concurrentJobs: z
      .strictObject({
        items: z.array(z.strictObject({ id: int64(), jobId: int64() })).nullable(),
        count: int32(),
      })
      .optional(),
    requestedMemory: int64().optional(),
    id: int64().optional(),
  })
  .superRefine((b, ctx) => {
    if (b.numNodes !== b.resources.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['numNodes'],
        message: `len(resources) does not equal numNodes (${b.resources.length} vs ${b.numNodes})`,
      });
    }
  });
export type StartJobBody = z.infer<typeof startJobBodySchema>;
