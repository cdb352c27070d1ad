import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, appendFileSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox, type OutboxEntry } from '../src/outbox/outbox.js';
import { encodeFrame, encodeFrames, readFrames } from '../src/outbox/framing.js';
import { crc32 } from 'node:zlib';

function entry(jobId: number, event: 'start_job' | 'stop_job' = 'start_job', at = Date.now()): OutboxEntry {
  const id = `c1:${jobId}:1000:${event}`;
  return { id, subject: `jobs.c1.${event}`, headers: { 'Nats-Msg-Id': id }, data: `{"jobId":${jobId}}`, event, cluster: 'c1', jobKey: `c1:${jobId}:1000`, time: event === 'start_job' ? 1000 : 2000 + jobId, at };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'ccsb-outbox-'));
}

test('framing: round trip, and a torn or corrupt tail is cut off', () => {
  const a = encodeFrame({ t: 1 });
  const b = encodeFrame({ t: 2, s: 'x'.repeat(100) });
  const whole = Buffer.concat([a, b]);
  assert.deepEqual(readFrames(whole).records, [{ t: 1 }, { t: 2, s: 'x'.repeat(100) }]);
  for (let cut = a.length; cut < whole.length; cut++) {
    const r = readFrames(whole.subarray(0, cut));
    assert.deepEqual(r.records, [{ t: 1 }]);
    assert.equal(r.goodLength, a.length);
    assert.equal(r.torn, cut !== a.length);
  }
  const corrupt = Buffer.from(whole);
  corrupt[a.length + 12] = corrupt[a.length + 12]! ^ 0xff;
  assert.deepEqual(readFrames(corrupt).records, [{ t: 1 }]);
});

test('framing: several records in one buffer are the frames one by one (multi-byte UTF-8 too)', () => {
  const recs = [{ t: 'a', s: 'ünïcødé ✓ 🚀 "q" \\ \n' }, { t: 'k', ids: ['x:1:2:start_job'] }, {}, { t: 's', s: '' }];
  const whole = encodeFrames(recs);
  assert.deepEqual(whole, Buffer.concat(recs.map((r) => encodeFrame(r))));
  assert.deepEqual(readFrames(whole).records, recs);
  assert.equal(readFrames(whole).goodLength, whole.length);
  const one = encodeFrame(recs[0]);
  const payload = Buffer.from(JSON.stringify(recs[0]), 'utf8');
  assert.equal(one.readUInt32LE(0), payload.length);
  assert.equal(one.readUInt32LE(4), crc32(payload));
  assert.deepEqual(one.subarray(8), payload);
  assert.equal(encodeFrames([]).length, 0);
});

test('outbox: pending survives reopen; acked leaves the outbox but stays emitted', async () => {
  const dir = tmp();
  try {
    const ob = await Outbox.open(dir);
    const fresh = await ob.add([entry(1), entry(2), entry(1, 'stop_job')]);
    assert.equal(fresh.length, 3);
    assert.equal((await ob.add([entry(1)])).length, 0, 'already emitted');
    await ob.ack([entry(1).id]);
    assert.equal(ob.depth, 2);
    await ob.close();

    const ob2 = await Outbox.open(dir);
    assert.equal(ob2.depth, 2);
    assert.deepEqual([...ob2.pending()].map((e) => e.id), [entry(2).id, entry(1, 'stop_job').id]);
    assert.ok(ob2.has(entry(1).id), 'acked event remembered');
    assert.equal((await ob2.add([entry(1)])).length, 0);
    assert.equal(ob2.minPendingTime('c1', 'stop_job'), 2001);
    await ob2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('outbox: a torn tail (kill -9 mid-write) loses only the torn record and is truncated', async () => {
  const dir = tmp();
  try {
    const ob = await Outbox.open(dir);
    await ob.add([entry(1), entry(2)]);
    await ob.close();
    const file = join(dir, 'outbox.journal');
    const good = statSync(file).size;
    const frame = encodeFrame({ t: 'a', e: entry(3) });
    appendFileSync(file, frame.subarray(0, frame.length - 5));
    const ob2 = await Outbox.open(dir);
    assert.equal(ob2.depth, 2);
    assert.equal(statSync(file).size, good);
    await ob2.add([entry(3)]);
    await ob2.close();
    const ob3 = await Outbox.open(dir);
    assert.equal(ob3.depth, 3);
    await ob3.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('outbox: compaction keeps pending and emitted, prunes old emitted entries, survives a stale temp file', async () => {
  const dir = tmp();
  let now = 1_000_000_000_000;
  try {
    const ob = await Outbox.open(dir, { retentionSec: 3600, now: () => now, compactMinBytes: 1 << 30 });
    const es = Array.from({ length: 500 }, (_, i) => entry(i, 'start_job', now));
    await ob.add(es);
    await ob.ack(es.slice(0, 400).map((e) => e.id));
    const before = statSync(join(dir, 'outbox.journal')).size;
    await ob.compact();
    assert.ok(statSync(join(dir, 'outbox.journal')).size < before);
    assert.equal(ob.depth, 100);
    assert.ok(ob.has(es[0]!.id));
    now += 2 * 3600 * 1000;
    ob.touch(es[1]!.id); // still seen: kept
    await ob.compact();
    assert.ok(!ob.has(es[0]!.id), 'pruned after retention');
    assert.ok(ob.has(es[1]!.id), 'touched entry kept');
    assert.ok(ob.has(es[450]!.id), 'pending entries are never pruned');
    await ob.close();
    writeFileSync(join(dir, 'outbox.journal.tmp'), 'garbage');
    const ob2 = await Outbox.open(dir, { retentionSec: 3600, now: () => now });
    assert.equal(ob2.depth, 100);
    assert.ok(ob2.has(es[1]!.id));
    assert.ok(!ob2.has(es[0]!.id));
    await ob2.close();
    assert.ok(readFileSync(join(dir, 'outbox.journal')).length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('outbox: concurrent adds share group commits and all become durable', async () => {
  const dir = tmp();
  try {
    const ob = await Outbox.open(dir);
    const durable: string[] = [];
    ob.onDurable((es) => durable.push(...es.map((e) => e.id)));
    await Promise.all(Array.from({ length: 50 }, (_, i) => ob.add([entry(i)])));
    assert.equal(durable.length, 50);
    await ob.close();
    const ob2 = await Outbox.open(dir);
    assert.equal(ob2.depth, 50);
    await ob2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
