// The daemon's diff (events.ts) decides "started" and "ended" exactly as the mapping does.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventMsgId, type StopJobBody } from '@cc-slurm-bridge/shared';
import type { SlurmJob } from '../src/slurm/job.js';
import { jobEvents } from '../src/mapping/events.js';
import { hasRun, stopState } from '../src/mapping/state.js';
import { collectNew, FINAL_STATES, hasStarted, isEnded, toEntry, type EventContext } from '../src/events.js';
import { Outbox } from '../src/outbox/outbox.js';

const START = 1733230000;

/** A 1-node job; state and times as given. */
function job(over: Partial<SlurmJob> = {}): SlurmJob {
  return {
    jobId: 77,
    arrayJobId: 0,
    cluster: 'fritz',
    name: 'sim',
    user: 'alice',
    account: 'proj1',
    partition: 'work',
    state: 'RUNNING',
    stateFlags: [],
    submitTime: START - 60,
    startTime: START,
    timeLimit: 60,
    nodeList: 'f0101',
    nodes: ['f0101'],
    nodeCount: 1,
    cpus: 2,
    allocation: [{ hostname: 'f0101', cpus: 2, hwthreads: [0, 1] }],
    sharing: 'unset',
    family: 'ctld',
    parser: 'v0.0.38',
    placeholder: false,
    ...over,
  };
}

const STATES: Array<[string, string[]]> = [
  ['PENDING', []],
  ['PENDING', ['REQUEUED']],
  ['CONFIGURING', []],
  ['RUNNING', []],
  ['RUNNING', ['COMPLETING']],
  ['SUSPENDED', []],
  ['COMPLETING', []],
  ['STAGE_OUT', []],
  ['UNKNOWN', []],
  ['SOMETHING_NEW', []],
  ['COMPLETED', []],
  ['COMPLETED', ['COMPLETING']],
  ['CANCELLED', ['COMPLETING']],
  ['FAILED', []],
  ['TIMEOUT', ['COMPLETING', 'STAGE_OUT']],
  ['NODE_FAIL', []],
  ['PREEMPTED', []],
  ['OUT_OF_MEMORY', []],
  ['BOOT_FAIL', []],
  ['DEADLINE', []],
  ['REQUEUED', []],
  ['REQUEUE_FED', []],
  ['REQUEUE_HOLD', []],
  ['REVOKED', []],
  ['RESV_DEL_HOLD', []],
  ['SPECIAL_EXIT', []],
  ['LAUNCH_FAILED', []],
  ['RECONFIG_FAIL', []],
];

describe('started / ended: one source of truth (mapping/state.ts)', () => {
  test('isEnded is stopState(state, flags).ended for every state', () => {
    for (const [state, flags] of STATES) {
      const j = job({ state, stateFlags: flags, endTime: START + 100 });
      assert.equal(isEnded(j), stopState(state, flags).ended, `${state} ${flags.join(',')}`);
    }
  });
  test('a final state still flagged COMPLETING has ended; a requeued run has ended', () => {
    assert.equal(isEnded(job({ state: 'COMPLETED', stateFlags: ['COMPLETING'], endTime: START + 100 })), true);
    assert.equal(isEnded(job({ state: 'CANCELLED', stateFlags: ['COMPLETING'], endTime: START + 100 })), true);
    assert.equal(isEnded(job({ state: 'REQUEUED', endTime: START + 100 })), true);
    assert.equal(isEnded(job({ state: 'COMPLETING', endTime: START + 100 })), false);
    assert.equal(isEnded(job({ state: 'PENDING', stateFlags: ['REQUEUED'] })), false);
  });
  test('a missing end time does not make an ended job running', () => {
    assert.equal(isEnded(job({ state: 'COMPLETED' })), true);
  });
  test('FINAL_STATES lists exactly the states stopState ends', () => {
    for (const [state] of STATES) assert.equal(FINAL_STATES.has(state), stopState(state).ended, state);
  });
  test('hasStarted is hasRun(state) with a start time', () => {
    for (const [state, flags] of STATES) {
      assert.equal(hasStarted(job({ state, stateFlags: flags })), hasRun(state), state);
      assert.equal(hasStarted(job({ state, stateFlags: flags, startTime: undefined })), false, state);
    }
    assert.equal(hasStarted(job({ state: 'CONFIGURING' })), false);
    assert.equal(hasStarted(job({ state: 'PENDING' })), false, 'a pending start_time is only an estimate');
  });
});

describe('collectNew emits what the mapping produces and the outbox lacks', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ccsb-events-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const ctx: EventContext = { cluster: 'fritz', natsSubject: 'jobs', format: 'json' };
  const startId = eventMsgId('fritz', 77, START, 'start_job');
  const stopId = eventMsgId('fritz', 77, START, 'stop_job');

  test('after the start was emitted, every state the mapping ends gives exactly its stop', async () => {
    let n = 0;
    for (const [state, flags] of STATES) {
      const ob = await Outbox.open(join(dir, `a${n++}`), { fsync: false });
      try {
        const running = jobEvents(job(), { cluster: 'fritz' });
        await ob.add([toEntry(running.events[0]!, ctx)]);
        assert.ok(ob.has(startId));
        const j = job({ state, stateFlags: flags, endTime: START + 100 });
        const got = collectNew([j], ob, ctx);
        const mapped = jobEvents(j, { cluster: 'fritz' }).events.map((e) => e.event);
        const what = `${state} ${flags.join(',')}`;
        const d = stopState(state, flags);
        if (d.ended) {
          assert.deepEqual(mapped, ['start_job', 'stop_job'], what);
          assert.deepEqual(got.entries.map((e) => e.id), [stopId], what);
          const body = JSON.parse(got.entries[0]!.data) as StopJobBody;
          assert.equal(body.stopTime, START + 100, what);
          assert.equal(body.jobState, d.state, what);
        } else {
          assert.ok(!mapped.includes('stop_job'), what);
          assert.deepEqual(got.entries, [], what);
        }
      } finally {
        await ob.close();
      }
    }
  });

  test('an ended job first seen without its start gets start and stop, in order', async () => {
    const ob = await Outbox.open(join(dir, 'b'), { fsync: false });
    try {
      const got = collectNew([job({ state: 'CANCELLED', stateFlags: ['COMPLETING'], endTime: START + 5 })], ob, ctx);
      assert.deepEqual(got.entries.map((e) => e.id), [startId, stopId]);
      assert.equal((JSON.parse(got.entries[1]!.data) as StopJobBody).jobState, 'cancelled');
      await ob.add(got.entries);
      assert.deepEqual(collectNew([job({ state: 'CANCELLED', endTime: START + 5 })], ob, ctx).entries, [], 'nothing new on the next poll');
    } finally {
      await ob.close();
    }
  });

  test('a job that has not run yields nothing and is not mapped', async () => {
    const ob = await Outbox.open(join(dir, 'c'), { fsync: false });
    try {
      const got = collectNew([job({ state: 'CONFIGURING' }), job({ jobId: 78, state: 'PENDING' })], ob, ctx);
      assert.deepEqual(got.entries, []);
      assert.equal(got.mapped, 0);
    } finally {
      await ob.close();
    }
  });
});
