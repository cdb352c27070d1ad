import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  decodeEventMessage,
  decodeJson,
  decodeLineProtocol,
  encodeEventMessage,
  encodeJson,
  encodeLineProtocol,
  eventMsgId,
  eventSubject,
  HEADER,
  CONTENT_TYPE,
  startJobEvent,
  stopJobEvent,
  type JobEvent,
  type StartJobBody,
} from '@cc-slurm-bridge/shared';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/cc-backend/${name}`, import.meta.url), 'utf8');
const lpLines = fixture('nats-messages.lp').split('\n').filter(Boolean);

function must<T>(r: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!r.ok) assert.fail(r.error.message);
  return r.value;
}

const tricky: StartJobBody = {
  jobId: 4242,
  cluster: 'fritz',
  user: 'bob',
  project: 'p1',
  partition: 'work',
  startTime: 1733230000,
  walltime: 3600,
  numNodes: 1,
  numHwthreads: 2,
  resources: [{ hostname: 'f0101', hwthreads: [0, 1] }],
  metaData: {
    jobName: 'q"uo\\te',
    jobScript: '#!/bin/bash\nsrun ./a.out "x" C:\\tmp\r\n\techo ünïcødé ✓ 🚀 <&>\n',
    slurmInfo: 'JobId=4242 \\n literal backslash-n',
  },
};

test('CONTRACT §6.5: the three example lines decode; start and stop re-encode to equivalent messages', () => {
  const start = must(decodeLineProtocol(lpLines[0]!));
  assert.equal(start.event, 'start_job');
  assert.equal(start.body.jobId, 123456);
  assert.equal(start.meta['source'], 'slurmctl01');
  const startJson = JSON.parse(fixture('start_job.request.json'));
  assert.deepEqual(start.body, startJson, 'the line carries exactly the REST example body');
  assert.deepEqual(must(decodeLineProtocol(encodeLineProtocol(start))).body, start.body);

  const stop = must(decodeLineProtocol(lpLines[1]!));
  assert.equal(stop.event, 'stop_job');
  assert.deepEqual(stop.body, JSON.parse(fixture('stop_job.request.json')));
  assert.equal(stop.meta['partition'], 'singlenode');
  assert.deepEqual(must(decodeLineProtocol(encodeLineProtocol(stop))).body, stop.body);

  // The nodestate line is valid line protocol but no job event: it is reported, not thrown.
  const node = decodeLineProtocol(lpLines[2]!);
  assert.equal(node.ok, false);
  if (!node.ok) assert.equal(node.error.code, 'no_job_line');
});

test('JSON ⇄ line protocol round trip with quotes, backslashes, newlines and unicode', () => {
  const e = startJobEvent(tricky, { observedAt: 1733230001, source: 'ctl' });
  const viaJson = must(decodeJson(encodeJson(e)));
  assert.deepEqual(viaJson, e);
  const line = encodeLineProtocol(e);
  assert.equal(line.split('\n').length, 2, 'one physical line plus the trailing newline');
  assert.match(line, /^job,function=start_job,cluster=fritz event="/);
  assert.ok(line.endsWith(' 1733230000000000000\n'));
  const viaLp = must(decodeLineProtocol(line));
  assert.deepEqual(viaLp.body, tricky);
  // and back into JSON again
  assert.deepEqual(must(decodeJson(encodeJson({ ...viaLp, meta: {} }))).body, tricky);
});

test('CONTRACT §6.3: escaping is exactly \\ → \\\\ and " → \\" ; \\n inside the field is a real newline', () => {
  const e = stopJobEvent({ jobId: 1, cluster: 'c', startTime: 5, jobState: 'completed', stopTime: 6 });
  const line = encodeLineProtocol(e);
  assert.equal(line, 'job,function=stop_job,cluster=c event="{\\"jobId\\":1,\\"cluster\\":\\"c\\",\\"startTime\\":5,\\"jobState\\":\\"completed\\",\\"stopTime\\":6}" 6000000000\n');
  // A producer that escaped only quotes would turn the JSON escape \n into a raw newline: invalid JSON.
  const broken = 'job,function=start_job,cluster=c event="{\\"jobId\\":1,\\"x\\":\\"a\\nb\\"}" 1';
  const r = decodeLineProtocol(broken);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'malformed_json');
});

test('line protocol: malformed input is a typed error, never a throw', () => {
  const cases: Array<[string, string]> = [
    ['job,function=start_job event="{}"', 'malformed_line_protocol'], // no timestamp
    ['job,function=start_job,partition=,type=node event="{}" 1', 'malformed_line_protocol'], // empty tag value
    ['job,function=start_job event="{\\"jobId\\":1 1', 'malformed_line_protocol'], // unterminated string
    ['job,type=node event="{}" 1', 'missing_function'],
    ['job,function=delete_job event="{}" 1', 'unknown_function'],
    ['start_job,cluster=c event="{}" 1', 'no_job_line'], // cc-lib NewJobStartEvent shape is ignored
    ['job,function=start_job event=1i 1', 'no_job_line'],
    ['job,function=stop_job event="{\\"jobId\\":1,\\"jobState\\":\\"completed\\",\\"stopTime\\":2}" 1\njob,function=stop_job event="{\\"jobId\\":2,\\"jobState\\":\\"completed\\",\\"stopTime\\":2}" 1', 'multiple_events'],
    ['job,function=start_job event="{\\"jobId\\":1}" 1', 'invalid_body'],
  ];
  for (const [input, code] of cases) {
    const r = decodeLineProtocol(input);
    assert.equal(r.ok, false, input);
    if (!r.ok) assert.equal(r.error.code, code, input);
  }
});

test('JSON decoding: malformed input is a typed error; unknown meta keys are tolerated', () => {
  const cases: Array<[string, string]> = [
    ['{"event":"start_job"', 'malformed_json'],
    ['[1]', 'not_an_object'],
    ['{"event":"delete_job","version":1}', 'unknown_event'],
    ['{"event":"stop_job","version":2,"jobId":1}', 'unsupported_version'],
    ['{"event":"stop_job","version":1,"jobId":1,"jobState":"completed","stopTime":1,"partition":"x"}', 'invalid_body'],
    ['{"event":"stop_job","version":1,"meta":{"observedAt":"x"},"jobId":1,"jobState":"completed","stopTime":1}', 'invalid_meta'],
  ];
  for (const [input, code] of cases) {
    const r = decodeJson(input);
    assert.equal(r.ok, false, input);
    if (!r.ok) assert.equal(r.error.code, code, input);
  }
  const tolerant = decodeJson('{"event":"stop_job","version":1,"meta":{"futureKey":true},"jobId":1,"cluster":"c","startTime":1,"jobState":"completed","stopTime":1}');
  assert.equal(tolerant.ok, true);
  // writing stays strict
  assert.throws(() => encodeJson({ ...must(tolerant), meta: { futureKey: true } } as unknown as JobEvent), /unknown field "futureKey"/);
});

test('DESIGN §2: subject, Nats-Msg-Id and headers', () => {
  assert.equal(eventSubject('jobs', 'fritz', 'start_job'), 'jobs.fritz.start_job');
  assert.equal(eventMsgId('fritz', 123456, 1733230000, 'stop_job'), 'fritz:123456:1733230000:stop_job');
  for (const bad of ['', 'a.b', 'a b', 'a*', 'a>', 'x\ty']) {
    assert.throws(() => eventSubject('jobs', bad, 'start_job'), (e: Error & { code?: string }) => e.code === 'invalid_cluster_token', JSON.stringify(bad));
  }
  assert.throws(() => eventSubject('jobs..x', 'c', 'start_job'), /subject prefix/);
  const e = startJobEvent(tricky, { observedAt: 1, source: 'ctl' });
  const m = encodeEventMessage(e, { natsSubject: 'jobs' });
  assert.equal(m.subject, 'jobs.fritz.start_job');
  assert.equal(m.headers[HEADER.msgId], 'fritz:4242:1733230000:start_job');
  assert.equal(m.headers[HEADER.event], 'start_job');
  assert.equal(m.headers[HEADER.cluster], 'fritz');
  assert.equal(m.headers[HEADER.jobId], '4242');
  assert.equal(m.headers[HEADER.startTime], '1733230000');
  assert.equal(m.headers[HEADER.contentType], CONTENT_TYPE.json);
  assert.deepEqual(must(decodeEventMessage(m.data, m.headers[HEADER.contentType])), e);
  const lp = encodeEventMessage(e, { natsSubject: 'jobs', format: 'ccmessage' });
  assert.equal(lp.headers[HEADER.contentType], CONTENT_TYPE.lineProtocol);
  assert.equal(lp.msgId, m.msgId, 'the id does not depend on the format');
  // Without headers (the Go adapter sets none), the payload is sniffed.
  assert.deepEqual(must(decodeEventMessage(lp.data)).body, tricky);
  assert.deepEqual(must(decodeEventMessage(m.data)), e);
  const bad = decodeEventMessage(new Uint8Array([0xff, 0xfe, 0x7b]));
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.error.code, 'not_utf8');
});

test('DESIGN §2: the flat JSON body is the cc-backend body plus event, version, meta', () => {
  const e = stopJobEvent({ jobId: 7, cluster: 'fritz', startTime: 10, jobState: 'timeout', stopTime: 20 }, { observedAt: 21, source: 's', partition: 'work' });
  assert.deepEqual(JSON.parse(encodeJson(e)), {
    event: 'stop_job', version: 1, meta: { observedAt: 21, source: 's', partition: 'work' },
    jobId: 7, cluster: 'fritz', startTime: 10, jobState: 'timeout', stopTime: 20,
  });
});
