import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startJobBodySchema, stopJobBodySchema, JOB_STATES, decodeBody } from '@cc-slurm-bridge/shared';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/cc-backend/${name}`, import.meta.url), 'utf8');

const minimalStart = {
  jobId: 1,
  cluster: 'fritz',
  user: 'alice',
  startTime: 1700000000,
  numNodes: 1,
  resources: [{ hostname: 'f0101' }],
};

test('CONTRACT examples: start_job.request.json validates as a start body', () => {
  const r = startJobBodySchema.safeParse(JSON.parse(fixture('start_job.request.json')));
  assert.equal(r.success, true, r.success ? '' : JSON.stringify(r.error.issues));
  assert.equal(r.data?.metaData?.['jobName'], 'my<job>&');
});

test('CONTRACT examples: stop_job.request.json validates as a stop body', () => {
  const r = stopJobBodySchema.safeParse(JSON.parse(fixture('stop_job.request.json')));
  assert.equal(r.success, true);
  assert.equal(r.data?.jobState, 'completed');
});

test('CONTRACT §8.1: exactly the 12 job states', () => {
  assert.deepEqual([...JOB_STATES].sort(), [
    'boot_fail', 'cancelled', 'completed', 'deadline', 'failed', 'node_fail',
    'out_of_memory', 'pending', 'preempted', 'running', 'suspended', 'timeout',
  ]);
  assert.equal(stopJobBodySchema.safeParse({ jobId: 1, jobState: 'out-of-memory', stopTime: 2 }).success, false);
  assert.equal(stopJobBodySchema.safeParse({ jobId: 1, jobState: 'requeued', stopTime: 2 }).success, false);
});

test('CONTRACT §1.1: unknown start_job keys are rejected with the key named', () => {
  const r = decodeBody('start_job', { ...minimalStart, exclusive: 1 });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error.code, 'invalid_body');
  assert.match(r.error.message, /unknown field "exclusive"/);
  assert.deepEqual(r.error.issues.map((i) => i.path), ['exclusive']);
});

test('CONTRACT §8.1: unknown keys inside a resource are rejected with the key named', () => {
  const r = decodeBody('start_job', { ...minimalStart, resources: [{ hostname: 'f0101', gpus: [0] }] });
  assert.equal(r.ok, false);
  if (!r.ok) assert.deepEqual(r.error.issues.map((i) => i.path), ['resources.0.gpus']);
});

test('CONTRACT §2.1: stop_job rejects partition and exclusive', () => {
  for (const extra of ['partition', 'exclusive']) {
    const r = decodeBody('stop_job', { jobId: 1, cluster: 'c', startTime: 1, jobState: 'completed', stopTime: 2, [extra]: 'x' });
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error.message, new RegExp(`unknown field "${extra}"`));
  }
});

test('CONTRACT §1.2/§9: sanity checks and exact JSON types', () => {
  const bad: Array<[string, Record<string, unknown>]> = [
    ['numNodes ≠ len(resources)', { ...minimalStart, numNodes: 2 }],
    ['empty resources', { ...minimalStart, numNodes: 0, resources: [] }],
    ['empty user', { ...minimalStart, user: '' }],
    ['jobId as string', { ...minimalStart, jobId: '1' }],
    ['fractional jobId', { ...minimalStart, jobId: 1.5 }],
    ['numNodes beyond int32', { ...minimalStart, numNodes: 2 ** 32 }],
    ['metaData value not a string', { ...minimalStart, metaData: { submitTime: 1 } }],
    ['shared not in enum', { ...minimalStart, shared: '' }],
    ['monitoringStatus out of range', { ...minimalStart, monitoringStatus: 4 }],
    ['negative numAcc', { ...minimalStart, numAcc: -1 }],
  ];
  for (const [why, body] of bad) {
    assert.equal(startJobBodySchema.safeParse(body).success, false, why);
  }
  assert.equal(startJobBodySchema.safeParse(minimalStart).success, true);
});

test('stop_job: stopTime before startTime is rejected, equal is fine (CONTRACT §2.3)', () => {
  assert.equal(stopJobBodySchema.safeParse({ jobId: 1, startTime: 10, jobState: 'completed', stopTime: 9 }).success, false);
  assert.equal(stopJobBodySchema.safeParse({ jobId: 1, startTime: 10, jobState: 'completed', stopTime: 10 }).success, true);
});
