import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readSlurmDocument, readSlurmJobs } from '../src/slurm/read.js';
import { SlurmReadError } from '../src/slurm/job.js';
import { jobEvents } from '../src/mapping/events.js';

const fixture = (f: string) => readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8');

function readOk(text: string) {
  const r = readSlurmJobs(text);
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('malformed input is a typed error result, never a throw', () => {
  test('truncated real squeue output', () => {
    const text = fixture('24.05/slurmrestd-v0.0.41-jobs-14jobs.json');
    const r = readSlurmJobs(text.slice(0, Math.floor(text.length / 2)));
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.ok(r.error instanceof SlurmReadError);
    assert.equal(r.error.code, 'malformed_json');
  });
  test('empty input and whitespace', () => {
    for (const t of ['', '   \n']) {
      const r = readSlurmJobs(t);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, 'malformed_json');
        assert.match(r.error.message, /empty/);
      }
    }
  });
  test('documents that are not job lists', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"meta":{"plugin":{"type":"openapi/v0.0.38"}},"errors":[],"nodes":[{"name":"node1","state":"idle"}]}', /node list/],
      ['{"sinfo":[],"meta":{}}', /sinfo/],
      ['{"meta":{},"errors":[]}', /no "jobs" array/],
      ['{"jobs":{"1":{}}}', /no "jobs" array/],
      ['42', /number/],
      ['null', /null/],
      ['"jobs"', /string/],
      ['{"jobs":[1,2,3]}', /no objects/],
      ['{"jobs":[{"foo":1},{"bar":2}]}', /neither job_id/],
    ];
    for (const [text, msg] of cases) {
      const r = readSlurmJobs(text);
      assert.equal(r.ok, false, text);
      if (!r.ok) {
        assert.equal(r.error.code, 'not_a_job_list', text);
        assert.match(r.error.message, msg, text);
      }
    }
  });
  test('an empty job list is fine', () => {
    const v = readOk(fixture('23.11/sacct-mantis-empty.json'));
    assert.deepEqual(v.jobs, []);
    assert.equal(v.family, 'db');
    assert.equal(v.parser, 'v0.0.40');
  });
});

describe('missing and unknown fields give warnings, not crashes', () => {
  test('a ctld record with only a job id and a state', () => {
    const v = readOk(JSON.stringify({ jobs: [{ job_id: 5, job_state: ['RUNNING'] }] }));
    assert.equal(v.jobs.length, 1);
    const j = v.jobs[0]!;
    assert.equal(j.jobId, 5);
    assert.equal(j.state, 'RUNNING');
    assert.equal(j.family, 'ctld');
    assert.deepEqual(j.nodes, []);
    assert.deepEqual(v.warnings.map((w) => [w.jobId, w.field]), [[5, 'user_name']]);
    // and the mapping skips it, with a reason, without throwing
    const m = jobEvents(j, { cluster: 'c' });
    assert.deepEqual(m.events, []);
    assert.match(m.skipped ?? '', /no start time/);
  });
  test('a record without a state is UNKNOWN with a warning', () => {
    const v = readOk(JSON.stringify({ jobs: [{ job_id: 9, user_name: 'u', submit_time: 1 }] }));
    assert.equal(v.jobs[0]?.state, 'UNKNOWN');
    assert.deepEqual(v.warnings.map((w) => w.field), ['job_state']);
  });
  test('a record without job_id is left out with a warning; the others are read', () => {
    const v = readOk(JSON.stringify({ jobs: [{ job_state: 'RUNNING', user_name: 'x' }, { job_id: 'abc' }, 'junk', { job_id: 7, job_state: 'PENDING', user_name: 'y' }] }));
    assert.deepEqual(v.jobs.map((j) => j.jobId), [7]);
    assert.deepEqual(v.warnings.map((w) => w.field), ['jobs[0].job_id', 'jobs[1].job_id', 'jobs[2]']);
  });
  test('a db record without user and time', () => {
    const v = readOk(JSON.stringify({ jobs: [{ job_id: 3, state: { current: ['COMPLETED'] }, nodes: 'n[1-2]' }] }));
    const j = v.jobs[0]!;
    assert.equal(j.family, 'db');
    assert.deepEqual(j.nodes, ['n1', 'n2']);
    assert.deepEqual(v.warnings.map((w) => w.field).sort(), ['time', 'user']);
    const m = jobEvents(j, { cluster: 'c' });
    assert.deepEqual(m.events, []);
  });
  test('unreadable values: hostlist, job_resources layout, time limit, TRES, GRES', () => {
    const v = readOk(
      JSON.stringify({
        jobs: [
          {
            job_id: 11,
            job_state: 'RUNNING',
            user_name: 'u',
            start_time: 100,
            nodes: 'n[1-',
            job_resources: { something: 'else' },
            time_limit: 'soon',
            tres_alloc_str: 'cpu=2,bogus',
            gres_detail: ['gpu:2(IDX:0-1),???'],
          },
        ],
      }),
    );
    const fields = v.warnings.map((w) => w.field).sort();
    // gres_detail: one entry, but no usable node list to pair it with
    assert.deepEqual(fields, ['gres_detail', 'job_resources', 'nodes', 'time_limit', 'tres_alloc_str']);
    const j = v.jobs[0]!;
    assert.deepEqual(j.nodes, []);
    assert.equal(j.timeLimit, undefined);
    assert.deepEqual(j.tresAlloc, { cpu: 2 });
  });
  test('unknown keys are ignored; wrong types of known keys do not crash', () => {
    const v = readOk(
      JSON.stringify({
        jobs: [
          {
            job_id: 12,
            job_state: ['RUNNING', 'SOMETHING_NEW'],
            user_name: ['weird'],
            account: 42,
            partition: { x: 1 },
            start_time: { set: true, infinite: false, number: 1000 },
            end_time: 'later',
            nodes: 'n1',
            cpus: 'many',
            job_resources: { nodes: { allocation: [{ name: 'n1', sockets: 'x' }, 7] } },
            gres_detail: 'not a list',
            shared: { odd: true },
            a_future_field: { nested: [1, 2, 3] },
          },
        ],
      }),
    );
    const j = v.jobs[0]!;
    assert.equal(j.user, 'weird');
    assert.equal(j.account, undefined);
    assert.equal(j.partition, undefined);
    assert.equal(j.startTime, 1000);
    assert.equal(j.endTime, undefined);
    assert.deepEqual(j.stateFlags, ['SOMETHING_NEW']);
    assert.deepEqual(j.allocation, [{ hostname: 'n1' }]);
    assert.equal(j.sharing, 'unset');
    assert.ok(v.warnings.some((w) => w.field.startsWith('job_resources.nodes.allocation')));
    const m = jobEvents(j, { cluster: 'c' });
    assert.equal(m.events.length, 1);
    assert.equal(m.events[0]?.event, 'start_job');
  });
  test('Slurm errors and warnings in the document are passed on as warnings', () => {
    const v = readOk(JSON.stringify({ jobs: [], errors: [{ description: 'Unable to query JobId=99', error_number: 2017 }], warnings: [{ description: 'w1' }] }));
    assert.deepEqual(
      v.warnings.map((w) => [w.field, w.message]),
      [
        ['errors', 'Slurm reported an error: Unable to query JobId=99'],
        ['warnings', 'Slurm reported a warning: w1'],
      ],
    );
  });
});

describe('dispatch on meta, sniffing without it', () => {
  test('jobs without meta (bare object and bare array) are read by sniffing', () => {
    const doc = JSON.parse(fixture('24.11/slurmrestd-v0.0.42-jobs-firecrest-1job.json')) as { jobs: unknown[] };
    const a = readOk(JSON.stringify({ jobs: doc.jobs }));
    const b = readOk(JSON.stringify(doc.jobs));
    for (const v of [a, b]) {
      assert.equal(v.family, 'ctld');
      assert.equal(v.parser, 'v0.0.42');
      assert.equal(v.slurmVersion, undefined);
      assert.equal(v.jobs[0]?.jobId, 14);
      assert.deepEqual(v.jobs[0]?.nodes, ['localhost']);
    }
    const db = JSON.parse(fixture('22.05-testcluster/sacct-j-ok.json')) as { jobs: unknown[] };
    const c = readOk(JSON.stringify(db.jobs));
    assert.equal(c.family, 'db');
    assert.equal(c.parser, 'v0.0.38');
    assert.equal(c.jobs[0]?.state, 'COMPLETED');
  });
  test('sniffed parser of each version from records alone', () => {
    const cases: Array<[string, string]> = [
      ['21.08/squeue-rivos-2jobs-SPLICED.json', 'v0.0.37'],
      ['22.05-testcluster/squeue-mixed.json', 'v0.0.38'],
      ['23.02/slurmrestd-job-running.json', 'v0.0.39'],
      ['23.11/slurmrestd-job-gpus-multinode.json', 'v0.0.40'],
      ['24.05/slurmrestd-v0.0.41-job-gpus-multinode.json', 'v0.0.41'],
      ['24.11/slurmrestd-v0.0.42-job-gpus-multinode.json', 'v0.0.42'],
      ['25.05/slurmrestd-v0.0.43-job-gpus-multinode.json', 'v0.0.43'],
      ['25.11/slurmrestd-v0.0.44-job-gpus-multinode.json', 'v0.0.44'],
      ['24.11/slurmrestd-v0.0.40-jobs-firecrest-2jobs.json', 'v0.0.40'],
      ['25.11/slurmrestd-v0.0.41-jobs-17jobs.json', 'v0.0.41'],
    ];
    for (const [f, want] of cases) {
      const doc = JSON.parse(fixture(f)) as { jobs: unknown[] };
      const v = readOk(JSON.stringify({ jobs: doc.jobs }));
      assert.equal(v.parser, want, f);
    }
  });
  test('the spliced 21.08 file: the v0.0.39-shaped record is read by its types, with a warning', () => {
    const v = readOk(fixture('21.08/squeue-rivos-2jobs-SPLICED.json'));
    assert.equal(v.parser, 'v0.0.37');
    const [a, b] = v.jobs;
    assert.equal(a?.parser, 'v0.0.37');
    assert.equal(b?.parser, 'v0.0.39');
    assert.equal(b?.arrayJobId, 58948420);
    assert.equal(b?.arrayTaskString, '1-10');
    assert.equal(b?.timeLimit, 1439);
    assert.equal(b?.sharing, 'oversubscribe');
    assert.ok(v.warnings.some((w) => w.jobId === 58948420 && w.field === 'meta'));
  });
  test('meta in all its forms', () => {
    assert.equal(readOk(fixture('23.02/sacct-1job.json')).parser, 'v0.0.39'); // meta.plugins.data_parser
    assert.equal(readOk(fixture('23.02/slurmrestd-job-running.json')).parser, 'v0.0.39'); // meta.plugin.data_parser "v0.0.39"
    assert.equal(readOk(fixture('22.05/slurmdb-job-firecrest-1job.json')).parser, 'v0.0.38'); // meta.plugin.type openapi/dbv0.0.38
    const v = readOk(fixture('25.05/slurmrestd-v0.0.43-job-pending.json'));
    assert.equal(v.slurmVersion, '25.05.4');
    assert.equal(v.metaCluster, 'hpc');
    assert.equal(readOk(fixture('23.11/sacct-mila-1job.json')).family, 'db'); // plugin.type "" → command
  });
  test('opts.cluster fills records without a cluster', () => {
    const r = readSlurmJobs(JSON.stringify({ jobs: [{ job_id: 1, job_state: 'PENDING', user_name: 'u' }] }), { cluster: 'fritz' });
    assert.ok(r.ok);
    if (r.ok) assert.equal(r.value.jobs[0]?.cluster, 'fritz');
  });
});

describe('readSlurmDocument leaves a parsed document as it was', () => {
  test('same jobs and warnings as readSlurmJobs, document unchanged', () => {
    for (const f of ['24.05/slurmrestd-v0.0.41-jobs-14jobs.json', '21.08/squeue-rivos-2jobs-SPLICED.json', '22.05-testcluster/sacct-all.json', '23.02/slurmrestd-jobs-30jobs.json']) {
      const text = fixture(f);
      const doc: unknown = JSON.parse(text);
      const before = structuredClone(doc);
      const r = readSlurmDocument(doc);
      assert.ok(r.ok, f);
      assert.deepEqual(doc, before, f);
      assert.deepEqual(r, readSlurmJobs(text), f);
    }
  });
});
