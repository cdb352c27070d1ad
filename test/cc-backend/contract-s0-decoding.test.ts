// CONTRACT.md §0.3: request body decoding with Go encoding/json + DisallowUnknownFields (and §9.7).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeCcBackend, startFakeCcBackend } from './mod.js';
import { call, freshJobId, goError, startBody } from './testkit.js';

const START = '/api/jobs/start_job/';
let cc: FakeCcBackend;
before(async () => {
  cc = await startFakeCcBackend({ commitIntervalMs: 0 });
});
after(() => cc.close());

const parseErr = (msg: string): string => goError('Bad Request', `parsing request body failed: ${msg}`);
/** A start body as JSON text, with `extra` raw JSON members appended (duplicates allowed). */
const raw = (over: Record<string, unknown> = {}, extra = ''): string => {
  const text = JSON.stringify(startBody(over));
  return extra === '' ? text : text.slice(0, -1) + ',' + extra + '}';
};
const row = (jobId: number) => cc.jobs().find((j) => j.jobId === jobId);

describe('§0.3 unknown fields', () => {
  test('§0.3 / §1.1 exclusive (older APIs) → 400 json: unknown field "exclusive"', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ exclusive: 1 }) });
    assert.equal(r.status, 400);
    assert.equal(r.text, parseErr('json: unknown field "exclusive"'));
  });

  test('§0.3 / §8.1 unknown keys inside a resource are rejected too', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ resources: [{ hostname: 'n1', cores: [0] }] }) });
    assert.equal(r.text, parseErr('json: unknown field "cores"'));
  });

  test('§0.3 unknown keys inside nested structs (concurrentJobs) are rejected, keys inside maps are not', async () => {
    assert.equal((await call(cc, 'POST', START, { body: startBody({ concurrentJobs: { items: null, count: 0, x: 1 } }) })).text, parseErr('json: unknown field "x"'));
    assert.equal((await call(cc, 'POST', START, { body: startBody({ metaData: { anything: 'goes' }, footprint: { any: 1.5 } }) })).status, 201);
  });

  test('§0.3 nodestate rejects unknown fields at any depth', async () => {
    const r = await call(cc, 'POST', '/api/nodestate/', { body: { cluster: 'c', nodes: [{ hostname: 'n', state: 'idle' }] } });
    assert.equal(r.status, 400);
    assert.equal(r.text, parseErr('json: unknown field "state"'));
  });
});

describe('§0.3 Go peculiarities', () => {
  test('§0.3 keys match case-insensitively', async () => {
    const id = freshJobId();
    const body = JSON.stringify(startBody()).replace(/"jobId":\d+/, `"JOBID":${id}`).replace('"cluster"', '"Cluster"').replace('"numHwthreads"', '"numhwthreads"');
    assert.equal((await call(cc, 'POST', START, { body })).status, 201);
    assert.equal(row(id)?.numHwthreads, 4);
  });

  test('§0.3 case folding is Unicode simple folding: "uſer" (long s) fills user', async () => {
    const id = freshJobId();
    const body = raw({ jobId: id, user: '' }, '"u\u017fer":"folded"');
    assert.equal((await call(cc, 'POST', START, { body })).status, 201);
    assert.equal(row(id)?.user, 'folded');
  });

  test('§0.3 for duplicate keys the last one wins', async () => {
    const id = freshJobId();
    assert.equal((await call(cc, 'POST', START, { body: raw({ jobId: id }, '"user":"second","project":"p2"') })).status, 201);
    assert.equal(row(id)?.user, 'second');
    assert.equal(row(id)?.project, 'p2');
  });

  test('§0.3 a duplicate object key decodes into the existing map (metaData keys merge)', async () => {
    const id = freshJobId();
    assert.equal((await call(cc, 'POST', START, { body: raw({ jobId: id, metaData: { a: '1' } }, '"metaData":{"b":"2"}') })).status, 201);
    assert.deepEqual(row(id)?.metaData, { a: '1', b: '2' });
  });

  test('§0.3 null for a non-pointer field keeps the default ("shared":null stays "none", monitoringStatus 1)', async () => {
    const id = freshJobId();
    assert.equal((await call(cc, 'POST', START, { body: startBody({ jobId: id, shared: null, monitoringStatus: null, user: 'u' }) })).status, 201);
    assert.equal(row(id)?.shared, 'none');
    assert.equal(row(id)?.monitoringStatus, 1);
  });

  test('§0.3 only the first JSON value is read: trailing garbage is ignored', async () => {
    const id = freshJobId();
    const r = await call(cc, 'POST', START, { body: JSON.stringify(startBody({ jobId: id })) + ' }}garbage{"x":' });
    assert.equal(r.status, 201);
    assert.ok(row(id));
  });

  test('§0.3 empty body → EOF, white space only → EOF, truncated → unexpected EOF', async () => {
    assert.equal((await call(cc, 'POST', START, { body: '' })).text, parseErr('EOF'));
    assert.equal((await call(cc, 'POST', START, { body: ' \n\t' })).text, parseErr('EOF'));
    const full = JSON.stringify(startBody());
    assert.equal((await call(cc, 'POST', START, { body: full.slice(0, 40) })).text, parseErr('unexpected EOF'));
    assert.equal((await call(cc, 'POST', '/api/jobs/stop_job/', { body: '{"jobId":1' })).text, parseErr('unexpected EOF'));
  });

  test('§0.3 syntax errors carry Go scanner texts', async () => {
    assert.equal((await call(cc, 'POST', START, { body: '{"jobId":1,}' })).text, parseErr("invalid character '}' looking for beginning of object key string"));
    assert.equal((await call(cc, 'POST', START, { body: '{"user":"a\\x"}' })).text, parseErr("invalid character 'x' in string escape code"));
    assert.equal((await call(cc, 'POST', START, { body: '{"jobId":01}' })).text, parseErr("invalid character '1' after object key:value pair"));
    assert.equal((await call(cc, 'POST', START, { body: "{'jobId':1}" })).text, parseErr("invalid character '\\'' looking for beginning of object key string"));
    assert.equal((await call(cc, 'POST', START, { body: '{"user":"a\nb"}' })).text, parseErr("invalid character '\\n' in string literal"));
    assert.equal((await call(cc, 'POST', START, { body: '{"jobId":tru}' })).text, parseErr("invalid character '}' in literal true (expecting 'e')"));
  });

  test('§0.3 wrong JSON types give Go-like messages', async () => {
    assert.equal(
      (await call(cc, 'POST', START, { body: startBody({ jobId: '123' }) })).text,
      parseErr('json: cannot unmarshal string into Go struct field Job.jobId of type int64'),
    );
    assert.equal(
      (await call(cc, 'POST', START, { body: startBody({ user: [] }) })).text,
      parseErr('json: cannot unmarshal array into Go struct field Job.user of type string'),
    );
    assert.equal(
      (await call(cc, 'POST', START, { body: startBody({ numNodes: true }) })).text,
      parseErr('json: cannot unmarshal bool into Go struct field Job.numNodes of type int32'),
    );
    assert.equal(
      (await call(cc, 'POST', START, { body: startBody({ resources: 'n1' }) })).text,
      parseErr('json: cannot unmarshal string into Go struct field Job.resources of type []*schema.Resource'),
    );
    assert.equal((await call(cc, 'POST', START, { body: '[]' })).text, parseErr('json: cannot unmarshal array into Go value of type schema.Job'));
  });

  test('§0.3 type errors inside a resource name the inner struct and the field path', async () => {
    const r = await call(cc, 'POST', START, { body: startBody({ resources: [{ hostname: 5 }] }) });
    assert.equal(r.text, parseErr('json: cannot unmarshal number into Go struct field Resource.resources.hostname of type string'));
    const h = await call(cc, 'POST', START, { body: startBody({ resources: [{ hostname: 'n', hwthreads: [0, 1.5] }] }) });
    assert.equal(h.text, parseErr('json: cannot unmarshal number 1.5 into Go struct field Resource.resources.hwthreads of type int'));
  });

  test('§0.3 non-integral and exponent numbers in integer fields are rejected', async () => {
    assert.equal(
      (await call(cc, 'POST', START, { body: raw({}, '"jobId":123.5') })).text,
      parseErr('json: cannot unmarshal number 123.5 into Go struct field Job.jobId of type int64'),
    );
    assert.equal(
      (await call(cc, 'POST', START, { body: raw({}, '"startTime":1e3') })).text,
      parseErr('json: cannot unmarshal number 1e3 into Go struct field Job.startTime of type int64'),
    );
    assert.equal(
      (await call(cc, 'POST', START, { body: raw({}, '"numNodes":1.0') })).text,
      parseErr('json: cannot unmarshal number 1.0 into Go struct field Job.numNodes of type int32'),
    );
  });

  test('§0.3 int32 range: numNodes 2^32 and 2^31 are rejected; int64 range for jobId', async () => {
    assert.equal(
      (await call(cc, 'POST', START, { body: startBody({ numNodes: 4294967296 }) })).text,
      parseErr('json: cannot unmarshal number 4294967296 into Go struct field Job.numNodes of type int32'),
    );
    assert.equal((await call(cc, 'POST', START, { body: startBody({ numHwthreads: 2147483648 }) })).status, 400);
    assert.equal(
      (await call(cc, 'POST', START, { body: raw({}, '"jobId":9223372036854775808') })).text,
      parseErr('json: cannot unmarshal number 9223372036854775808 into Go struct field Job.jobId of type int64'),
    );
  });

  test('§0.3 int64 values beyond 2^53 are kept exactly', async () => {
    const body = raw({}, '"jobId":9007199254740993');
    assert.equal((await call(cc, 'POST', START, { body })).status, 201);
    const r = await call(cc, 'POST', '/api/jobs/stop_job/', { body: '{"jobId":9007199254740993,"stopTime":1700000100}' });
    assert.equal(r.status, 200);
    assert.match(r.text, /"jobId":9007199254740993,/);
  });

  test('§0.3 / §1.1 metaData values must be strings; a null value becomes ""', async () => {
    assert.equal(
      (await call(cc, 'POST', START, { body: startBody({ metaData: { submitTime: 1699999000 } }) })).text,
      parseErr('json: cannot unmarshal number into Go struct field Job.metaData of type string'),
    );
    const id = freshJobId();
    assert.equal((await call(cc, 'POST', START, { body: startBody({ jobId: id, metaData: { jobName: null } }) })).status, 201);
    assert.deepEqual(row(id)?.metaData, { jobName: '' });
  });

  test('§0.3 the first error in document order is reported (unknown field vs type error)', async () => {
    assert.equal((await call(cc, 'POST', START, { body: '{"bogus":1,"jobId":"x"}' })).text, parseErr('json: unknown field "bogus"'));
    assert.equal(
      (await call(cc, 'POST', START, { body: '{"jobId":"x","bogus":1}' })).text,
      parseErr('json: cannot unmarshal string into Go struct field Job.jobId of type int64'),
    );
  });

  test('§0.3 nodestate type errors name NodePayload', async () => {
    const r = await call(cc, 'POST', '/api/nodestate/', { body: { cluster: 'c', nodes: [{ hostname: 'n', cpusAllocated: '4' }] } });
    assert.equal(r.text, parseErr('json: cannot unmarshal string into Go struct field NodePayload.nodes.cpusAllocated of type int'));
  });

  test('§0.3 there is no request body size limit (a multi-MB jobScript is accepted)', async () => {
    const id = freshJobId();
    const r = await call(cc, 'POST', START, { body: startBody({ jobId: id, metaData: { jobScript: '#!/bin/sh\n' + 'x'.repeat(3 * 1024 * 1024) } }) });
    assert.equal(r.status, 201);
  });
});
