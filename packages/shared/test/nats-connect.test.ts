// Connecting with each authentication method and TLS against real nats-servers started by the
// test harness, status logging across a server crash, and typed failures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { nkeys } from '@nats-io/transport-node';
import { startNatsServer, type NatsServerHandle } from '../../../test/harness/nats-server.js';
import { freePort, pollUntil } from '../../../test/harness/process.js';
import {
  NatsSetupError,
  connectNats,
  ensureJetStreamResources,
  parseNatsSettings,
  type NatsLogger,
} from '../src/nats/mod.js';

function captureLogger(): NatsLogger & { text(): string; msgs(): string[] } {
  const lines: string[] = [];
  const mk =
    (level: string) =>
    (objOrMsg: object | string, msg?: string): void => {
      lines.push(JSON.stringify({ level, obj: objOrMsg, msg }));
    };
  return {
    debug: mk('debug'),
    info: mk('info'),
    warn: mk('warn'),
    error: mk('error'),
    text: () => lines.join('\n'),
    msgs: () => lines.map((l) => (JSON.parse(l) as { msg?: string; obj: unknown }).msg ?? String((JSON.parse(l) as { obj: unknown }).obj)),
  };
}

const isSetupError = (code: string) => (e: unknown) => e instanceof NatsSetupError && e.code === code;

async function roundTrip(nc: Awaited<ReturnType<typeof connectNats>>): Promise<void> {
  const sub = nc.subscribe('ping.test', { max: 1 });
  const got = (async () => {
    for await (const m of sub) return m.string();
    return undefined;
  })();
  nc.publish('ping.test', 'pong');
  assert.equal(await got, 'pong');
}

describe('connect with user/password', () => {
  let srv: NatsServerHandle;
  before(async () => {
    srv = await startNatsServer({ auth: { kind: 'user', user: 'bridge' } });
  });
  after(async () => {
    await srv?.cleanup();
  });

  it('connects with the right password and never logs it', async () => {
    const password = srv.auth?.password ?? '';
    assert.ok(password.length > 8);
    const log = captureLogger();
    const s = parseNatsSettings({ natsServer: srv.url, natsUser: 'bridge', natsPassword: password });
    const nc = await connectNats(s, { name: 'test-userpass', logger: log });
    try {
      await roundTrip(nc);
      await ensureJetStreamResources(nc, s, { consumer: true, logger: log });
    } finally {
      await nc.close();
    }
    assert.ok(log.text().length > 0);
    assert.ok(!log.text().includes(password), 'the password must never be logged');
  });

  it('fails with a typed auth error on a wrong password', async () => {
    const s = parseNatsSettings({ natsServer: srv.url, natsUser: 'bridge', natsPassword: 'wrong-password' });
    await assert.rejects(connectNats(s, { name: 'test-wrongpass' }), (e: unknown) => {
      assert.ok(e instanceof NatsSetupError);
      assert.equal(e.code, 'auth');
      assert.match(e.message, /rejected the credentials/);
      assert.ok(!e.message.includes('wrong-password'));
      return true;
    });
  });

  it('fails with a typed auth error without credentials', async () => {
    const s = parseNatsSettings({ natsServer: srv.url });
    await assert.rejects(connectNats(s, { name: 'test-nopass' }), isSetupError('auth'));
  });
});

describe('connect with an NKey seed file', () => {
  let srv: NatsServerHandle;
  before(async () => {
    srv = await startNatsServer({ auth: { kind: 'nkey' } });
  });
  after(async () => {
    await srv?.cleanup();
  });

  it('connects with the seed file and uses JetStream', async () => {
    const seedFile = srv.auth?.seedFile;
    assert.ok(seedFile);
    const s = parseNatsSettings({ natsServer: srv.url, natsNKeySeedFile: seedFile, natsSubject: 'nk', streamName: 'NK' });
    const nc = await connectNats(s, { name: 'test-nkey' });
    try {
      await roundTrip(nc);
      await ensureJetStreamResources(nc, s, { consumer: false });
      const ack = await jetstream(nc).publish('nk.c.start_job', '{}', { msgID: 'x' });
      assert.equal(ack.stream, 'NK');
    } finally {
      await nc.close();
    }
  });

  it('rejects an unknown NKey with a typed auth error', async () => {
    const other = join(srv.dir, 'other.nk');
    await writeFile(other, new TextDecoder().decode(nkeys.createUser().getSeed()));
    const s = parseNatsSettings({ natsServer: srv.url, natsNKeySeedFile: other });
    await assert.rejects(connectNats(s, { name: 'test-nkey-wrong' }), isSetupError('auth'));
  });
});

describe('connect with a creds file (operator / JWT auth)', () => {
  let srv: NatsServerHandle;
  before(async () => {
    srv = await startNatsServer({ auth: { kind: 'creds' } });
  });
  after(async () => {
    await srv?.cleanup();
  });

  it('connects with the creds file and uses JetStream in the account', async () => {
    const credsFile = srv.auth?.credsFile;
    assert.ok(credsFile);
    const s = parseNatsSettings({ natsServer: srv.url, natsCredsFile: credsFile });
    const nc = await connectNats(s, { name: 'test-creds' });
    try {
      await roundTrip(nc);
      const res = await ensureJetStreamResources(nc, s, { consumer: true });
      assert.equal(res.stream.config.name, 'CC_JOB_EVENTS');
      const js = jetstream(nc);
      assert.equal((await js.publish('jobs.c.start_job', '{}', { msgID: 'a' })).duplicate, false);
      assert.equal((await js.publish('jobs.c.start_job', '{}', { msgID: 'a' })).duplicate, true);
    } finally {
      await nc.close();
    }
  });

  it('rejects a user of an unknown account with a typed auth error', async () => {
    // A second, unrelated operator setup: its user is signed by an account this server does not know.
    const { createOperatorSetup } = await import('../../../test/harness/nats-auth.js');
    const foreign = await createOperatorSetup(srv.dir + '/');
    const s = parseNatsSettings({ natsServer: srv.url, natsCredsFile: await foreign.addUser('stranger') });
    await assert.rejects(connectNats(s, { name: 'test-creds-wrong' }), isSetupError('auth'));
  });
});

describe('connect with TLS', () => {
  let srv: NatsServerHandle;
  let mtls: NatsServerHandle;
  before(async () => {
    [srv, mtls] = await Promise.all([startNatsServer({ tls: true }), startNatsServer({ tls: { verify: true } })]);
  });
  after(async () => {
    await Promise.all([srv?.cleanup(), mtls?.cleanup()]);
  });

  it('verifies the server against natsTlsCaFile', async () => {
    const s = parseNatsSettings({ natsServer: srv.url, natsTlsCaFile: srv.tls?.caFile });
    const nc = await connectNats(s, { name: 'test-tls' });
    try {
      await roundTrip(nc);
    } finally {
      await nc.close();
    }
  });

  it('fails with a typed connect error when the CA does not match (fail fast)', async () => {
    // mtls's CA did not sign srv's certificate.
    const s = parseNatsSettings({ natsServer: srv.url, natsTlsCaFile: mtls.tls?.caFile });
    await assert.rejects(connectNats(s, { name: 'test-tls-badca', failFast: true }), isSetupError('connect'));
  });

  it('connects without verification when natsTlsInsecure is set, and warns', async () => {
    const log = captureLogger();
    const s = parseNatsSettings({ natsServer: srv.url, natsTlsInsecure: true });
    const nc = await connectNats(s, { name: 'test-tls-insecure', logger: log });
    try {
      await roundTrip(nc);
    } finally {
      await nc.close();
    }
    assert.ok(log.msgs().some((m) => /verification is disabled/.test(m)));
  });

  it('presents a client certificate for mutual TLS', async () => {
    const t = mtls.tls;
    assert.ok(t);
    const s = parseNatsSettings({
      natsServer: mtls.url,
      natsTlsCaFile: t.caFile,
      natsTlsCertFile: t.clientCertFile,
      natsTlsKeyFile: t.clientKeyFile,
    });
    const nc = await connectNats(s, { name: 'test-mtls' });
    try {
      await roundTrip(nc);
    } finally {
      await nc.close();
    }
  });
});

describe('connection status and start-up', () => {
  let srv: NatsServerHandle;
  before(async () => {
    srv = await startNatsServer();
  });
  after(async () => {
    await srv?.cleanup();
  });

  it('logs disconnect and reconnect across a kill -9 and restart, and keeps working', async () => {
    const log = captureLogger();
    const s = parseNatsSettings({ natsServer: srv.url });
    const nc = await connectNats(s, { name: 'test-status', logger: log });
    try {
      await srv.kill9();
      await pollUntil('a disconnect log line', async () => (log.msgs().includes('NATS disconnected') ? true : undefined));
      await srv.restart();
      await pollUntil('a reconnect log line', async () => (log.msgs().includes('NATS reconnected') ? true : undefined), {
        timeoutMs: 30_000,
      });
      await roundTrip(nc);
    } finally {
      await nc.close();
    }
  });

  it('waits for a server that is not up yet at start-up', async () => {
    await srv.stop();
    const s = parseNatsSettings({ natsServer: srv.url });
    const pending = connectNats(s, { name: 'test-wait' });
    let settled = false;
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(settled, false, 'still waiting while the server is down');
    await srv.restart();
    const nc = await pending;
    try {
      await roundTrip(nc);
    } finally {
      await nc.close();
    }
  });

  it('fails fast with a typed connect error when asked to', async () => {
    const port = await freePort();
    const s = parseNatsSettings({ natsServer: '127.0.0.1', natsPort: port });
    await assert.rejects(connectNats(s, { name: 'test-failfast', failFast: true }), isSetupError('connect'));
  });
});
