// A real nats-server for tests: one JetStream server (optionally with user/password, NKey,
// operator-JWT/creds auth, and TLS) or a 3-node JetStream cluster, each on ephemeral loopback
// ports with temporary store directories. Never touches the machine's shared server on :4222.
//
//   const srv = await startNatsServer();
//   try { ... connect({ servers: srv.url }) ... await srv.kill9(); await srv.restart(); }
//   finally { await srv.cleanup(); }
import { rmSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createNKeyUser,
  createOperatorSetup,
  createTestTls,
  randomSecret,
  type NKeyUser,
  type OperatorSetup,
  type TestTls,
} from './nats-auth.js';
import {
  freePorts,
  isExecutable,
  killAndWait,
  pollUntil,
  spawnLogged,
  which,
  type LoggedProcess,
} from './process.js';

const HOST = '127.0.0.1';

/** Resolves the nats-server binary: $NATS_SERVER_BIN, /usr/sbin/nats-server, then PATH. */
export function natsServerBinary(): string {
  const env = process.env.NATS_SERVER_BIN;
  if (env) {
    if (!isExecutable(env)) throw new Error(`NATS_SERVER_BIN=${env} is not an executable file`);
    return env;
  }
  if (isExecutable('/usr/sbin/nats-server')) return '/usr/sbin/nats-server';
  const found = which('nats-server');
  if (found) return found;
  throw new Error(
    'nats-server not found: install the Debian package `nats-server` (apt-get install nats-server), ' +
      'put nats-server on PATH, or set NATS_SERVER_BIN to its path',
  );
}

export type NatsTestAuth =
  /** `authorization { user, password }`; both are generated when omitted. */
  | { kind: 'user'; user?: string; password?: string }
  /** `authorization { users: [{ nkey }] }` with a generated user NKey and seed file. */
  | { kind: 'nkey' }
  /** Operator mode: operator/account/user JWTs, MEMORY resolver, and a `.creds` file. */
  | { kind: 'creds' };

export interface NatsTestAuthInfo {
  kind: NatsTestAuth['kind'];
  user?: string;
  password?: string;
  nkey?: NKeyUser;
  operator?: OperatorSetup;
  /** Path to the creds file (kind `creds`). */
  credsFile?: string;
  /** Path to the NKey seed file (kind `nkey`). */
  seedFile?: string;
}

export interface NatsServerOptions {
  auth?: NatsTestAuth;
  /** TLS on the client port; `verify` additionally requires a client certificate (mTLS). */
  tls?: boolean | { verify?: boolean };
  /** JetStream is on unless this is false. */
  jetstream?: boolean;
  /** Deadline for each start/restart to become ready (ms). */
  readyTimeoutMs?: number;
  serverName?: string;
  /** Raw lines appended to the generated config. */
  extraConfig?: string;
  /** Echo the server log to stderr (also: env NATS_HARNESS_ECHO=1). */
  echo?: boolean;
}

export interface NatsServerHandle {
  /** `nats://127.0.0.1:<port>` (`tls://…` when TLS is on). */
  readonly url: string;
  readonly port: number;
  readonly monitorPort: number;
  /** The JetStream `store_dir` (the server keeps its data in `<storeDir>/jetstream`). */
  readonly storeDir: string;
  /** The temporary directory holding config, store, keys and certificates. */
  readonly dir: string;
  readonly configFile: string;
  readonly serverName: string;
  /** Pid of the current incarnation (changes on restart). */
  readonly pid: number;
  /** Server version from its start-up log, e.g. `2.9.10`. */
  readonly version: string;
  readonly auth: NatsTestAuthInfo | undefined;
  readonly tls: TestTls | undefined;
  isRunning(): boolean;
  /** Last log lines of the current incarnation. */
  logs(): string[];
  /** SIGKILL the server and wait until it has exited. */
  kill9(): Promise<void>;
  /** Start again (same ports, same store) and wait until ready. Stops first if running. */
  restart(): Promise<void>;
  /** Graceful stop (SIGTERM, SIGKILL after a deadline). */
  stop(): Promise<void>;
  /** stop() and remove every temporary file. Safe to call twice. */
  cleanup(): Promise<void>;
}

// Temp dirs of servers not yet cleaned up: removed when this process exits.
const pendingDirs = new Set<string>();
let dirNetInstalled = false;
function rememberDir(dir: string): void {
  pendingDirs.add(dir);
  if (dirNetInstalled) return;
  dirNetInstalled = true;
  process.on('exit', () => {
    if (process.env.NATS_HARNESS_KEEP === '1') return;
    for (const d of pendingDirs) {
      try {
        rmSync(d, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  });
}

async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const ctl = new AbortController();
  const t = setTimeout(() => ctl.abort(), 2_000);
  try {
    const res = await fetch(url, { signal: ctl.signal });
    return { status: res.status, body: await res.text() };
  } finally {
    clearTimeout(t);
  }
}

interface ServerSpec {
  dir: string;
  configFile: string;
  storeDir: string;
  serverName: string;
  port: number;
  monitorPort: number;
  url: string;
  echo: boolean;
  readyTimeoutMs: number;
  auth: NatsTestAuthInfo | undefined;
  tls: TestTls | undefined;
  /** Monitoring path that must answer 200 (default: full `/healthz`). */
  healthPath?: string;
  /** Extra readiness condition beyond the health check (cluster: a meta leader). */
  extraReady?: (srv: ServerProcess) => Promise<boolean>;
}

class ServerProcess implements NatsServerHandle {
  private proc: LoggedProcess | undefined;
  private _version = '';
  private cleaned = false;
  constructor(private readonly spec: ServerSpec) {}

  get url(): string {
    return this.spec.url;
  }
  get port(): number {
    return this.spec.port;
  }
  get monitorPort(): number {
    return this.spec.monitorPort;
  }
  get storeDir(): string {
    return this.spec.storeDir;
  }
  get dir(): string {
    return this.spec.dir;
  }
  get configFile(): string {
    return this.spec.configFile;
  }
  get serverName(): string {
    return this.spec.serverName;
  }
  get pid(): number {
    if (!this.proc) throw new Error(`nats-server ${this.spec.serverName} is not running`);
    return this.proc.pid;
  }
  get version(): string {
    return this._version;
  }
  get auth(): NatsTestAuthInfo | undefined {
    return this.spec.auth;
  }
  get tls(): TestTls | undefined {
    return this.spec.tls;
  }
  isRunning(): boolean {
    return this.proc !== undefined && !this.proc.hasExited();
  }
  logs(): string[] {
    return this.proc?.logLines() ?? [];
  }

  /** Spawns the server; resolves when it is ready, rejects (with its log tail) if it exits first. */
  async start(): Promise<void> {
    if (this.cleaned) throw new Error('server handle was cleaned up');
    if (this.isRunning()) throw new Error(`nats-server ${this.spec.serverName} is already running`);
    const proc = spawnLogged(natsServerBinary(), ['-c', this.spec.configFile], {
      cwd: this.spec.dir,
      ...(this.spec.echo ? { echoPrefix: `[${this.spec.serverName}] ` } : {}),
    });
    this.proc = proc;
    proc.onLine((line) => {
      const m = /Version:\s+(\S+)/.exec(line);
      if (m?.[1]) this._version = m[1];
    });
    const tail = (): string => `--- ${this.spec.serverName} log ---\n${proc.logLines().slice(-40).join('\n')}`;
    try {
      await pollUntil(
        `nats-server ${this.spec.serverName} on ${this.spec.url} to become ready`,
        async () => {
          if (proc.hasExited()) {
            const { code, signal } = await proc.exited;
            throw new ServerExitedError(`nats-server exited during start-up (code ${code}, signal ${signal})\n${tail()}`);
          }
          const h = await httpGet(`http://${HOST}:${this.spec.monitorPort}${this.spec.healthPath ?? '/healthz'}`);
          if (h.status !== 200) return undefined;
          if (this.spec.extraReady && !(await this.spec.extraReady(this))) return undefined;
          return true;
        },
        { timeoutMs: this.spec.readyTimeoutMs, intervalMs: 50, onTimeout: tail, rethrow: isServerExited },
      );
    } catch (err) {
      if (!proc.hasExited()) await killAndWait(proc, 'SIGKILL');
      throw err;
    }
  }

  async kill9(): Promise<void> {
    if (this.proc) await killAndWait(this.proc, 'SIGKILL');
  }

  async stop(): Promise<void> {
    if (this.proc && !this.proc.hasExited()) await killAndWait(this.proc, 'SIGTERM', 15_000);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    await this.stop();
    this.cleaned = true;
    if (process.env.NATS_HARNESS_KEEP === '1') return;
    await rm(this.spec.dir, { recursive: true, force: true });
    pendingDirs.delete(this.spec.dir);
  }
}

class ServerExitedError extends Error {}
const isServerExited = (err: unknown): boolean => err instanceof ServerExitedError;

function q(s: string): string {
  return JSON.stringify(s);
}

function jetstreamBlock(storeDir: string): string {
  // Small limits keep a runaway test from filling the disk; they are far above what tests use.
  return `jetstream {\n  store_dir: ${q(storeDir)}\n  max_memory_store: 256MB\n  max_file_store: 2GB\n}`;
}

async function makeTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  rememberDir(dir);
  return dir;
}

/**
 * Starts one nats-server with JetStream on free loopback ports and waits until `/healthz` is ok.
 * Retries with new ports if a port was taken between choosing and binding it.
 */
export async function startNatsServer(opts: NatsServerOptions = {}): Promise<NatsServerHandle> {
  natsServerBinary(); // fail fast with the install hint
  const dir = await makeTempDir('ccsb-nats-');
  try {
    const storeDir = join(dir, 'store');
    const serverName = opts.serverName ?? `ccsb-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const configFile = join(dir, 'nats-server.conf');

    let auth: NatsTestAuthInfo | undefined;
    let authConfig = '';
    switch (opts.auth?.kind) {
      case undefined:
        break;
      case 'user': {
        const user = opts.auth.user ?? 'bridge';
        const password = opts.auth.password ?? randomSecret();
        auth = { kind: 'user', user, password };
        authConfig = `authorization {\n  user: ${q(user)}\n  password: ${q(password)}\n}`;
        break;
      }
      case 'nkey': {
        const nkey = await createNKeyUser(dir);
        auth = { kind: 'nkey', nkey, seedFile: nkey.seedFile };
        authConfig = `authorization {\n  users: [ { nkey: ${q(nkey.publicKey)} } ]\n}`;
        break;
      }
      case 'creds': {
        const operator = await createOperatorSetup(dir);
        auth = { kind: 'creds', operator, credsFile: operator.credsFile };
        authConfig = operator.serverConfig;
        break;
      }
    }

    let tls: TestTls | undefined;
    let tlsConfig = '';
    if (opts.tls) {
      tls = await createTestTls(join(dir, 'tls'));
      const verify = typeof opts.tls === 'object' && opts.tls.verify === true;
      tlsConfig = [
        'tls {',
        `  cert_file: ${q(tls.serverCertFile)}`,
        `  key_file: ${q(tls.serverKeyFile)}`,
        `  ca_file: ${q(tls.caFile)}`,
        `  verify: ${verify}`,
        '  timeout: 5',
        '}',
      ].join('\n');
    }

    let lastErr: unknown;
    for (let attempt = 0; attempt < 4; attempt++) {
      const [port, monitorPort] = (await freePorts(2)) as [number, number];
      const config = [
        `server_name: ${q(serverName)}`,
        `listen: "${HOST}:${port}"`,
        `http: "${HOST}:${monitorPort}"`,
        opts.jetstream === false ? '' : jetstreamBlock(storeDir),
        authConfig,
        tlsConfig,
        opts.extraConfig ?? '',
        '',
      ].join('\n');
      await writeFile(configFile, config, { mode: 0o600 });
      const srv = new ServerProcess({
        dir,
        configFile,
        storeDir,
        serverName,
        port,
        monitorPort,
        url: `${tls ? 'tls' : 'nats'}://${HOST}:${port}`,
        echo: opts.echo ?? process.env.NATS_HARNESS_ECHO === '1',
        readyTimeoutMs: opts.readyTimeoutMs ?? 20_000,
        auth,
        tls,
      });
      try {
        await srv.start();
        return srv;
      } catch (err) {
        lastErr = err;
        if (!(err instanceof Error) || !/address already in use/i.test(err.message)) throw err;
      }
    }
    throw lastErr;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    pendingDirs.delete(dir);
    throw err;
  }
}

// --- cluster -------------------------------------------------------------------------------------

export interface NatsClusterHandle {
  /** Client URLs of all nodes. */
  readonly urls: string[];
  readonly servers: NatsServerHandle[];
  readonly dir: string;
  readonly clusterName: string;
  /** Waits until every running node sees the same JetStream meta leader. Returns its name. */
  waitForMetaLeader(timeoutMs?: number): Promise<string>;
  cleanup(): Promise<void>;
}

interface JszMeta {
  meta_cluster?: { name?: string; leader?: string; cluster_size?: number; replicas?: Array<{ current?: boolean }> };
}

async function metaLeaderOf(monitorPort: number): Promise<string | undefined> {
  const r = await httpGet(`http://${HOST}:${monitorPort}/jsz`);
  if (r.status !== 200) return undefined;
  const j = JSON.parse(r.body) as JszMeta;
  const leader = j.meta_cluster?.leader;
  return leader ? leader : undefined;
}

/**
 * Starts an n-node (default 3) JetStream cluster on loopback: distinct client, route and
 * monitoring ports, one store dir and config file per node. Resolves once every node is healthy
 * and agrees on a JetStream meta leader.
 */
export async function startNatsCluster(
  size = 3,
  opts: { readyTimeoutMs?: number; echo?: boolean; clusterName?: string } = {},
): Promise<NatsClusterHandle> {
  natsServerBinary();
  if (size < 1) throw new Error('cluster size must be ≥ 1');
  const dir = await makeTempDir('ccsb-nats-cluster-');
  const clusterName = opts.clusterName ?? 'ccsb-test';
  const readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
  const echo = opts.echo ?? process.env.NATS_HARNESS_ECHO === '1';
  const ports = await freePorts(size * 3);
  const nodes = Array.from({ length: size }, (_, i) => ({
    name: `n${i + 1}`,
    port: ports[i * 3] as number,
    routePort: ports[i * 3 + 1] as number,
    monitorPort: ports[i * 3 + 2] as number,
  }));
  const routes = nodes.map((n) => `    "nats-route://${HOST}:${n.routePort}"`).join('\n');
  const servers: ServerProcess[] = [];
  const handle: NatsClusterHandle = {
    urls: nodes.map((n) => `nats://${HOST}:${n.port}`),
    servers,
    dir,
    clusterName,
    async waitForMetaLeader(timeoutMs = readyTimeoutMs) {
      return await pollUntil(
        'a JetStream meta leader agreed by all running nodes',
        async () => {
          const running = servers.filter((s) => s.isRunning());
          const leaders = await Promise.all(running.map((s) => metaLeaderOf(s.monitorPort)));
          const first = leaders[0];
          return first && leaders.every((l) => l === first) ? first : undefined;
        },
        { timeoutMs, intervalMs: 100 },
      );
    },
    async cleanup() {
      await Promise.all(servers.map((s) => s.stop()));
      await Promise.all(servers.map((s) => s.cleanup()));
      if (process.env.NATS_HARNESS_KEEP === '1') return;
      await rm(dir, { recursive: true, force: true });
      pendingDirs.delete(dir);
    },
  };
  try {
    for (const n of nodes) {
      const nodeDir = join(dir, n.name);
      await mkdir(nodeDir, { recursive: true });
      const storeDir = join(nodeDir, 'store');
      const configFile = join(nodeDir, 'nats-server.conf');
      const config = [
        `server_name: ${q(n.name)}`,
        `listen: "${HOST}:${n.port}"`,
        `http: "${HOST}:${n.monitorPort}"`,
        jetstreamBlock(storeDir),
        'cluster {',
        `  name: ${q(clusterName)}`,
        `  listen: "${HOST}:${n.routePort}"`,
        '  routes: [',
        routes,
        '  ]',
        '}',
        '',
      ].join('\n');
      await writeFile(configFile, config);
      servers.push(
        new ServerProcess({
          dir: nodeDir,
          configFile,
          storeDir,
          serverName: n.name,
          port: n.port,
          monitorPort: n.monitorPort,
          url: `nats://${HOST}:${n.port}`,
          echo,
          readyTimeoutMs,
          auth: undefined,
          tls: undefined,
          // A node is ready when JetStream is up and it knows the meta leader. The full /healthz
          // is not used: on 2.9 a restarted node can report an idle consumer replica as "not
          // current" for a long time although the node is serving. Tests that need caught-up
          // replicas wait for them explicitly (stream info `cluster.replicas[].current`).
          healthPath: '/healthz?js-enabled-only=true',
          extraReady: async (s) => (await metaLeaderOf(s.monitorPort)) !== undefined,
        }),
      );
    }
    // Start all nodes concurrently: a clustered node only becomes healthy once it has peers.
    await Promise.all(servers.map((s) => s.start()));
    await handle.waitForMetaLeader();
    return handle;
  } catch (err) {
    await handle.cleanup();
    throw err;
  }
}
