import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { natsServerBinary, startNatsCluster, startNatsServer } from './nats-server.js';
import { pollUntil } from './process.js';

/** True while `pid` is a live (not zombie) process. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

const waitDead = (pid: number) =>
  pollUntil(`pid ${pid} to be gone`, async () => (isAlive(pid) ? undefined : true), { timeoutMs: 15_000 });

describe('startNatsServer', () => {
  it('starts on a free loopback port with JetStream, survives kill -9 + restart, cleans up', async () => {
    const srv = await startNatsServer();
    let cleaned = false;
    try {
      assert.match(srv.url, /^nats:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(srv.port, 4222);
      assert.match(srv.version, /^\d+\.\d+\.\d+/);
      assert.ok(existsSync(srv.storeDir));
      const pid1 = srv.pid;
      assert.ok(isAlive(pid1));

      let nc = await connect({ servers: srv.url });
      let jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'H', subjects: ['h.>'] });
      await nc.close();

      await srv.kill9();
      assert.equal(srv.isRunning(), false);
      await waitDead(pid1);
      await srv.restart();
      assert.notEqual(srv.pid, pid1);
      nc = await connect({ servers: srv.url });
      jsm = await jetstreamManager(nc);
      assert.equal((await jsm.streams.info('H')).config.name, 'H', 'same store after restart');
      await nc.close();

      const pid2 = srv.pid;
      await srv.stop();
      await waitDead(pid2);
      await srv.restart();
      const pid3 = srv.pid;
      await srv.cleanup();
      cleaned = true;
      await waitDead(pid3);
      assert.equal(existsSync(srv.dir), false, 'temp dir removed');
      await srv.cleanup(); // idempotent
    } finally {
      if (!cleaned) await srv.cleanup();
    }
  });

  it('explains how to get nats-server when NATS_SERVER_BIN is wrong', async () => {
    const saved = process.env.NATS_SERVER_BIN;
    process.env.NATS_SERVER_BIN = '/nonexistent/nats-server';
    try {
      assert.throws(() => natsServerBinary(), /NATS_SERVER_BIN/);
      await assert.rejects(startNatsServer(), /NATS_SERVER_BIN/);
    } finally {
      if (saved === undefined) delete process.env.NATS_SERVER_BIN;
      else process.env.NATS_SERVER_BIN = saved;
    }
  });

  it('reports a server that exits during start-up with its log', async () => {
    await assert.rejects(startNatsServer({ extraConfig: 'this_is_not_an_option: 1' }), /exited during start-up[\s\S]*this_is_not_an_option/);
  });
});

describe('safety net', () => {
  const fixture = fileURLToPath(new URL('./fixtures/orphan-server.ts', import.meta.url));

  async function runFixture(mode: 'exit' | 'wait', what: 'server' | 'cluster') {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, mode, what], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const info = await new Promise<{ pids: number[]; dirs: string[] }>((resolve, reject) => {
      let buf = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        buf += d;
        const nl = buf.indexOf('\n');
        if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as { pids: number[]; dirs: string[] });
      });
      child.once('exit', (code) => reject(new Error(`fixture exited early (${code})`)));
    });
    return { child, ...info };
  }

  it('kills the servers of a test process that exits without cleaning up', async () => {
    const { child, pids, dirs } = await runFixture('exit', 'server');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    for (const pid of pids) await waitDead(pid);
    for (const d of dirs) assert.equal(existsSync(d), false, 'temp dir removed on exit');
  });

  it('kills the servers of a test process that is itself killed with SIGKILL', async (t) => {
    const { child, pids, dirs } = await runFixture('wait', 'cluster');
    t.after(async () => {
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    });
    assert.equal(pids.length, 3);
    for (const pid of pids) assert.ok(isAlive(pid));
    child.kill('SIGKILL');
    // Servers are started under `setpriv --pdeathsig KILL`, so they die with their parent.
    for (const pid of pids) await waitDead(pid);
  });
});

describe('startNatsCluster', () => {
  it('starts 3 JetStream nodes that agree on a meta leader, and cleans up', async () => {
    const c = await startNatsCluster(3);
    const pids = c.servers.map((s) => s.pid);
    try {
      assert.equal(c.urls.length, 3);
      assert.equal(new Set(c.urls).size, 3);
      assert.equal(new Set(c.servers.map((s) => s.storeDir)).size, 3);
      const leader = await c.waitForMetaLeader();
      assert.ok(['n1', 'n2', 'n3'].includes(leader));
      const nc = await connect({ servers: c.urls });
      try {
        const jsm = await jetstreamManager(nc);
        const si = await jsm.streams.add({ name: 'C3', subjects: ['c3.>'], num_replicas: 3 });
        assert.equal(si.config.num_replicas, 3);
      } finally {
        await nc.close();
      }
    } finally {
      await c.cleanup();
    }
    for (const pid of pids) await waitDead(pid);
    assert.equal(existsSync(c.dir), false);
  });
});
