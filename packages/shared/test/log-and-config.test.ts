import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createLogger, envVarFor, loadConfigFile, parseConfig, redactSecrets } from '@cc-slurm-bridge/shared';

function collector() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, stream };
}

// Shapes of real secrets (made up here): an EdDSA JWT, a NATS user seed, a password.
const JWT = 'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhcGkiLCJyb2xlcyI6WyJhcGkiXX0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU';
const SEED = 'SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY';
const PASSWORD = 'correct horse battery staple';

test('logger: secrets never reach the output, wherever they appear', () => {
  const { lines, stream } = collector();
  const log = createLogger({ name: 't', secrets: [PASSWORD], destination: stream });
  log.info({ natsPassword: PASSWORD }, 'connecting');
  log.info({ cfg: { nested: { ccRestJwt: JWT } } }, 'config loaded');
  log.warn(`request failed with header Authorization: Bearer ${JWT}`);
  log.error({ err: new Error(`bad seed ${SEED} in file`) }, 'nkey');
  log.info({ headers: { 'x-auth-token': 'opaque-token-value' } }, 'headers');
  log.child({ component: 'x' }).info(`password is ${PASSWORD}`);
  log.info({ note: `quoted "${PASSWORD}"` }, 'json-escaped');
  assert.equal(lines.length, 7);
  for (const line of lines) {
    for (const secret of [JWT, SEED, PASSWORD, 'opaque-token-value']) {
      assert.ok(!line.includes(secret), `secret leaked in ${line}`);
    }
    assert.doesNotThrow(() => JSON.parse(line), 'lines stay valid JSON');
  }
  assert.match(lines[0]!, /\[REDACTED\]/);
});

test('redactSecrets leaves ordinary text alone', () => {
  const s = '{"level":30,"msg":"posted start_job for fritz:123:1700000000","status":201}';
  assert.equal(redactSecrets(s, ['abc']), s);
});

const schema = z.object({
  natsServer: z.string().default('127.0.0.1'),
  natsPassword: z.string().optional(),
  concurrency: z.number().int().positive().default(8),
});

test('config: unknown key is an error naming the nearest valid key', () => {
  const r = parseConfig(schema, { natsServer: 'x', natsPasword: 'p', concurency: 2 });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.error.code, 'config_invalid');
  assert.match(r.error.message, /unknown key "natsPasword" \(did you mean "natsPassword"\?\)/);
  assert.match(r.error.message, /unknown key "concurency" \(did you mean "concurrency"\?\)/);
  assert.ok(!r.error.message.includes('"p"'));
});

test('config: defaults, types, environment overrides for secrets', () => {
  const r = parseConfig(schema, {}, { envOverridable: ['natsPassword'], env: { [envVarFor('natsPassword')]: 's3cret' } });
  assert.equal(envVarFor('natsPassword'), 'CCSB_NATS_PASSWORD');
  assert.equal(envVarFor('ccRestJwt'), 'CCSB_CC_REST_JWT');
  assert.deepEqual(r, { ok: true, value: { natsServer: '127.0.0.1', natsPassword: 's3cret', concurrency: 8 } });
  const bad = parseConfig(schema, { concurrency: 'many' });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.deepEqual(bad.error.issues.map((i) => i.path), ['concurrency']);
});

test('config files: unreadable and non-JSON files are typed errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccsb-config-'));
  const missing = loadConfigFile(schema, join(dir, 'nope.json'));
  assert.equal(!missing.ok && missing.error.code, 'config_unreadable');
  writeFileSync(join(dir, 'bad.json'), '{ "natsServer": ');
  const broken = loadConfigFile(schema, join(dir, 'bad.json'));
  assert.equal(!broken.ok && broken.error.code, 'config_not_json');
  writeFileSync(join(dir, 'ok.json'), '{ "concurrency": 4 }');
  const good = loadConfigFile(schema, join(dir, 'ok.json'));
  assert.deepEqual(good, { ok: true, value: { natsServer: '127.0.0.1', concurrency: 4 } });
});
