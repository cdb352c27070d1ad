import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parsePublisherConfig, loadPublisherConfig } from '../src/config.js';
import { main } from '../src/cli-main.js';
import { parseSockAddress } from '../src/hook/address.js';
import { parseTimeArg } from '../src/timearg.js';

const dir = mkdtempSync(join(tmpdir(), 'ccsb-cfg-'));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'cc-slurm-publisher', ...args], { out: (s) => (out += s), err: (s) => (err += s), env });
  return { code, out, err };
}

test('defaults: an empty object is a valid config', () => {
  const r = parsePublisherConfig({}, {});
  assert.ok(r.ok);
  assert.equal(r.value.messageFormat, 'json');
  assert.equal(r.value.slurmBinDir, '/usr/bin');
  assert.equal(r.value.slurmPollInterval, 30);
  assert.equal(r.value.slurmQueryDelay, 1);
  assert.equal(r.value.slurmMaxRetries, 5);
  assert.equal(r.value.natsSubject, 'jobs');
  assert.equal(r.value.clusters, undefined, 'clusters default to sacctmgr at start-up');
});

test('unknown key: the error names the nearest valid key', () => {
  const r = parsePublisherConfig({ slurmPolInterval: 10 }, {});
  assert.ok(!r.ok);
  assert.match(r.error.message, /unknown key "slurmPolInterval".*did you mean "slurmPollInterval"/);
  const r2 = parsePublisherConfig({ natsSubjet: 'x', prepSockListenPth: '/x' }, {});
  assert.ok(!r2.ok);
  assert.match(r2.error.message, /did you mean "natsSubject"/);
  assert.match(r2.error.message, /did you mean "prepSockListenPath"/);
});

test('wrong types and values are reported with their key', () => {
  const r = parsePublisherConfig({ messageFormat: 'xml', slurmPollInterval: -1, ignoreHosts: '(', httpListen: 'nope', prepSockConnectPath: 'tcp:host' }, {});
  assert.ok(!r.ok);
  for (const k of ['messageFormat', 'slurmPollInterval', 'ignoreHosts', 'httpListen', 'prepSockConnectPath']) assert.match(r.error.message, new RegExp(k));
});

test('natsPassword comes from CCSB_NATS_PASSWORD and is not printed by check-config', async () => {
  const p = file('secret.json', { natsUser: 'pub', natsPassword: 'from-file-secret' });
  const r = loadPublisherConfig(p, { CCSB_NATS_PASSWORD: 'from-env-secret' });
  assert.ok(r.ok);
  assert.equal(r.value.natsPassword, 'from-env-secret');
  const c = await cli(['check-config', '--config', p], { CCSB_NATS_PASSWORD: 'from-env-secret' });
  assert.equal(c.code, 0, c.err);
  assert.doesNotMatch(c.out + c.err, /from-env-secret|from-file-secret/);
  assert.match(c.out, /REDACTED/);
});

test('check-config exit codes: 0 valid, 1 invalid / unreadable / not JSON / inconsistent', async () => {
  const good = file('good.json', { clusters: ['fritz'], slurmPollInterval: 10, gpuPciAddrs: { '^f\\d+$': ['0000:01:00.0'] }, prepSockListenPath: 'tcp:127.0.0.1:7000' });
  const ok = await cli(['check-config', '--config', good]);
  assert.equal(ok.code, 0);
  assert.match(ok.out, /is valid/);
  const typo = await cli(['check-config', '--config', file('typo.json', { slurmBinDri: '/opt/slurm/bin' })]);
  assert.equal(typo.code, 1);
  assert.match(typo.err, /did you mean "slurmBinDir"/);
  assert.equal((await cli(['check-config', '--config', join(dir, 'missing.json')])).code, 1);
  assert.equal((await cli(['check-config', '--config', file('bad.json', '{ not json')])).code, 1);
  const inconsistent = await cli(['check-config', '--config', file('incons.json', { natsPassword: 'x12345' })]);
  assert.equal(inconsistent.code, 1);
  assert.match(inconsistent.err, /natsUser/);
});

test('check-config through the real CLI process', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const run = (cfg: string) => spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', join(root, 'packages/publisher/src/cli.ts'), 'check-config', '--config', cfg], { cwd: root, encoding: 'utf8' });
  const good = run(file('good2.json', { clusters: ['c1'] }));
  assert.equal(good.status, 0, good.stderr);
  const bad = run(file('bad2.json', { clustres: ['c1'] }));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /unknown key "clustres".*did you mean "clusters"/);
});

test('socket addresses and time arguments', () => {
  assert.deepEqual(parseSockAddress('/run/x.sock'), { kind: 'unix', path: '/run/x.sock' });
  assert.deepEqual(parseSockAddress('tcp:127.0.0.1:7000'), { kind: 'tcp', host: '127.0.0.1', port: 7000 });
  assert.deepEqual(parseSockAddress('tcp:[::1]:7000'), { kind: 'tcp', host: '::1', port: 7000 });
  assert.throws(() => parseSockAddress('tcp:nohost'));
  assert.equal(parseTimeArg('2024-05-01'), Date.UTC(2024, 4, 1) / 1000);
  assert.equal(parseTimeArg('2024-05-01T12:30'), Date.UTC(2024, 4, 1, 12, 30) / 1000);
  assert.equal(parseTimeArg('-1d', 1_000_000), 1_000_000 - 86_400);
  assert.equal(parseTimeArg('1700000000'), 1_700_000_000);
  assert.throws(() => parseTimeArg('yesterday'));
});
