// Stream / DLQ / consumer set-up, dedupe and durability against a real nats-server started by
// the test harness (never the machine's shared server).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jetstream, jetstreamManager, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, type NatsServerHandle } from '../../../test/harness/nats-server.js';
import {
  NatsSetupError,
  connectNats,
  dlqStreamNameOf,
  dlqSubject,
  ensureDlqStream,
  ensureEventStream,
  ensureForwarderConsumer,
  ensureJetStreamResources,
  parseNatsSettings,
  type NatsLogger,
  type NatsSettings,
} from '../src/nats/mod.js';

interface Captured {
  level: string;
  obj: unknown;
  msg: string | undefined;
}
function captureLogger(): NatsLogger & { lines: Captured[] } {
  const lines: Captured[] = [];
  const mk =
    (level: string) =>
    (objOrMsg: object | string, msg?: string): void => {
      if (typeof objOrMsg === 'string') lines.push({ level, obj: undefined, msg: objOrMsg });
      else lines.push({ level, obj: objOrMsg, msg });
    };
  return { lines, debug: mk('debug'), info: mk('info'), warn: mk('warn'), error: mk('error') };
}

function settingsFor(srv: NatsServerHandle, extra: object = {}): NatsSettings {
  return parseNatsSettings({ natsServer: srv.url, ...extra });
}

const isSetupError = (code: string) => (e: unknown) => e instanceof NatsSetupError && e.code === code;

describe('JetStream resources on a real nats-server', () => {
  let srv: NatsServerHandle;
  before(async () => {
    srv = await startNatsServer();
  });
  after(async () => {
    await srv?.cleanup();
  });

  it('creates stream, DLQ and consumer idempotently, across a restart, and applies changes', async () => {
    const s = settingsFor(srv, { natsSubject: 'idem', streamName: 'IDEM', consumerName: 'fwd' });
    const log = captureLogger();
    let nc = await connectNats(s, { name: 'test-idem', logger: log });
    try {
      const first = await ensureJetStreamResources(nc, s, { consumer: true, logger: log });
      assert.equal(first.serverVersion, srv.version);
      assert.equal(first.clustered, false);
      assert.equal(first.stream.config.name, 'IDEM');
      assert.deepEqual(first.stream.config.subjects, ['idem.>']);
      assert.equal(first.stream.config.storage, StorageType.File);
      assert.equal(first.stream.config.duplicate_window, 86_400e9);
      assert.equal(first.stream.config.max_age, 30 * 86_400e9);
      assert.equal(first.dlq.config.name, 'IDEM_DLQ');
      assert.deepEqual(first.dlq.config.subjects, ['idem_dlq.>']);
      assert.equal(first.consumer?.config.durable_name, 'fwd');
      assert.equal(first.consumer?.config.ack_policy, 'explicit');
      assert.equal(first.consumer?.config.filter_subject, 'idem.>');
      assert.equal(log.lines.filter((l) => l.level === 'info' && /^created /.test(l.msg ?? '')).length, 3);

      const second = await ensureJetStreamResources(nc, s, { consumer: true, logger: log });
      assert.deepEqual(second.stream.config, first.stream.config);
      assert.deepEqual(second.dlq.config, first.dlq.config);
      assert.deepEqual(second.consumer?.config, first.consumer?.config);
      assert.equal(second.stream.created, first.stream.created);
      assert.equal(log.lines.filter((l) => /^updating /.test(l.msg ?? '')).length, 0);

      await nc.close();
      await srv.restart();
      nc = await connectNats(s, { name: 'test-idem' });
      const third = await ensureJetStreamResources(nc, s, { consumer: true });
      assert.deepEqual(third.stream.config, first.stream.config);
      assert.deepEqual(third.dlq.config, first.dlq.config);
      assert.deepEqual(third.consumer?.config, first.consumer?.config);

      // A changed setting is applied to the existing resources.
      const changed = settingsFor(srv, {
        natsSubject: 'idem',
        streamName: 'IDEM',
        consumerName: 'fwd',
        streamMaxAgeDays: 7,
        duplicateWindowSeconds: 3600,
        consumerMaxDeliver: 50,
        consumerAckWaitSeconds: 120,
      });
      const log2 = captureLogger();
      const fourth = await ensureJetStreamResources(nc, changed, { consumer: true, logger: log2 });
      assert.equal(fourth.stream.config.max_age, 7 * 86_400e9);
      assert.equal(fourth.stream.config.duplicate_window, 3600e9);
      assert.equal(fourth.dlq.config.duplicate_window, 3600e9);
      assert.equal(fourth.consumer?.config.max_deliver, 50);
      assert.equal(fourth.consumer?.config.ack_wait, 120e9);
      assert.equal(fourth.stream.created, first.stream.created, 'updated in place, not recreated');
      assert.ok(log2.lines.some((l) => l.level === 'info' && /^updating event stream IDEM/.test(l.msg ?? '')));
    } finally {
      await nc.close();
    }
  });

  it('deduplicates a republished event by Nats-Msg-Id, also after kill -9 and restart', async () => {
    const s = settingsFor(srv, { natsSubject: 'dedupe', streamName: 'DEDUPE' });
    let nc = await connectNats(s, { name: 'test-dedupe' });
    try {
      await ensureJetStreamResources(nc, s, { consumer: false });
      let js = jetstream(nc);
      const id = 'fritz:123456:1733230000:start_job';
      const h = headers();
      h.set('Cc-Event', 'start_job');
      const a = await js.publish('dedupe.fritz.start_job', '{"jobId":123456}', { msgID: id, headers: h });
      assert.equal(a.duplicate, false);
      const b = await js.publish('dedupe.fritz.start_job', '{"jobId":123456}', { msgID: id, headers: h });
      assert.equal(b.duplicate, true);
      assert.equal(b.seq, a.seq);

      await srv.kill9();
      await nc.close();
      await srv.restart();
      nc = await connectNats(s, { name: 'test-dedupe' });
      js = jetstream(nc);
      const c = await js.publish('dedupe.fritz.start_job', '{"jobId":123456}', { msgID: id });
      assert.equal(c.duplicate, true, 'dedupe state survives a crash of the server');
      const jsm = await jetstreamManager(nc);
      assert.equal((await jsm.streams.info('DEDUPE')).state.messages, 1);
    } finally {
      await nc.close();
    }
  });

  it('keeps an acknowledged message across kill -9 of the server', async () => {
    // nats-server 2.9 writes each message to its block file before sending the PubAck but fsyncs
    // only periodically (no `sync_interval` option in 2.9). A kill -9 of the *process* therefore
    // loses nothing (the OS page cache holds the data); an OS crash or power loss could lose the
    // last acknowledged messages of an R1 stream — use R3 on a cluster for that.
    const s = settingsFor(srv, { natsSubject: 'durable', streamName: 'DURABLE' });
    let nc = await connectNats(s, { name: 'test-durable' });
    try {
      await ensureJetStreamResources(nc, s, { consumer: true });
      const js = jetstream(nc);
      const acks = [];
      for (let i = 0; i < 50; i++) {
        acks.push(await js.publish(`durable.c${i % 3}.stop_job`, JSON.stringify({ i }), { msgID: `c:${i}:0:stop_job` }));
      }
      const lastSeq = acks[acks.length - 1]?.seq;
      await srv.kill9();
      await nc.close();
      await srv.restart();
      nc = await connectNats(s, { name: 'test-durable' });
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info('DURABLE');
      assert.equal(info.state.messages, 50);
      assert.equal(info.state.last_seq, lastSeq);
      const last = await jsm.streams.getMessage('DURABLE', { seq: lastSeq ?? 0 });
      assert.deepEqual(last?.json(), { i: 49 });
      // The consumer (and its position) survived as well and delivers from the first event.
      const consumer = await jetstream(nc).consumers.get('DURABLE', 'cc-backend-forwarder');
      const m = await consumer.next({ expires: 5_000 });
      assert.ok(m);
      assert.deepEqual(m.json(), { i: 0 });
      m.ack();
    } finally {
      await nc.close();
    }
  });

  it('fails with a typed error when an existing stream has another storage type', async () => {
    const s = settingsFor(srv, { natsSubject: 'mem', streamName: 'MEMSTREAM' });
    const nc = await connect({ servers: srv.url });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'MEMSTREAM', subjects: ['mem.>'], storage: StorageType.Memory });
      await assert.rejects(ensureEventStream(jsm, s), (e: unknown) => {
        assert.ok(e instanceof NatsSetupError);
        assert.equal(e.code, 'stream_conflict');
        assert.match(e.message, /storage "memory".*"file"/);
        assert.match(e.message, /MEMSTREAM/);
        return true;
      });
    } finally {
      await nc.close();
    }
  });

  it('fails with a typed error for subjects overlapping another stream', async () => {
    const s = settingsFor(srv, { natsSubject: 'ovl', streamName: 'OVL' });
    const nc = await connect({ servers: srv.url });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'OTHER', subjects: ['ovl.x.>'] });
      await assert.rejects(ensureEventStream(jsm, s), isSetupError('jetstream_api'));
    } finally {
      await nc.close();
    }
  });

  it('refuses R3 on a single, non-clustered server', async () => {
    const s = settingsFor(srv, { natsSubject: 'r3', streamName: 'R3', streamReplicas: 3 });
    const nc = await connectNats(s, { name: 'test-r3' });
    try {
      await assert.rejects(ensureJetStreamResources(nc, s, { consumer: false }), isSetupError('config'));
    } finally {
      await nc.close();
    }
  });

  it('fails with a typed error when the consumer exists as a push consumer', async () => {
    const s = settingsFor(srv, { natsSubject: 'push', streamName: 'PUSH', consumerName: 'pushy' });
    const nc = await connect({ servers: srv.url });
    try {
      const jsm: JetStreamManager = await jetstreamManager(nc);
      await ensureEventStream(jsm, s);
      await ensureDlqStream(jsm, s);
      await jsm.consumers.add('PUSH', {
        durable_name: 'pushy',
        ack_policy: 'explicit',
        deliver_subject: 'deliver.pushy',
      });
      await assert.rejects(ensureForwarderConsumer(jsm, s), isSetupError('consumer_conflict'));
    } finally {
      await nc.close();
    }
  });

  it('accepts dead letters on the DLQ subject, outside the event stream', async () => {
    const s = settingsFor(srv, { natsSubject: 'dl', streamName: 'DL' });
    const nc = await connectNats(s, { name: 'test-dlq' });
    try {
      await ensureJetStreamResources(nc, s, { consumer: true });
      const js = jetstream(nc);
      const ack = await js.publish(dlqSubject(s, 'fritz', 'start_job'), '{}', { msgID: 'dlq:1' });
      assert.equal(ack.stream, dlqStreamNameOf(s));
      const jsm = await jetstreamManager(nc);
      assert.equal((await jsm.streams.info('DL')).state.messages, 0);
    } finally {
      await nc.close();
    }
  });
});

describe('JetStream missing', () => {
  let srv: NatsServerHandle;
  before(async () => {
    srv = await startNatsServer({ jetstream: false });
  });
  after(async () => {
    await srv?.cleanup();
  });

  it('reports a typed error when JetStream is disabled', async () => {
    const s = settingsFor(srv);
    const nc: NatsConnection = await connectNats(s, { name: 'test-nojs' });
    try {
      await assert.rejects(ensureJetStreamResources(nc, s, { consumer: true }), isSetupError('jetstream_disabled'));
    } finally {
      await nc.close();
    }
  });
});
