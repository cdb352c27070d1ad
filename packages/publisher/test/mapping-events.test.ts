import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FINAL_JOB_STATES, validateEvent, type StartJobBody, type StopJobBody } from '@cc-slurm-bridge/shared';
import type { SlurmJob } from '../src/slurm/job.js';
import { readSlurmJobs } from '../src/slurm/read.js';
import { jobEvents, sharedFor, type MappingOptions } from '../src/mapping/events.js';
import { stopState } from '../src/mapping/state.js';

/** A completed 2-node job, as a reader would produce it. */
function job(over: Partial<SlurmJob> = {}): SlurmJob {
  return {
    jobId: 1234,
    arrayJobId: 0,
    cluster: 'fritz',
    name: 'sim',
    user: 'alice',
    userId: 1001,
    group: 'users',
    account: 'proj1',
    partition: 'work',
    qos: 'normal',
    state: 'COMPLETED',
    stateFlags: [],
    stateReason: 'None',
    submitTime: 1733229000,
    eligibleTime: 1733229000,
    startTime: 1733230000,
    endTime: 1733240000,
    timeLimit: 1440,
    nodeList: 'f[0101-0102]',
    nodes: ['f0101', 'f0102'],
    nodeCount: 2,
    cpus: 4,
    allocation: [
      { hostname: 'f0101', cpus: 2, hwthreads: [0, 1], gpus: 2, gpuIndices: [0, 1] },
      { hostname: 'f0102', cpus: 2, hwthreads: [0, 72], gpus: 1, gpuIndices: [3] },
    ],
    gpuCount: 3,
    sharing: 'unset',
    workDir: '/home/alice',
    tresAlloc: { cpu: 4, mem: 8192, node: 2, 'gres/gpu': 3 },
    family: 'ctld',
    parser: 'v0.0.42',
    placeholder: false,
    ...over,
  };
}

const start = (j: SlurmJob, opts: MappingOptions = { cluster: 'fritz' }) => {
  const m = jobEvents(j, opts);
  assert.equal(m.events[0]?.event, 'start_job', m.skipped);
  return m.events[0]!.body as StartJobBody;
};
const stopOf = (j: SlurmJob) => {
  const m = jobEvents(j, { cluster: 'fritz' });
  return { body: m.events[1]?.body as StopJobBody | undefined, m };
};

describe('jobEvents: start and stop bodies', () => {
  test('a completed job gives exactly these two events', () => {
    const m = jobEvents(job({ jobScript: '#!/bin/bash\nsrun sim' }), { cluster: 'fritz', source: 'slurmctl1', observedAt: 1733240001 });
    assert.deepEqual(m.warnings, []);
    assert.equal(m.skipped, undefined);
    assert.equal(m.events.length, 2);
    const [s, e] = m.events;
    assert.deepEqual(s, {
      event: 'start_job',
      version: 1,
      meta: { observedAt: 1733240001, source: 'slurmctl1' },
      body: {
        jobId: 1234,
        cluster: 'fritz',
        user: 'alice',
        project: 'proj1',
        partition: 'work',
        startTime: 1733230000,
        walltime: 86400,
        numNodes: 2,
        numHwthreads: 4,
        numAcc: 3,
        shared: 'multi_user',
        arrayJobId: 0,
        resources: [
          { hostname: 'f0101', hwthreads: [0, 1] },
          { hostname: 'f0102', hwthreads: [0, 72] },
        ],
        metaData: {
          jobName: 'sim',
          jobScript: '#!/bin/bash\nsrun sim',
          submitTime: '1733229000',
          slurmInfo: [
            'JobId=1234 JobName=sim',
            '   UserId=alice(1001) GroupId=users Account=proj1 QOS=normal',
            '   SubmitTime=2024-12-03T12:30:00 EligibleTime=2024-12-03T12:30:00 StartTime=2024-12-03T12:46:40',
            '   TimeLimit=1-00:00:00',
            '   Partition=work NodeList=f[0101-0102]',
            '   NumNodes=2 NumCPUs=4 NumGPUs=3',
            '   AllocTRES=cpu=4,mem=8G,node=2,gres/gpu=3',
            '   WorkDir=/home/alice',
          ].join('\n'),
        },
      },
    });
    assert.deepEqual(e, {
      event: 'stop_job',
      version: 1,
      meta: { observedAt: 1733240001, source: 'slurmctl1', partition: 'work' },
      body: { jobId: 1234, cluster: 'fritz', startTime: 1733230000, jobState: 'completed', stopTime: 1733240000 },
    });
    for (const ev of m.events) assert.ok(validateEvent(ev).ok);
  });

  test('a running job gives only the start event', () => {
    const m = jobEvents(job({ state: 'RUNNING', endTime: 1733316400 }), { cluster: 'fritz' });
    assert.deepEqual(m.events.map((e) => e.event), ['start_job']);
    const m2 = jobEvents(job({ state: 'SUSPENDED' }), { cluster: 'fritz' });
    assert.deepEqual(m2.events.map((e) => e.event), ['start_job']);
  });

  test('array task: its own id, the master as arrayJobId; slurmInfo names both', () => {
    const b = start(job({ jobId: 17, arrayJobId: 5, arrayTaskId: 1 }));
    assert.equal(b.jobId, 17);
    assert.equal(b.arrayJobId, 5);
    assert.match(b.metaData?.['slurmInfo'] ?? '', /^   ArrayJobId=5 ArrayTaskId=1$/m);
  });

  test('walltime in seconds; UNLIMITED and unknown leave it out; the backfill 365-day limit stays', () => {
    assert.equal(start(job({ timeLimit: 60 })).walltime, 3600);
    assert.equal(start(job({ timeLimit: 525600 })).walltime, 31536000);
    assert.equal('walltime' in start(job({ timeLimit: 'infinite' })), false);
    assert.equal('walltime' in start(job({ timeLimit: undefined })), false);
  });

  test('shared from the sharing mode', () => {
    assert.equal(start(job({ sharing: 'exclusive' })).shared, 'none');
    assert.equal(start(job({ sharing: 'topo' })).shared, 'none');
    assert.equal(start(job({ sharing: 'user' })).shared, 'single_user');
    assert.equal(start(job({ sharing: 'mcs' })).shared, 'multi_user');
    assert.equal(start(job({ sharing: 'oversubscribe' })).shared, 'multi_user');
    assert.equal(start(job({ sharing: 'unset' })).shared, 'multi_user');
    assert.equal(sharedFor('exclusive'), 'none');
  });

  test('numHwthreads: hwthreads when every node has them, else per-node CPUs, else the job CPUs', () => {
    assert.equal(start(job()).numHwthreads, 4);
    const noHw = job({ allocation: [{ hostname: 'f0101', cpus: 3 }, { hostname: 'f0102', cpus: 5 }] });
    assert.equal(start(noHw).numHwthreads, 8);
    const bare = job({ cpus: 6, allocation: [{ hostname: 'f0101' }, { hostname: 'f0102', hwthreads: [1] }] });
    const b = start(bare);
    assert.equal(b.numHwthreads, 6);
    assert.deepEqual(b.resources, [{ hostname: 'f0101' }, { hostname: 'f0102', hwthreads: [1] }]);
  });

  test('numAcc 0 when the GPU count is unknown', () => {
    assert.equal(start(job({ gpuCount: undefined })).numAcc, 0);
  });

  test('resources from the node list when there is no allocation detail (db records)', () => {
    const b = start(job({ family: 'db', allocation: [], nodes: ['n1', 'n2', 'n3'], nodeCount: 3 }));
    assert.equal(b.numNodes, 3);
    assert.deepEqual(b.resources, [{ hostname: 'n1' }, { hostname: 'n2' }, { hostname: 'n3' }]);
  });

  test('includeJobScript: false leaves the script out', () => {
    const m = jobEvents(job({ jobScript: 'x' }), { cluster: 'fritz', includeJobScript: false });
    assert.equal((m.events[0]?.body as StartJobBody).metaData?.['jobScript'], undefined);
  });
});

describe('jobEvents: what is not sent', () => {
  test('pending, configuring, never started', () => {
    for (const j of [
      job({ state: 'PENDING', nodes: [], allocation: [] }),
      job({ state: 'PENDING' }), // a pending record with an expected start time and scheduled nodes
      job({ state: 'CONFIGURING' }),
      job({ state: 'CANCELLED', startTime: undefined, nodes: [], allocation: [] }),
      job({ state: 'CANCELLED', startTime: 1762788986, endTime: 1762788986, nodes: [], allocation: [] }), // 25.05: cancelled while pending
    ]) {
      const m = jobEvents(j, { cluster: 'fritz' });
      assert.deepEqual(m.events, []);
      assert.ok(m.skipped);
    }
  });
  test('G1 placeholder db records are skipped as incomplete', () => {
    const m = jobEvents(job({ family: 'db', name: 'allocation', partition: undefined, placeholder: true }), { cluster: 'fritz' });
    assert.deepEqual(m.events, []);
    assert.match(m.skipped ?? '', /incomplete/);
  });
  test('no user', () => {
    const m = jobEvents(job({ user: undefined }), { cluster: 'fritz' });
    assert.deepEqual(m.events, []);
    assert.equal(m.skipped, 'no user');
    assert.deepEqual(m.warnings.map((w) => w.field), ['user']);
  });
  test('an invalid cluster name', () => {
    const m = jobEvents(job(), { cluster: 'a.b' });
    assert.deepEqual(m.events, []);
    assert.equal(m.skipped, 'invalid cluster name');
  });
  test('a job that cannot give a valid body is skipped with a warning, not thrown', () => {
    const m = jobEvents(job({ jobId: 1.5 }), { cluster: 'fritz' });
    assert.deepEqual(m.events, []);
    assert.equal(m.skipped, 'invalid start_job');
    assert.match(m.warnings[0]?.message ?? '', /jobId/);
  });
});

describe('jobEvents: ignoreHosts', () => {
  test('matching hosts are dropped, sizes follow the remaining nodes', () => {
    const b = start(job(), { cluster: 'fritz', ignoreHosts: '^f0102$' });
    assert.deepEqual(b.resources, [{ hostname: 'f0101', hwthreads: [0, 1] }]);
    assert.equal(b.numNodes, 1);
    assert.equal(b.numHwthreads, 2);
    assert.equal(b.numAcc, 2);
  });
  test('a job on ignored hosts only is not sent', () => {
    const m = jobEvents(job(), { cluster: 'fritz', ignoreHosts: '^f01' });
    assert.deepEqual(m.events, []);
    assert.match(m.skipped ?? '', /ignoreHosts/);
  });
  test('an invalid regex is reported and ignored', () => {
    const m = jobEvents(job(), { cluster: 'fritz', ignoreHosts: '([' });
    assert.equal(m.events.length, 2);
    assert.deepEqual(m.warnings.map((w) => w.field), ['ignoreHosts']);
  });
});

describe('jobEvents: accelerators through gpuPciAddrs', () => {
  const addrs = ['0000:01:00.0', '0000:41:00.0', '0000:81:00.0', '0000:c1:00.0'];
  test('first matching regex wins; index i → addrs[i]', () => {
    const b = start(job(), { cluster: 'fritz', gpuPciAddrs: { '^f0101$': addrs, '^f01': ['x', 'y', 'z', 'w'] } });
    assert.deepEqual(b.resources, [
      { hostname: 'f0101', hwthreads: [0, 1], accelerators: ['0000:01:00.0', '0000:41:00.0'] },
      { hostname: 'f0102', hwthreads: [0, 72], accelerators: ['w'] },
    ]);
  });
  test('an index beyond the list and a host without a matching regex are warnings', () => {
    const m = jobEvents(job(), { cluster: 'fritz', gpuPciAddrs: { '^f0102$': ['a', 'b'] } });
    const b = m.events[0]?.body as StartJobBody;
    assert.deepEqual(b.resources, [
      { hostname: 'f0101', hwthreads: [0, 1] },
      { hostname: 'f0102', hwthreads: [0, 72] },
    ]);
    assert.deepEqual(m.warnings.map((w) => w.message), [
      'no gpuPciAddrs entry matches host f0101, which has GPUs 0,1; accelerators left out',
      'host f0102: GPU index 3 has no PCI address (the list has 2); left out',
    ]);
  });
  test('a real 24.11 multi-node job with two GPU types', () => {
    const text = readFileSync(new URL('./fixtures/24.11/slurmrestd-v0.0.42-job-gpus-multinode.json', import.meta.url), 'utf8');
    const r = readSlurmJobs(text);
    assert.ok(r.ok);
    if (!r.ok) return;
    const j = r.value.jobs[0]!;
    // gres_detail: ["gpu:h100:2(IDX:0-1),gpu:h200:4(IDX:2-5)", same] on ia[1-2]
    const b = start(j, { cluster: 'hpc', gpuPciAddrs: { '^ia\\d+$': ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'] } });
    assert.equal(b.jobId, 6371);
    assert.equal(b.numAcc, 12);
    assert.deepEqual(b.resources, [
      { hostname: 'ia1', hwthreads: [0], accelerators: ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'] },
      { hostname: 'ia2', hwthreads: [0], accelerators: ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'] },
    ]);
  });
});

describe('stop state mapping', () => {
  const cases: Array<[string, string]> = [
    ['COMPLETED', 'completed'],
    ['FAILED', 'failed'],
    ['CANCELLED', 'cancelled'],
    ['TIMEOUT', 'timeout'],
    ['NODE_FAIL', 'node_fail'],
    ['OUT_OF_MEMORY', 'out_of_memory'],
    ['PREEMPTED', 'preempted'],
    ['BOOT_FAIL', 'boot_fail'],
    ['DEADLINE', 'deadline'],
  ];
  test('the nine direct states, without warnings', () => {
    for (const [slurm, cc] of cases) {
      const { body, m } = stopOf(job({ state: slurm }));
      assert.equal(body?.jobState, cc, slurm);
      assert.deepEqual(m.warnings, [], slurm);
    }
  });
  test('other terminal states become a valid state with a warning', () => {
    const subs: Array<[string, string]> = [
      ['REQUEUED', 'cancelled'],
      ['REQUEUE_FED', 'cancelled'],
      ['REQUEUE_HOLD', 'cancelled'],
      ['REVOKED', 'cancelled'],
      ['RESV_DEL_HOLD', 'cancelled'],
      ['SPECIAL_EXIT', 'failed'],
      ['LAUNCH_FAILED', 'failed'],
    ];
    for (const [slurm, cc] of subs) {
      const { body, m } = stopOf(job({ state: slurm }));
      assert.equal(body?.jobState, cc, slurm);
      assert.equal(m.warnings.length, 1, slurm);
      assert.match(m.warnings[0]?.message ?? '', new RegExp(`${slurm} mapped to ${cc}`));
    }
  });
  test('flags after a base state do not change it', () => {
    assert.equal(stopOf(job({ state: 'CANCELLED', stateFlags: ['COMPLETING'] })).body?.jobState, 'cancelled');
  });
  test('never running/pending/suspended on stop: not-ended and unknown states give no stop', () => {
    for (const s of ['RUNNING', 'SUSPENDED', 'COMPLETING', 'STAGE_OUT', 'RESIZING', 'STOPPED', 'SIGNALING', 'SOMETHING_NEW']) {
      const { body, m } = stopOf(job({ state: s }));
      assert.equal(body, undefined, s);
      assert.equal(m.events.length, 1, s);
    }
    assert.deepEqual(stopOf(job({ state: 'SOMETHING_NEW' })).m.warnings.map((w) => w.field), ['state']);
  });
  test('every ended decision is one of the final cc-backend states', () => {
    const all = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'REVOKED', 'RESV_DEL_HOLD', 'SPECIAL_EXIT', 'LAUNCH_FAILED', 'RECONFIG_FAIL', 'PENDING', 'RUNNING', 'SUSPENDED', 'X'];
    for (const s of all) {
      const d = stopState(s);
      if (d.ended) assert.ok((FINAL_JOB_STATES as readonly string[]).includes(d.state), s);
    }
  });
  test('stopTime before startTime is clamped, with a warning', () => {
    const { body, m } = stopOf(job({ endTime: 1733229999 }));
    assert.equal(body?.stopTime, 1733230000);
    assert.equal(body?.startTime, 1733230000);
    assert.deepEqual(m.warnings.map((w) => w.field), ['endTime']);
  });
  test('an ended job without an end time: observedAt, else no stop', () => {
    const m = jobEvents(job({ endTime: undefined }), { cluster: 'fritz', observedAt: 1733250000 });
    assert.equal((m.events[1]?.body as StopJobBody).stopTime, 1733250000);
    assert.equal(m.warnings.length, 1);
    const m2 = jobEvents(job({ endTime: undefined }), { cluster: 'fritz' });
    assert.deepEqual(m2.events.map((e) => e.event), ['start_job']);
    assert.match(m2.warnings[0]?.message ?? '', /no end time; no stop_job/);
  });
  test('the stop always carries startTime and cluster', () => {
    const { body } = stopOf(job({ state: 'TIMEOUT' }));
    assert.deepEqual(Object.keys(body ?? {}).sort(), ['cluster', 'jobId', 'jobState', 'startTime', 'stopTime']);
  });
});
