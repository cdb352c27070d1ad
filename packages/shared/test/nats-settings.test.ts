import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { pino } from 'pino';
import {
  NATS_SECRET_KEYS,
  NatsSetupError,
  dlqStreamConfig,
  dlqStreamNameOf,
  dlqSubject,
  eventStreamConfig,
  forwarderConsumerConfig,
  natsConnectionOptions,
  natsServerUrls,
  natsSettingsProblems,
  natsSettingsShape,
  parseNatsSettings,
  type NatsLogger,
  type NatsSettings,
} from '../src/nats/mod.js';

describe('natsSettingsShape', () => {
  it('applies the documented defaults', () => {
    const s = parseNatsSettings({});
    assert.equal(s.natsPort, 4222);
    assert.equal(s.natsServer, undefined);
    assert.deepEqual(natsServerUrls(s), ['nats://127.0.0.1:4222']);
    assert.equal(s.natsSubject, 'jobs');
    assert.equal(s.streamName, 'CC_JOB_EVENTS');
    assert.equal(dlqStreamNameOf(s), 'CC_JOB_EVENTS_DLQ');
    assert.equal(s.streamReplicas, 1);
    assert.equal(s.streamMaxAgeDays, 30);
    assert.equal(s.duplicateWindowSeconds, 86_400);
    assert.equal(s.consumerName, 'cc-backend-forwarder');
    assert.equal(s.consumerAckWaitSeconds, 60);
    assert.equal(s.consumerMaxDeliver, 1000);
    assert.equal(s.consumerMaxAckPending, 1000);
    assert.equal(s.natsTlsInsecure, false);
    assert.deepEqual(natsSettingsProblems(s), []);
  });

  it('can be spread into a stricter daemon config object', () => {
    const daemon = z.strictObject({ ...natsSettingsShape, ccRestUrl: z.string() });
    const c = daemon.parse({ ccRestUrl: 'http://x', natsServer: 'nats.example.org', natsPort: 4333 });
    assert.deepEqual(natsServerUrls(c), ['nats://nats.example.org:4333']);
    assert.throws(() => daemon.parse({ ccRestUrl: 'http://x', natsSevrer: 'x' }));
  });

  it('validates the subject prefix and names', () => {
    for (const good of ['jobs', 'site1.jobs', 'cc-jobs_v1']) {
      assert.equal(parseNatsSettings({ natsSubject: good }).natsSubject, good);
    }
    for (const bad of ['', 'jobs.', '.jobs', 'jobs..x', 'jobs.*', 'jobs.>', 'jo bs', 'jobs\t']) {
      assert.throws(() => parseNatsSettings({ natsSubject: bad }), `natsSubject ${JSON.stringify(bad)}`);
    }
    assert.throws(() => parseNatsSettings({ streamName: 'A.B' }));
    assert.throws(() => parseNatsSettings({ consumerName: 'a b' }));
    assert.throws(() => parseNatsSettings({ streamReplicas: 2 }));
    assert.throws(() => parseNatsSettings({ natsPort: 0 }));
    assert.throws(() => parseNatsSettings({ consumerMaxDeliver: 1 }));
  });

  it('resolves server addresses', () => {
    const urls = (input: object): string[] => natsServerUrls(parseNatsSettings(input));
    assert.deepEqual(urls({ natsServer: 'nats://h1:4000' }), ['nats://h1:4000']);
    assert.deepEqual(urls({ natsServer: 'tls://h1' }), ['tls://h1:4222']);
    assert.deepEqual(urls({ natsServer: 'h1', natsPort: 5000 }), ['nats://h1:5000']);
    assert.deepEqual(urls({ natsServer: '::1' }), ['nats://[::1]:4222']);
    assert.deepEqual(urls({ natsServers: ['a:1', 'nats://b:2', 'c'], natsPort: 3 }), [
      'nats://a:1',
      'nats://b:2',
      'nats://c:3',
    ]);
    assert.throws(() => parseNatsSettings({ natsServer: 'http://h1' }));
    assert.throws(() => parseNatsSettings({ natsServer: 'nats://user:pw@h1' }));
    assert.throws(() => parseNatsSettings({ natsServers: [] }));
  });

  it('reports inconsistent combinations', () => {
    const p = (input: object): string[] => natsSettingsProblems(parseNatsSettings(input));
    assert.equal(p({ natsUser: 'u' }).length, 1);
    assert.equal(p({ natsPassword: 'p' }).length, 1);
    assert.equal(p({ natsUser: 'u', natsPassword: 'p', natsCredsFile: '/x' }).length, 1);
    assert.equal(p({ natsTlsCertFile: '/c' }).length, 1);
    assert.equal(p({ natsServer: 'a', natsServers: ['b'] }).length, 1);
    assert.equal(p({ dlqStreamName: 'CC_JOB_EVENTS' }).length, 1);
    assert.equal(p({ streamMaxAgeDays: 0.5, duplicateWindowSeconds: 86_400 }).length, 1);
    assert.equal(p({ streamMaxAgeDays: 0, duplicateWindowSeconds: 86_400 }).length, 0);
  });

  it('names the secret settings', () => {
    assert.deepEqual([...NATS_SECRET_KEYS], ['natsPassword']);
    for (const k of NATS_SECRET_KEYS) assert.ok(k in natsSettingsShape);
  });
});

describe('subjects and resource configs', () => {
  const s: NatsSettings = parseNatsSettings({ natsSubject: 'site.jobs', streamMaxAgeDays: 7 });

  it('keeps the dead-letter namespace outside the event namespace', () => {
    assert.deepEqual(eventStreamConfig(s).subjects, ['site.jobs.>']);
    assert.deepEqual(dlqStreamConfig(s).subjects, ['site.jobs_dlq.>']);
    assert.equal(dlqSubject(s, 'fritz', 'start_job'), 'site.jobs_dlq.fritz.start_job');
    assert.ok(!dlqSubject(s, 'fritz', 'start_job').startsWith('site.jobs.'));
    assert.throws(() => dlqSubject(s, 'a.b', 'start_job'), NatsSetupError);
    assert.throws(() => dlqSubject(s, 'fritz', '*'), NatsSetupError);
  });

  it('builds the stream and consumer configs from the settings', () => {
    const ev = eventStreamConfig(s);
    assert.equal(ev.name, 'CC_JOB_EVENTS');
    assert.equal(ev.storage, 'file');
    assert.equal(ev.retention, 'limits');
    assert.equal(ev.max_age, 7 * 86_400 * 1e9);
    assert.equal(ev.duplicate_window, 86_400 * 1e9);
    assert.equal(ev.max_msgs, -1);
    assert.equal(ev.max_bytes, -1);
    assert.equal(ev.max_msgs_per_subject, -1);
    const dlq = dlqStreamConfig(s);
    assert.equal(dlq.name, 'CC_JOB_EVENTS_DLQ');
    assert.equal(dlq.max_age, 0);
    const c = forwarderConsumerConfig(s);
    assert.equal(c.durable_name, 'cc-backend-forwarder');
    assert.equal(c.ack_policy, 'explicit');
    assert.equal(c.deliver_policy, 'all');
    assert.equal(c.filter_subject, 'site.jobs.>');
    assert.equal(c.ack_wait, 60e9);
    assert.equal(c.max_deliver, 1000);
  });
});

describe('natsConnectionOptions', () => {
  it('sets a never-give-up reconnect policy and user/password auth', async () => {
    const o = await natsConnectionOptions(parseNatsSettings({ natsUser: 'u', natsPassword: 'secret' }), { name: 'x' });
    assert.equal(o.maxReconnectAttempts, -1);
    assert.equal(o.waitOnFirstConnect, true);
    assert.equal(o.name, 'x');
    assert.equal(typeof o.authenticator, 'function');
    assert.equal(o.tls, undefined);
    assert.deepEqual(o.servers, ['nats://127.0.0.1:4222']);
  });

  it('fails with a typed config error for unreadable or invalid files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccsb-nats-opts-'));
    try {
      await assert.rejects(
        natsConnectionOptions(parseNatsSettings({ natsCredsFile: join(dir, 'missing.creds') })),
        (e: unknown) => e instanceof NatsSetupError && e.code === 'config' && /missing\.creds/.test(e.message),
      );
      const junk = join(dir, 'junk');
      await writeFile(junk, 'not a creds file\n');
      await assert.rejects(
        natsConnectionOptions(parseNatsSettings({ natsCredsFile: junk })),
        (e: unknown) => e instanceof NatsSetupError && e.code === 'config',
      );
      await assert.rejects(
        natsConnectionOptions(parseNatsSettings({ natsNKeySeedFile: junk })),
        (e: unknown) => e instanceof NatsSetupError && e.code === 'config',
      );
      await assert.rejects(
        natsConnectionOptions(parseNatsSettings({ natsUser: 'u' })),
        (e: unknown) => e instanceof NatsSetupError && e.code === 'config',
      );
      await assert.rejects(
        natsConnectionOptions(parseNatsSettings({ natsTlsCaFile: join(dir, 'nope.pem') })),
        (e: unknown) => e instanceof NatsSetupError && e.code === 'config',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('maps TLS settings to transport-node options', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccsb-nats-opts-'));
    try {
      for (const f of ['ca.pem', 'c.pem', 'k.pem']) await writeFile(join(dir, f), 'x');
      const o = await natsConnectionOptions(
        parseNatsSettings({
          natsTlsCaFile: join(dir, 'ca.pem'),
          natsTlsCertFile: join(dir, 'c.pem'),
          natsTlsKeyFile: join(dir, 'k.pem'),
        }),
      );
      assert.deepEqual(o.tls, { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'c.pem'), keyFile: join(dir, 'k.pem') });
      const insecure = await natsConnectionOptions(parseNatsSettings({ natsTlsInsecure: true }));
      assert.deepEqual(insecure.tls, { rejectUnauthorized: false });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('accepts a pino logger as NatsLogger', () => {
    const l: NatsLogger = pino({ level: 'silent' });
    l.info({ a: 1 }, 'x');
    l.warn('y');
  });
});
