// shared's ValidatedEvent path, as the publisher uses it: validated once (in the mapping), encoded
// without validating again, to exactly the message the validating encoder builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeEventMessage,
  encodeEventMessage,
  HEADER,
  decodeBody,
  startJobBodySchema,
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

// validateEvent (and decodeBody) check long hwthreads lists outside zod; the outcome must be
// exactly zod's: the same parsed body (same key order, copied lists) or the same error.
function zodOutcome(body: unknown): { ok: true; json: string; value: unknown } | { ok: false; message: string } {
  const r = startJobBodySchema.safeParse(body);
  if (r.success) return { ok: true, json: JSON.stringify(r.data), value: r.data };
  const parts: string[] = [];
  for (const issue of r.error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) parts.push(`${path ? `${path}.${key}` : key}: unknown field "${key}"`);
    else parts.push(path ? `${path}: ${issue.message}` : issue.message);
  }
  return { ok: false, message: `invalid start_job body: ${parts.join('; ')}` };
}

function sameAsZod(b: Record<string, unknown>, what: string): void {
  const want = zodOutcome(b);
  for (const [how, got] of [
    ['validateEvent', validateEvent(startJobEvent(b as unknown as StartJobBody))],
    ['decodeBody', decodeBody('start_job', b)],
  ] as const) {
    assert.equal(got.ok, want.ok, `${what} (${how})`);
    if (got.ok && want.ok) {
      assert.equal(JSON.stringify(got.value.body), want.json, `${what} (${how})`);
      assert.deepEqual(got.value.body, want.value, `${what} (${how})`);
      const inRes = b['resources'] as { hwthreads?: unknown }[];
      (got.value.body as StartJobBody).resources.forEach((r, i) => {
        if (r.hwthreads) assert.notEqual(r.hwthreads, inRes[i]!.hwthreads, `${what} (${how}): a copy, as zod makes`);
      });
    }
    if (!got.ok && !want.ok) assert.equal(got.error.message, want.message, `${what} (${how})`);
  }
}

const hw = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
function start(resources: unknown[], over: Record<string, unknown> = {}): Record<string, unknown> {
  return { jobId: 1, cluster: 'c', user: 'u', startTime: 10, numNodes: resources.length, resources, numHwthreads: 4, metaData: { a: 'b' }, ...over };
}

test('hwthreads lists are checked exactly as startJobBodySchema checks them', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['valid, one node', start([{ hostname: 'a', hwthreads: hw(64) }])],
    ['valid, lists first in the object', start([{ hwthreads: [3, 1, 2], hostname: 'a', accelerators: ['x'] }, { configuration: 'q', hostname: 'b' }])],
    ['valid, empty list', start([{ hostname: 'a', hwthreads: [] }])],
    ['valid, int32 bounds', start([{ hostname: 'a', hwthreads: [0, 2147483647, -0] }])],
    ['negative', start([{ hostname: 'a', hwthreads: [0, -1] }])],
    ['fraction', start([{ hostname: 'a', hwthreads: [0, 1.5] }])],
    ['NaN and Infinity', start([{ hostname: 'a', hwthreads: [NaN, Infinity] }])],
    ['above int32', start([{ hostname: 'a', hwthreads: [2147483648] }])],
    ['string and null', start([{ hostname: 'a', hwthreads: ['1', null] }])],
    ['a hole', start([{ hostname: 'a', hwthreads: [0, , 2] }])],
    ['not a list', start([{ hostname: 'a', hwthreads: { 0: 1 } }])],
    ['valid lists, numNodes wrong', start([{ hostname: 'a', hwthreads: hw(8) }], { numNodes: 2 })],
    ['valid lists, unknown key in a node', start([{ hostname: 'a', hwthreads: hw(8), cores: 8 }])],
    ['valid lists, unknown key in the body', start([{ hostname: 'a', hwthreads: hw(8) }], { nodes: 'a' })],
    ['valid lists, missing hostname', start([{ hwthreads: hw(8) }])],
    ['valid lists, missing user', start([{ hostname: 'a', hwthreads: hw(8) }], { user: undefined })],
    ['one valid and one bad list', start([{ hostname: 'a', hwthreads: hw(8) }, { hostname: 'b', hwthreads: [1, -2] }])],
    ['a node that is not plain data', start([Object.assign(Object.create({ configuration: 5 }), { hostname: 'a', hwthreads: hw(4) })])],
    ['a non-enumerable property', start([Object.defineProperty({ hostname: 'a', hwthreads: hw(4) }, 'configuration', { value: 5, enumerable: false })])],
    ['resources not a list', start([], { resources: { 0: { hostname: 'a' } }, numNodes: 1 })],
  ];
  for (const [what, b] of cases) sameAsZod(b, what);
});

test('hwthreads fast path: random bodies agree with zod', () => {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const odd = [-1, 1.5, NaN, '3', null, 2147483648, undefined];
  for (let n = 0; n < 300; n++) {
    const nodes = 1 + Math.floor(rnd() * 4);
    const resources = Array.from({ length: nodes }, (_, i) => {
      const list: unknown[] = hw(Math.floor(rnd() * 40), i * 64);
      if (rnd() < 0.15 && list.length) list[Math.floor(rnd() * list.length)] = odd[Math.floor(rnd() * odd.length)];
      const r: Record<string, unknown> = { hostname: `n${i}`, hwthreads: list };
      if (rnd() < 0.05) r['extra'] = 1;
      return r;
    });
    sameAsZod(start(resources, rnd() < 0.1 ? { numNodes: nodes + 1 } : {}), `random body ${n}`);
  }
});

test('subject checks still apply to every new prefix and cluster', () => {
  const v = must(validateEvent(startJobEvent(body)));
  assert.equal(encodeEventMessage(v, { natsSubject: 'jobs', prevalidated: true }).subject, 'jobs.fritz.start_job');
  assert.equal(encodeEventMessage(v, { natsSubject: 'jobs', prevalidated: true }).subject, 'jobs.fritz.start_job');
  assert.throws(() => encodeEventMessage(v, { natsSubject: 'jobs..x', prevalidated: true }), /subject prefix/);
  const bad = must(validateEvent(startJobEvent({ ...body, cluster: 'a.b' })));
  assert.throws(() => encodeEventMessage(bad, { natsSubject: 'jobs', prevalidated: true }), (e: Error & { code?: string }) => e.code === 'invalid_cluster_token');
  assert.equal(encodeEventMessage(v, { natsSubject: 'site.jobs', prevalidated: true }).subject, 'site.jobs.fritz.start_job');
  assert.throws(() => encodeEventMessage(v, { natsSubject: 'jobs.*', prevalidated: true }), /subject prefix/);
});
