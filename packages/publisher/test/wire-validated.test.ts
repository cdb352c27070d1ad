// shared's ValidatedEvent path, as the publisher uses it: validated once (in the mapping), encoded
// without validating again, to exactly the message the validating encoder builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeEventMessage,
  encodeEventMessage,
  HEADER,
  startJobEvent,
  stopJobEvent,
  validateEvent,
  type EventMessage,
  type JobEvent,
  type StartJobBody,
} from '@cc-slurm-bridge/shared';

function must<T>(r: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!r.ok) assert.fail(r.error.message);
  return r.value;
}

const body: StartJobBody = {
  jobId: 4242,
  cluster: 'fritz',
  user: 'bob',
  project: 'p1',
  partition: 'work',
  startTime: 1733230000,
  walltime: 3600,
  numNodes: 2,
  numHwthreads: 4,
  resources: [
    { hostname: 'f0101', hwthreads: [0, 1] },
    { hostname: 'f0102', hwthreads: [0, 72], accelerators: ['00000000:3B:00.0'] },
  ],
  metaData: { jobName: 'q"uo\\te', slurmInfo: 'JobId=4242\n   ünïcødé ✓' },
};

test('a ValidatedEvent is encoded without validating again, to the same message', () => {
  for (const e of [startJobEvent(body, { observedAt: 1733230001, source: 'ctl' }), stopJobEvent({ jobId: 7, cluster: 'fritz', startTime: 10, jobState: 'timeout', stopTime: 20 }, { partition: 'work' })]) {
    const v = must(validateEvent(e));
    assert.deepEqual(v, e, 'validateEvent returns the same event');
    for (const format of ['json', 'ccmessage'] as const) {
      const checked: EventMessage = encodeEventMessage(v, { natsSubject: 'jobs', format });
      const pre: EventMessage = encodeEventMessage(v, { natsSubject: 'jobs', format, prevalidated: true });
      assert.deepEqual(pre, checked, format);
      const back = must(decodeEventMessage(pre.data, pre.headers[HEADER.contentType]));
      // line protocol carries no meta
      assert.deepEqual(format === 'json' ? back : back.body, format === 'json' ? e : e.body, format);
    }
  }
});

test('only validateEvent output skips validation; without the flag every event is validated', () => {
  const plain = startJobEvent(body);
  // @ts-expect-error a plain JobEvent is not a ValidatedEvent
  assert.ok(encodeEventMessage(plain, { natsSubject: 'jobs', prevalidated: true }));
  const bad = { ...must(validateEvent(plain)), meta: { futureKey: true } } as unknown as JobEvent;
  assert.throws(() => encodeEventMessage(bad, { natsSubject: 'jobs' }), /unknown field "futureKey"/);
  assert.throws(() => encodeEventMessage(bad, { natsSubject: 'jobs', prevalidated: false }), /unknown field "futureKey"/);
});
