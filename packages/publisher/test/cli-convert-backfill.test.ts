// `convert` and `backfill` through the CLI entry (in-process main(), same code as the binary).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli-main.js';
import { startNatsServer } from '../../../test/harness/nats-server.js';
import { StandinScenario, STANDIN_BIN_DIR } from '../../../test/slurm-standins/scenario.js';
import { readStream, testConfigRaw } from './helpers.js';

async function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'cc-slurm-publisher', ...args], { out: (s) => (out += s), err: (s) => (err += s), env });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'ccsb-cli-'));

test('convert: one wire-format-v1 JSON object per line on stdout, nothing else', async () => {
  const sc = new StandinScenario();
  const now = Math.floor(Date.now() / 1000);
  sc.write({ slurm: '22.05', minJobAge: 100_000, jobs: [{ id: 1, state: 'RUNNING', start: now - 100, nodes: ['node1'] }, { id: 2, state: 'COMPLETED', start: now - 200, end: now - 50, nodes: ['node2', 'node3'] }, { id: 3, state: 'PENDING' }] });
  const env = { ...process.env, ...sc.env(), TZ: 'UTC' };
  const squeue = join(dir, 'squeue.json');
  writeFileSync(squeue, execFileSync(join(STANDIN_BIN_DIR, 'squeue'), ['--json'], { env }));
  const sacct = join(dir, 'sacct.json');
  writeFileSync(sacct, execFileSync(join(STANDIN_BIN_DIR, 'sacct'), ['--json', '-a', '-X', '-j', '1,2'], { env }));
  const r = await cli(['convert', '--cluster', 'testcluster', '--squeue', squeue, '--sacct', sacct]);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  const events = lines.map((l) => JSON.parse(l) as { event: string; jobId: number; version: number });
  assert.ok(events.every((e) => e.version === 1));
  assert.deepEqual(events.map((e) => `${e.jobId}:${e.event}`).sort(), ['1:start_job', '2:start_job', '2:stop_job']);
  sc.cleanup();
});

test('convert: malformed input exits non-zero with a clear message and prints nothing', async () => {
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"jobs": [ {"job_id": 1,');
  const r = await cli(['convert', '--cluster', 'testcluster', '--squeue', bad]);
  assert.notEqual(r.code, 0);
  assert.equal(r.out, '');
  assert.match(r.err, /squeue file .*bad\.json/);
  const r2 = await cli(['convert', '--cluster', 'bad.cluster', '--squeue', bad]);
  assert.notEqual(r2.code, 0);
  assert.match(r2.err, /not a valid NATS subject token/);
  const r3 = await cli(['convert', '--cluster', 'c1']);
  assert.notEqual(r3.code, 0);
  const r4 = await cli(['convert', '--cluster', 'c1', '--sacct', join(dir, 'missing.json')]);
  assert.equal(r4.code, 1);
  assert.match(r4.err, /cannot read sacct file/);
});

test('backfill: publishes history window by window; a second run adds nothing', async () => {
  const nats = await startNatsServer();
  const sc = new StandinScenario();
  const now = Math.floor(Date.now() / 1000);
  const day = 86_400;
  const jobs = Array.from({ length: 30 }, (_, i) => ({ id: 500 + i, state: i % 4 ? 'COMPLETED' : 'TIMEOUT', start: now - 3 * day + i * 7200, end: now - 3 * day + i * 7200 + 600, nodes: [`node${(i % 4) + 1}`] }));
  jobs.push({ id: 999, state: 'RUNNING', start: now - 100, end: undefined as unknown as number, nodes: ['node1'] });
  sc.write({ slurm: '22.05', jobs });
  const raw = testConfigRaw(nats.url, { slurmQueryMaxSpan: day });
  const cfgFile = join(dir, 'backfill.json');
  writeFileSync(cfgFile, JSON.stringify(raw));
  const env = { ...process.env, ...sc.env() };
  try {
    const r = await cli(['backfill', '--cluster', 'testcluster', '--since', String(now - 4 * day), '--until', String(now), '--config', cfgFile], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /backfill testcluster .*\(25%\)/);
    assert.match(r.err, /backfill done: 4 windows, 30 jobs, 60 events \(60 new, 0 already in the stream\)/);
    assert.equal(r.out, '');
    const m = await readStream(nats.url, String(raw.streamName));
    assert.equal(m.length, 60);
    assert.equal(new Set(m.map((x) => x.msgId)).size, 60);
    const again = await cli(['backfill', '--cluster', 'testcluster', '--since', String(now - 4 * day), '--config', cfgFile], env);
    assert.equal(again.code, 0, again.err);
    assert.match(again.err, /60 events \(0 new, 60 already in the stream\)/);
    assert.equal((await readStream(nats.url, String(raw.streamName))).length, 60);
  } finally {
    sc.cleanup();
    await nats.cleanup();
  }
});
