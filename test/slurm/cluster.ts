// A real, single-host Slurm 22.05 cluster for tests: munged, a private mariadbd, slurmdbd,
// slurmctld and N `slurmd -N nodeN` processes, all rooted in one base directory.
//
// Follows /work/shared/reference/slurm-22.05/REPORT.md (settings that work, gotchas G1-G11 and
// the failure table in §2). Everything the harness starts writes a PID file into `<base>/run`;
// `stop()` ends exactly those PIDs (plus leftover slurmstepd that belong to our spool dirs).
// Nothing is written to /etc/slurm: clients find the cluster through `SLURM_CONF` (see `env()`).
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

// ---------------------------------------------------------------------------------------------
// Public types

export interface ClusterPorts {
  slurmctld: number;
  slurmdbd: number;
  /** one port per node, index 0 = node1 */
  slurmd: number[];
  mariadb: number;
}

export interface SlurmClusterOptions {
  /** Base dir. Default: `$SLURM_TEST_BASE`, else a new temp dir. */
  base?: string;
  /** Number of slurmd "nodes" (node1..nodeN). Default 4. */
  nodes?: number;
  /** How many of the first nodes get `Gres=gpu:2` (fake GPUs). Default min(2, nodes). */
  gpuNodes?: number;
  /** ClusterName. Default `testcluster`. */
  clusterName?: string;
  /** slurm.conf MinJobAge (seconds). Default 300. */
  minJobAge?: number;
  /**
   * PrologSlurmctld script. `undefined`: the built-in `<base>/hooks/prep-env.sh` (dumps SLURM_* to
   * `<base>/log/prep/<context>.<jobid>.env`); `null`: no prolog.
   */
  prologSlurmctld?: string | null;
  /** EpilogSlurmctld script; same rules as `prologSlurmctld`. */
  epilogSlurmctld?: string | null;
  /** Fixed ports; anything not given is chosen free (bind probe on 127.0.0.1). */
  ports?: Partial<ClusterPorts>;
  /** Deadline for the whole bring-up. Default 90 s. */
  startTimeoutMs?: number;
  /** Wait for slurmctld's first scheduling pass (REPORT gotcha 8). Default true. */
  waitForSchedulerPass?: boolean;
  /** apt-get install the packages when missing (only as root on Debian). Default true. */
  install?: boolean;
  /**
   * `private` (own mariadbd in the base dir), `shared` (a per-base database in the shared MariaDB on
   * 127.0.0.1:3306, root without password) or `auto` (default: private, falling back to shared if
   * the private mariadbd cannot start; a base that fell back once stays shared).
   */
  mariadb?: 'auto' | 'private' | 'shared';
  /** Extra lines appended to slurm.conf. */
  extraSlurmConf?: string[];
  /** Progress messages. Default: silent unless SLURM_TEST_VERBOSE is set (then stderr). */
  log?: (msg: string) => void;
}

/** What was done for one `start()`, with wall-clock durations in milliseconds. */
export interface StartResult {
  base: string;
  /** true when every daemon was already running and nothing had to be started */
  alreadyRunning: boolean;
  /** daemons started by this call */
  started: string[];
  /** total time until the cluster was usable */
  totalMs: number;
  /** per phase: install, munge, mariadb, slurmdbd, accounting, slurmctld, slurmd, nodesIdle, schedulerPass */
  timings: Record<string, number>;
  gpus: boolean;
  mariadb: 'private' | 'shared';
  warnings: string[];
}

export interface StopResult {
  /** name -> pid of every process we signalled */
  signalled: Record<string, number>;
  /** pids that were still alive at the end (should be empty) */
  survivors: number[];
  totalMs: number;
}

export interface DaemonStatus {
  name: string;
  pid: number | null;
  alive: boolean;
}

export interface ClusterStatus {
  base: string;
  configured: boolean;
  daemons: DaemonStatus[];
  allAlive: boolean;
  anyAlive: boolean;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** run as this unix user (spawn uid/gid) */
  user?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  input?: string;
}

/** A (loosely typed) `sacct --json` job record; see REPORT §5.1. */
export interface SacctJob {
  job_id: number;
  name: string;
  partition: string;
  nodes: string;
  allocation_nodes: number;
  state: { current: string; reason: string };
  time: { submission: number; eligible: number; start: number | null; end: number; limit: number | null };
  steps: unknown[];
  [key: string]: unknown;
}

export interface SacctJson {
  meta: unknown;
  errors: unknown[];
  jobs: SacctJob[];
}

export interface SqueueJson {
  meta: unknown;
  errors: unknown[];
  jobs: Array<{ job_id: number; job_state: string; [key: string]: unknown }>;
}

/** Final job states in `sacct` JSON. */
export const FINAL_STATES = [
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'NODE_FAIL',
  'OUT_OF_MEMORY',
  'PREEMPTED',
  'DEADLINE',
  'BOOT_FAIL',
] as const;

export const DEFAULT_CLI_BASE = '/tmp/cc-slurm-bridge-cluster';

// ---------------------------------------------------------------------------------------------
// Constants

const REQUIRED_BINARIES: Array<[string, string]> = [
  ['/usr/sbin/munged', 'munge'],
  ['/usr/sbin/slurmctld', 'slurm-wlm (slurmctld)'],
  ['/usr/sbin/slurmd', 'slurm-wlm (slurmd)'],
  ['/usr/sbin/slurmdbd', 'slurmdbd'],
  ['/usr/bin/sbatch', 'slurm-client'],
  ['/usr/bin/sacctmgr', 'slurm-client'],
  ['/usr/sbin/mariadbd', 'mariadb-server'],
  ['/usr/bin/mariadb-install-db', 'mariadb-server'],
  ['/usr/bin/mariadb', 'mariadb-client'],
  ['/usr/bin/mariadb-admin', 'mariadb-client'],
];
const APT_PACKAGES = ['slurm-wlm', 'slurmdbd', 'munge', 'mariadb-server'];
const MARKER = '# managed-by: cc-slurm-bridge test/slurm/cluster.ts';
const DB_USER = 'slurm';
const DB_PASS = 'slurmpw';
const TEST_ACCOUNT = 'testacct';
const TEST_USERS = ['root', 'alice'];
const STATE_FILE = 'cluster.json';
/** Throw-away test DB: small files, no fsync per commit (install-db ~2.7 s instead of ~3.8 s). */
const MARIADB_FAST = [
  '--innodb-log-file-size=8M',
  '--innodb-data-file-path=ibdata1:4M:autoextend',
  '--innodb-flush-log-at-trx-commit=0',
  '--skip-innodb-doublewrite',
];

/** Order in which daemons are started; stop goes the other way. */
const DAEMON_ORDER = ['munged', 'mariadbd', 'slurmdbd', 'slurmctld'] as const;

interface SavedState {
  version: 1;
  clusterName: string;
  nodes: number;
  gpuNodes: number;
  ports: ClusterPorts;
  mariadb: 'private' | 'shared';
  dbName: string;
}

// ---------------------------------------------------------------------------------------------
// Small process / fs helpers

function defaultLog(): (msg: string) => void {
  return process.env.SLURM_TEST_VERBOSE
    ? (m) => process.stderr.write(`[slurm-cluster ${new Date().toISOString().slice(11, 23)}] ${m}\n`)
    : () => {};
}

/** Run a command to completion, collecting output. Never throws for a non-zero exit. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const so: SpawnOptions = {
      cwd: opts.cwd,
      env: cleanEnv({ ...process.env, ...opts.env }),
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    };
    if (opts.user) {
      const u = lookupUser(opts.user);
      if (!u) throw new Error(`unknown user ${opts.user}`);
      so.uid = u.uid;
      so.gid = u.gid;
      (so.env as Record<string, string>).HOME = u.home;
      (so.env as Record<string, string>).USER = opts.user;
      (so.env as Record<string, string>).LOGNAME = opts.user;
    }
    const child = spawn(cmd, args, so);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            stderr += `\n[harness: ${cmd} killed after ${opts.timeoutMs} ms]`;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

async function runOk(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, { timeoutMs: 60_000, ...opts });
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.code ?? r.signal}): ${(r.stderr || r.stdout).trim()}`);
  }
  return r.stdout;
}

/**
 * Start a program that daemonizes itself (or start-stop-daemon --background): wait for the
 * launcher to exit (not for its stdio to close), with stdout/stderr going to a log file.
 */
function launch(cmd: string, args: string[], env: Record<string, string>, logFile: string, daemonLog?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, 'a');
    let child;
    try {
      child = spawn(cmd, args, { env: cleanEnv({ ...process.env, ...env }), stdio: ['ignore', fd, fd], detached: true });
    } finally {
      closeSync(fd);
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} did not return within 30 s (see ${logFile})`));
    }, 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else {
        const detail = [logFile, ...(daemonLog ? [daemonLog] : [])].map((f) => `--- ${f}:\n${tail(f)}`).join('\n');
        reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}\n${detail}`));
      }
    });
  });
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function lookupUser(name: string): { uid: number; gid: number; home: string } | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length >= 7) return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '/' };
    }
  } catch {
    /* fall through */
  }
  return null;
}

function readPid(file: string): number | null {
  try {
    const n = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 1 ? n : null;
  } catch {
    return null;
  }
}

/** Process state letter from /proc/<pid>/stat, or null if there is no such process. */
function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

/** Alive = exists and is not a zombie (PID 1 here reaps lazily, REPORT §2 row 2). */
export function pidAlive(pid: number): boolean {
  const s = procState(pid);
  return s !== null && s !== 'Z' && s !== 'X';
}

function procRead(pid: number, what: string): string {
  try {
    return readFileSync(`/proc/${pid}/${what}`, 'utf8');
  } catch {
    return '';
  }
}

function procComm(pid: number): string {
  return procRead(pid, 'comm').trim();
}

function procPpid(pid: number): number {
  const stat = procRead(pid, 'stat');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[1] ?? 0);
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function tcpConnects(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Ports below the ephemeral range, away from the usual service ports. */
async function pickPort(taken: Set<number>, preferred?: number): Promise<number> {
  if (preferred !== undefined && !taken.has(preferred) && (await portFree(preferred))) {
    taken.add(preferred);
    return preferred;
  }
  for (let i = 0; i < 500; i++) {
    const p = 20000 + Math.floor(Math.random() * 12000);
    if (taken.has(p)) continue;
    if (await portFree(p)) {
      taken.add(p);
      return p;
    }
  }
  throw new Error('could not find a free TCP port on 127.0.0.1');
}

/**
 * Poll `check` until it returns a non-undefined value. Wall-clock deadline plus a liveness check
 * (throws at once if `alive` says the daemon died). Never loops forever.
 */
async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined> | T | undefined,
  alive?: () => string | null,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    const dead = alive?.();
    if (dead) throw new Error(`${what}: ${dead}`);
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

function mkdir(path: string, mode: number, owner?: { uid: number; gid: number }): void {
  mkdirSync(path, { recursive: true, mode });
  chmodSync(path, mode);
  if (owner) chownSync(path, owner.uid, owner.gid);
}

/** Write only when the content changed; returns true if written. */
function writeIfChanged(path: string, content: string, mode: number): boolean {
  let old: string | null = null;
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    /* new file */
  }
  if (old !== content) writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  return old !== content;
}

function isCharDevice(path: string): boolean {
  try {
    return statSync(path).isCharacterDevice();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Installation check

let installChecked = false;

/** Throws a clear error naming what is missing, after trying apt-get (root + Debian only). */
export async function ensureSlurmInstalled(opts: { install?: boolean; log?: (m: string) => void } = {}): Promise<number> {
  const t0 = Date.now();
  if (installChecked) return 0;
  const missing = () => REQUIRED_BINARIES.filter(([bin]) => !existsSync(bin));
  let miss = missing();
  if (miss.length) {
    const isRoot = process.getuid?.() === 0;
    const isDebian = existsSync('/etc/debian_version');
    if (opts.install !== false && isRoot && isDebian) {
      opts.log?.(`installing ${APT_PACKAGES.join(' ')} (missing: ${miss.map((m) => m[0]).join(', ')})`);
      const env = { DEBIAN_FRONTEND: 'noninteractive' };
      await runOk('apt-get', ['update'], { env, timeoutMs: 300_000 });
      await runOk('apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES, 'mariadb-client'], {
        env,
        timeoutMs: 600_000,
      });
      miss = missing();
    }
    if (miss.length) {
      throw new Error(
        `Slurm test cluster: missing ${miss.map(([b, p]) => `${b} (package ${p})`).join(', ')}. ` +
          `Install with: apt-get install -y ${APT_PACKAGES.join(' ')}` +
          (isRoot && isDebian ? '' : ' (automatic install needs root on Debian)'),
      );
    }
  }
  for (const tool of ['/usr/sbin/start-stop-daemon', '/usr/bin/mknod']) {
    if (!existsSync(tool)) throw new Error(`Slurm test cluster: missing ${tool}`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error('Slurm test cluster: must run as root (slurmd, munged and SlurmUser=root need it)');
  }
  installChecked = true;
  return Date.now() - t0;
}

// ---------------------------------------------------------------------------------------------
// The cluster

export class SlurmCluster {
  readonly base: string;
  readonly clusterName: string;
  readonly nodeCount: number;
  readonly gpuNodes: number;
  readonly minJobAge: number;
  /** filled in by start(): timings of the last start */
  lastStart: StartResult | null = null;
  private readonly opts: SlurmClusterOptions;
  private readonly log: (m: string) => void;
  private state: SavedState | null = null;
  private gpusOk = false;
  private readonly createdBase: boolean;

  constructor(opts: SlurmClusterOptions = {}) {
    this.opts = opts;
    this.log = opts.log ?? defaultLog();
    const base = opts.base ?? process.env.SLURM_TEST_BASE;
    if (base) {
      this.base = resolve(base);
      this.createdBase = false;
    } else {
      this.base = mkdtempSync(join(tmpdir(), 'slurm-'));
      this.createdBase = true;
    }
    const saved = this.loadState();
    this.clusterName = opts.clusterName ?? saved?.clusterName ?? 'testcluster';
    this.nodeCount = opts.nodes ?? saved?.nodes ?? 4;
    if (!Number.isInteger(this.nodeCount) || this.nodeCount < 1 || this.nodeCount > 64) {
      throw new Error(`nodes must be 1..64, got ${this.nodeCount}`);
    }
    this.gpuNodes = Math.min(opts.gpuNodes ?? saved?.gpuNodes ?? 2, this.nodeCount);
    this.minJobAge = opts.minJobAge ?? 300;
    if (!/^[a-z][a-z0-9_]{0,39}$/.test(this.clusterName)) {
      throw new Error(`cluster name must be lower-case [a-z0-9_], got ${this.clusterName}`);
    }
  }

  /** Create (if needed) and start a cluster; resolves when it is usable. */
  static async start(opts: SlurmClusterOptions = {}): Promise<SlurmCluster> {
    const c = new SlurmCluster(opts);
    try {
      await c.start();
    } catch (e) {
      // the caller never gets the instance, so do not leave half a cluster running
      await c.stop({ purge: c.ownsBase }).catch(() => undefined);
      throw e;
    }
    return c;
  }

  // --- paths ---------------------------------------------------------------------------------
  p(...parts: string[]): string {
    return join(this.base, ...parts);
  }
  get confPath(): string {
    return this.p('etc', 'slurm.conf');
  }
  get mungeSocket(): string {
    return this.p('run', 'munge.socket');
  }
  get nodeNames(): string[] {
    return Array.from({ length: this.nodeCount }, (_, i) => `node${i + 1}`);
  }
  get ports(): ClusterPorts {
    if (!this.state) throw new Error('cluster not configured yet: call start()');
    return this.state.ports;
  }
  /** Whether nodes 1..gpuNodes really have 2 fake GPUs each (false if mknod was not permitted). */
  get gpus(): boolean {
    return this.gpusOk;
  }
  /** Default hook log dir (`<base>/log/prep`) used by the built-in prep-env.sh. */
  get prepLogDir(): string {
    return this.p('log', 'prep');
  }

  /** Environment for Slurm clients (/usr/bin/sbatch, squeue, sacct, scontrol, sacctmgr). */
  env(): Record<string, string> {
    return { SLURM_CONF: this.confPath, SLURM_TEST_BASE: this.base };
  }

  private pidFile(name: string): string {
    return this.p('run', `${name}.pid`);
  }

  private loadState(): SavedState | null {
    try {
      const s = JSON.parse(readFileSync(this.p(STATE_FILE), 'utf8')) as SavedState;
      return s.version === 1 ? s : null;
    } catch {
      return null;
    }
  }

  // --- status --------------------------------------------------------------------------------

  /** Is the process behind this pid file ours (exe name + base dir / SLURM_CONF in cmdline/env)? */
  private ownedPid(name: string): number | null {
    const pid = readPid(this.pidFile(name));
    if (pid === null || !pidAlive(pid)) return null;
    return isOurs(pid, exeNameFor(name), this.base) ? pid : null;
  }

  private daemonNames(): string[] {
    const names: string[] = [...DAEMON_ORDER];
    if (this.state?.mariadb === 'shared') names.splice(names.indexOf('mariadbd'), 1);
    return [...names, ...this.nodeNames.map((n) => `slurmd-${n}`)];
  }

  status(): ClusterStatus {
    this.state ??= this.loadState();
    const daemons = this.daemonNames().map((name) => {
      const pid = readPid(this.pidFile(name));
      return { name, pid, alive: this.ownedPid(name) !== null };
    });
    return {
      base: this.base,
      configured: existsSync(this.confPath),
      daemons,
      allAlive: daemons.every((d) => d.alive),
      anyAlive: daemons.some((d) => d.alive),
    };
  }

  /** PIDs of our running daemons (name -> pid). */
  pids(): Record<string, number> {
    return pidsFromRunDir(this.base);
  }

  // --- start ---------------------------------------------------------------------------------

  /** Idempotent: starts whatever is not running yet, then waits until the cluster is usable. */
  async start(): Promise<StartResult> {
    const t0 = Date.now();
    const timeoutMs = this.opts.startTimeoutMs ?? 90_000;
    const deadline = t0 + timeoutMs;
    const left = () => Math.max(1000, deadline - Date.now());
    const timings: Record<string, number> = {};
    const started: string[] = [];
    const warnings: string[] = [];
    const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const s = Date.now();
      try {
        return await fn();
      } finally {
        timings[name] = (timings[name] ?? 0) + Date.now() - s;
      }
    };

    timings.install = await ensureSlurmInstalled({ install: this.opts.install, log: this.log });
    this.layout();
    const before = this.status();
    await this.choosePorts(before.anyAlive);
    const state = this.state!;
    this.gpusOk = this.makeFakeGpus();
    if (!this.gpusOk && this.gpuNodes > 0) warnings.push('mknod not permitted: nodes have no GPUs');
    const ctldConfChanged = this.writeConfigs();
    await ensureUser('alice');

    const ctldEnv = { SLURM_CONF: this.confPath };
    // stale pid files (daemon killed -9, or the pid now belongs to someone else) would make the
    // liveness checks below report a freshly started daemon as dead
    for (const name of this.daemonNames()) if (!this.ownedPid(name)) rmSync(this.pidFile(name), { force: true });

    // munged -----------------------------------------------------------------------------
    if (!this.ownedPid('munged')) {
      await phase('munge', async () => {
        await this.startMunged();
        started.push('munged');
      });
    }

    // mariadbd -----------------------------------------------------------------------------
    if (state.mariadb === 'private' && !this.ownedPid('mariadbd')) {
      await phase('mariadb', async () => {
        try {
          await this.startMariadb(left());
          started.push('mariadbd');
        } catch (e) {
          if (this.opts.mariadb === 'private') throw e;
          await stopPids(this.base, ['mariadbd'], 5000, this.log); // in case it half-started
          const msg = `private mariadbd failed, falling back to the shared MariaDB on 127.0.0.1:3306: ${(e as Error).message}`;
          this.log(msg);
          warnings.push(msg);
          await this.useSharedMariadb();
        }
      });
    } else if (state.mariadb === 'shared') {
      await phase('mariadb', () => this.useSharedMariadb());
    }

    // slurmdbd -----------------------------------------------------------------------------
    if (!this.ownedPid('slurmdbd')) {
      await phase('slurmdbd', async () => {
        await launch('/usr/sbin/slurmdbd', [], ctldEnv, this.p('log', 'slurmdbd.stdout'), this.p('log', 'slurmdbd.log'));
        started.push('slurmdbd');
        await this.waitDaemon('slurmdbd', this.p('log', 'slurmdbd.log'), left(), () => tcpConnects(state.ports.slurmdbd));
      });
    }

    // accounting (cluster / account / users) ----------------------------------------------
    await phase('accounting', () => this.ensureAccounting(left()));

    // slurmctld ----------------------------------------------------------------------------
    let ctldLogOffset = -1;
    let ctld = this.ownedPid('slurmctld');
    const running = Object.keys(this.pids()).filter((n) => n === 'slurmctld' || n.startsWith('slurmd-'));
    if (ctldConfChanged && running.length) {
      // the config changed under a running cluster: restart slurmctld and all slurmd
      this.log('slurm.conf changed: restarting slurmctld and slurmd');
      await stopPids(this.base, running, 10_000, this.log);
      ctld = null;
    }
    if (!ctld) {
      await phase('slurmctld', async () => {
        const logFile = this.p('log', 'slurmctld.log');
        ctldLogOffset = fileSize(logFile);
        // slurmctld refuses state saved under another ClusterName ("CLUSTER NAME MISMATCH")
        const nameFile = this.p('state', 'ctld', 'clustername');
        if (existsSync(nameFile) && readFileSync(nameFile, 'utf8').trim() !== this.clusterName) {
          this.log(`ClusterName changed to ${this.clusterName}: discarding slurmctld state`);
          rmSync(this.p('state', 'ctld'), { recursive: true, force: true });
          mkdir(this.p('state', 'ctld'), 0o755);
        }
        await launch('/usr/sbin/slurmctld', ['-f', this.confPath], ctldEnv, this.p('log', 'slurmctld.stdout'), logFile);
        started.push('slurmctld');
        await this.waitDaemon('slurmctld', logFile, left(), () => tcpConnects(state.ports.slurmctld));
      });
    }

    // slurmd -------------------------------------------------------------------------------
    // slurmd of nodes beyond nodeCount (from an earlier, bigger run) are stopped
    const extra = Object.keys(this.pids()).filter(
      (n) => n.startsWith('slurmd-') && !this.nodeNames.includes(n.slice('slurmd-'.length)),
    );
    if (extra.length) await stopPids(this.base, extra, 10_000, this.log);
    await phase('slurmd', async () => {
      const launches = this.nodeNames
        .filter((n) => !this.ownedPid(`slurmd-${n}`))
        .map(async (n) => {
          await launch('/usr/sbin/slurmd', ['-f', this.confPath, '-N', n], ctldEnv, this.p('log', `slurmd-${n}.stdout`), this.p('log', `slurmd-${n}.log`));
          started.push(`slurmd-${n}`);
        });
      await Promise.all(launches);
      for (const n of this.nodeNames) {
        await this.waitDaemon(`slurmd-${n}`, this.p('log', `slurmd-${n}.log`), left(), () => true);
      }
    });

    // all nodes idle ----------------------------------------------------------------------
    await phase('nodesIdle', () => this.waitNodesIdle(left()));

    // slurmctld's first scheduling pass (gotcha 8) ----------------------------------------
    if (ctldLogOffset >= 0 && this.opts.waitForSchedulerPass !== false) {
      await phase('schedulerPass', async () => {
        const logFile = this.p('log', 'slurmctld.log');
        try {
          await waitFor(
            'slurmctld first scheduling pass (SchedulerParameters log line)',
            Math.min(left(), 15_000),
            () => (readFrom(logFile, ctldLogOffset).includes('SchedulerParameters=') ? true : undefined),
            () => (this.ownedPid('slurmctld') ? null : `slurmctld died:\n${tail(logFile)}`),
          );
        } catch (e) {
          if (!this.ownedPid('slurmctld')) throw e;
          warnings.push((e as Error).message);
        }
      });
    }

    const result: StartResult = {
      base: this.base,
      alreadyRunning: started.length === 0,
      started,
      totalMs: Date.now() - t0,
      timings,
      gpus: this.gpusOk,
      mariadb: state.mariadb,
      warnings,
    };
    this.lastStart = result;
    this.log(`cluster up in ${result.totalMs} ms (${started.length ? `started ${started.join(', ')}` : 'already running'})`);
    return result;
  }

  /** Directory layout; permissions per REPORT §2 rows 3 and 4. */
  private layout(): void {
    const mysql = lookupUser('mysql');
    // munged refuses a socket below a directory that is not o+x (REPORT §2 row 3); say so clearly
    for (let d = dirname(this.base); ; d = dirname(d)) {
      const st = statSync(d);
      if ((st.mode & 0o001) === 0) {
        throw new Error(`base dir ${this.base}: ancestor ${d} must be world-executable (o+x) for munged's socket`);
      }
      if (d === dirname(d)) break;
    }
    mkdir(this.base, 0o755);
    for (const d of ['run', 'etc', 'log', 'log/prep', 'state', 'state/ctld', 'spool', 'hooks', 'dev']) {
      mkdir(this.p(d), 0o755);
    }
    mkdir(this.p('munge'), 0o700);
    for (const n of this.nodeNames) mkdir(this.p('spool', `slurmd-${n}`), 0o755);
    if (mysql) {
      mkdir(this.p('run', 'mysql'), 0o755, mysql);
      mkdir(this.p('run', 'mysql-tmp'), 0o750, mysql);
      mkdir(this.p('log', 'mariadb'), 0o755, mysql);
    }
  }

  private async choosePorts(anyAlive: boolean): Promise<void> {
    const saved = this.loadState();
    const want = this.opts.ports ?? {};
    let ports: ClusterPorts;
    if (anyAlive && saved) {
      // daemons of ours are running: keep their ports; only new nodes get new ports
      const taken = new Set<number>([saved.ports.slurmctld, saved.ports.slurmdbd, saved.ports.mariadb, ...saved.ports.slurmd]);
      const slurmd: number[] = [];
      for (let i = 0; i < this.nodeCount; i++) {
        slurmd.push(saved.ports.slurmd[i] ?? (await pickPort(taken, want.slurmd?.[i])));
      }
      ports = { ...saved.ports, slurmd };
    } else {
      const taken = new Set<number>();
      const slurmctld = await pickPort(taken, want.slurmctld ?? saved?.ports.slurmctld);
      const slurmdbd = await pickPort(taken, want.slurmdbd ?? saved?.ports.slurmdbd);
      const mariadb = await pickPort(taken, want.mariadb ?? saved?.ports.mariadb);
      const slurmd: number[] = [];
      for (let i = 0; i < this.nodeCount; i++) slurmd.push(await pickPort(taken, want.slurmd?.[i] ?? saved?.ports.slurmd[i]));
      ports = { slurmctld, slurmdbd, slurmd, mariadb };
    }
    const mode = this.opts.mariadb ?? 'auto';
    const mariadbMode: 'private' | 'shared' =
      anyAlive && saved ? saved.mariadb : mode === 'auto' ? saved?.mariadb ?? 'private' : mode;
    this.state = {
      version: 1,
      clusterName: this.clusterName,
      nodes: this.nodeCount,
      gpuNodes: this.gpuNodes,
      ports,
      mariadb: mariadbMode,
      dbName: mariadbMode === 'shared' ? sharedDbName(this.base) : 'slurm_acct_db',
    };
    this.saveState();
  }

  private saveState(): void {
    writeFileSync(this.p(STATE_FILE), JSON.stringify(this.state, null, 2) + '\n');
  }

  /** Fake GPUs: char devices cloned from /dev/null and /dev/zero (REPORT §2 row 6). */
  private makeFakeGpus(): boolean {
    if (this.gpuNodes === 0) return false;
    const devs: Array<[string, string]> = [
      ['gpu0', '3'],
      ['gpu1', '5'],
    ];
    for (const [name, minor] of devs) {
      const path = this.p('dev', name);
      if (isCharDevice(path)) continue;
      rmSync(path, { force: true });
      const r = spawnSyncQuiet('/usr/bin/mknod', [path, 'c', '1', minor]);
      if (!r || !isCharDevice(path)) {
        this.log(`mknod ${path} failed: no fake GPUs`);
        return false;
      }
    }
    return true;
  }

  /** Writes slurm.conf, slurmdbd.conf, gres.conf and the hook script. Returns true if slurm.conf/gres.conf changed. */
  private writeConfigs(): boolean {
    const s = this.state!;
    const b = this.base;
    const gpuRange = this.gpuNodes === 1 ? 'node1' : `node[1-${this.gpuNodes}]`;
    const hook = this.p('hooks', 'prep-env.sh');
    writeIfChanged(hook, prepEnvScript(this.prepLogDir, this.p('log', 'prep-hooks.log')), 0o755);
    const prolog = this.opts.prologSlurmctld === undefined ? hook : this.opts.prologSlurmctld;
    const epilog = this.opts.epilogSlurmctld === undefined ? hook : this.opts.epilogSlurmctld;

    const nodeLines = this.nodeNames.map((n, i) => {
      const gres = this.gpusOk && i < this.gpuNodes ? ' Gres=gpu:2' : '';
      return (
        `NodeName=${n} NodeHostname=localhost NodeAddr=127.0.0.1 Port=${s.ports.slurmd[i]} CPUs=2 Boards=1 ` +
        `SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=1000${gres} State=UNKNOWN`
      );
    });
    const allNodes = this.nodeCount === 1 ? 'node1' : `node[1-${this.nodeCount}]`;
    const conf = [
      MARKER,
      `ClusterName=${this.clusterName}`,
      'SlurmctldHost=localhost',
      `SlurmctldPort=${s.ports.slurmctld}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${this.mungeSocket}`,
      'CredType=cred/munge',
      `StateSaveLocation=${b}/state/ctld`,
      `SlurmdSpoolDir=${b}/spool/slurmd-%n`,
      `SlurmctldPidFile=${b}/run/slurmctld.pid`,
      `SlurmdPidFile=${b}/run/slurmd-%n.pid`,
      `SlurmctldLogFile=${b}/log/slurmctld.log`,
      `SlurmdLogFile=${b}/log/slurmd-%n.log`,
      'SlurmctldDebug=info',
      'SlurmdDebug=info',
      'MailProg=/bin/true',
      '# no cgroups: works without a delegated cgroup tree',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/linux',
      'JobAcctGatherFrequency=5',
      'SwitchType=switch/none',
      'MpiDefault=none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      '# nodes claim the configured CPUs/memory, not the real hardware',
      'SlurmdParameters=config_overrides',
      'ReturnToService=2',
      'SchedulerType=sched/backfill',
      'SchedulerParameters=batch_sched_delay=0,bf_interval=2',
      'KillWait=2',
      `MinJobAge=${this.minJobAge}`,
      'InactiveLimit=0',
      'Waittime=0',
      'SlurmctldTimeout=30',
      'SlurmdTimeout=60',
      'MessageTimeout=10',
      'AccountingStorageType=accounting_storage/slurmdbd',
      'AccountingStorageHost=localhost',
      `AccountingStoragePort=${s.ports.slurmdbd}`,
      '# for auth/munge this is the munge socket used towards slurmdbd (REPORT §2 row 5)',
      `AccountingStoragePass=${this.mungeSocket}`,
      'AccountingStorageTRES=gres/gpu',
      'JobCompType=jobcomp/none',
      ...(prolog || epilog ? ['PrEpPlugins=prep/script'] : []),
      ...(prolog ? [`PrologSlurmctld=${prolog}`] : []),
      ...(epilog ? [`EpilogSlurmctld=${epilog}`] : []),
      'GresTypes=gpu',
      ...(this.opts.extraSlurmConf ?? []),
      ...nodeLines,
      `PartitionName=debug Nodes=${allNodes} Default=YES MaxTime=INFINITE State=UP`,
      `PartitionName=gpu Nodes=${gpuRange} Default=NO MaxTime=60 State=UP`,
      '',
    ].join('\n');

    const gres = [
      MARKER,
      ...(this.gpusOk ? [`NodeName=${gpuRange} Name=gpu File=${b}/dev/gpu[0-1]`] : []),
      '',
    ].join('\n');

    const dbd = [
      MARKER,
      'AuthType=auth/munge',
      `AuthInfo=socket=${this.mungeSocket}`,
      'DbdHost=localhost',
      'DbdAddr=127.0.0.1',
      `DbdPort=${s.ports.slurmdbd}`,
      'SlurmUser=root',
      'DebugLevel=info',
      `LogFile=${b}/log/slurmdbd.log`,
      `PidFile=${b}/run/slurmdbd.pid`,
      'StorageType=accounting_storage/mysql',
      // 127.0.0.1, not localhost: "localhost" makes the MySQL client use the default unix socket
      'StorageHost=127.0.0.1',
      `StoragePort=${s.mariadb === 'shared' ? 3306 : s.ports.mariadb}`,
      `StorageUser=${s.mariadb === 'shared' ? 'root' : DB_USER}`,
      ...(s.mariadb === 'shared' ? [] : [`StoragePass=${DB_PASS}`]),
      `StorageLoc=${s.dbName}`,
      '',
    ].join('\n');

    const c1 = writeIfChanged(this.confPath, conf, 0o644);
    const c2 = writeIfChanged(this.p('etc', 'gres.conf'), gres, 0o644);
    // slurmdbd insists on 0600 owned by SlurmUser
    writeIfChanged(this.p('etc', 'slurmdbd.conf'), dbd, 0o600);
    return c1 || c2;
  }

  private async startMunged(): Promise<void> {
    const key = this.p('munge', 'munge.key');
    if (!existsSync(key)) {
      writeFileSync(key, randomBytes(1024), { mode: 0o600 });
    }
    rmSync(this.mungeSocket, { force: true });
    rmSync(`${this.mungeSocket}.lock`, { force: true });
    await launch(
      '/usr/sbin/munged',
      [
        `--socket=${this.mungeSocket}`,
        `--key-file=${key}`,
        `--pid-file=${this.pidFile('munged')}`,
        `--log-file=${this.p('log', 'munged.log')}`,
        `--seed-file=${this.p('munge', 'munged.seed')}`,
        '--num-threads=4',
      ],
      {},
      this.p('log', 'munged.stdout'),
    );
    await this.waitDaemon('munged', this.p('log', 'munged.log'), 10_000, () => existsSync(this.mungeSocket));
  }

  private mariadbArgs(): string[] {
    const s = this.state!;
    return [
      '--no-defaults',
      '--user=mysql',
      `--datadir=${this.p('mysql')}`,
      `--socket=${this.p('run', 'mysql', 'mysqld.sock')}`,
      `--pid-file=${this.p('run', 'mysql', 'mariadbd.pid')}`,
      `--port=${s.ports.mariadb}`,
      '--bind-address=127.0.0.1',
      `--log-error=${this.p('log', 'mariadb', 'error.log')}`,
      ...MARIADB_FAST,
      `--tmpdir=${this.p('run', 'mysql-tmp')}`,
      '--skip-log-bin',
      '--innodb-buffer-pool-size=64M',
      '--max-connections=50',
    ];
  }

  private async startMariadb(timeoutMs: number): Promise<void> {
    const mysql = lookupUser('mysql');
    if (!mysql) throw new Error('no unix user mysql (is mariadb-server installed?)');
    const datadir = this.p('mysql');
    const sock = this.p('run', 'mysql', 'mysqld.sock');
    if (!existsSync(join(datadir, 'mysql'))) {
      rmSync(datadir, { recursive: true, force: true });
      mkdir(datadir, 0o750, mysql);
      await runOk(
        '/usr/bin/mariadb-install-db',
        [
          '--no-defaults',
          '--user=mysql',
          `--datadir=${datadir}`,
          '--auth-root-authentication-method=socket',
          '--skip-test-db',
          '--skip-name-resolve',
          ...MARIADB_FAST,
          // a private tmpdir: concurrent install-db runs sharing /tmp failed with
          // "Could not remove temporary table '/tmp/#sql-temptable-…'" / "Unknown table 'mysql.tmp_proxies_priv'"
          `--tmpdir=${this.p('run', 'mysql-tmp')}`,
        ],
        { timeoutMs: 120_000 },
      ).catch((e: unknown) => {
        rmSync(datadir, { recursive: true, force: true }); // no half-initialised datadir next time
        throw e;
      });
    }
    rmSync(sock, { force: true });
    await launch(
      '/usr/sbin/start-stop-daemon',
      [
        '--start',
        '--background',
        '--make-pidfile',
        `--pidfile=${this.pidFile('mariadbd')}`,
        '--exec=/usr/sbin/mariadbd',
        '--',
        ...this.mariadbArgs(),
      ],
      {},
      this.p('log', 'mariadb.stdout'),
    );
    const errLog = this.p('log', 'mariadb', 'error.log');
    await this.waitDaemon('mariadbd', errLog, timeoutMs, async () => {
      if (!existsSync(sock)) return false;
      const r = await run('/usr/bin/mariadb-admin', ['--no-defaults', `--socket=${sock}`, '-uroot', 'ping'], { timeoutMs: 5000 });
      return r.code === 0;
    });
    const db = this.state!.dbName;
    const sql = [
      `CREATE DATABASE IF NOT EXISTS ${db};`,
      ...['localhost', '127.0.0.1'].flatMap((h) => [
        `CREATE USER IF NOT EXISTS '${DB_USER}'@'${h}' IDENTIFIED BY '${DB_PASS}';`,
        `GRANT ALL ON ${db}.* TO '${DB_USER}'@'${h}';`,
      ]),
      'FLUSH PRIVILEGES;',
    ].join('\n');
    await runOk('/usr/bin/mariadb', ['--no-defaults', `--socket=${sock}`, '-uroot'], { input: sql, timeoutMs: 30_000 });
  }

  /** Fallback: a per-base database in the shared MariaDB on 127.0.0.1:3306 (root, no password). */
  private async useSharedMariadb(): Promise<void> {
    const s = this.state!;
    if (s.mariadb !== 'shared') {
      s.mariadb = 'shared';
      s.dbName = sharedDbName(this.base);
      this.saveState();
      this.writeConfigs();
    }
    await runOk('/usr/bin/mariadb', ['--no-defaults', '-h127.0.0.1', '-P3306', '-uroot', '-e', `CREATE DATABASE IF NOT EXISTS ${s.dbName}`], {
      timeoutMs: 30_000,
    });
  }

  /** Wait for a daemon's pid file, its liveness and a readiness check. */
  private async waitDaemon(name: string, logFile: string, timeoutMs: number, ready: () => Promise<boolean> | boolean): Promise<number> {
    const t0 = Date.now();
    return waitFor(
      `${name} to come up`,
      timeoutMs,
      async () => {
        const pid = this.ownedPid(name);
        if (pid === null) return undefined;
        return (await ready()) ? pid : undefined;
      },
      () => {
        // allow the pid file a moment to appear before declaring the daemon dead
        const pid = readPid(this.pidFile(name));
        if (pid === null) return Date.now() - t0 > 5000 ? `no pid file after 5 s; log ${logFile}:\n${tail(logFile)}` : null;
        return pidAlive(pid) ? null : `${name} (pid ${pid}) died; log ${logFile}:\n${tail(logFile)}`;
      },
    );
  }

  private async ensureAccounting(timeoutMs: number): Promise<void> {
    const env = this.env();
    const dbdLog = this.p('log', 'slurmdbd.log');
    const assocs = await waitFor(
      'slurmdbd to answer sacctmgr',
      timeoutMs,
      async () => {
        const r = await run('/usr/bin/sacctmgr', ['-n', '-P', 'show', 'assoc', 'format=cluster,account,user'], { env, timeoutMs: 15_000 });
        return r.code === 0 ? r.stdout : undefined;
      },
      () => (this.ownedPid('slurmdbd') ? null : `slurmdbd died:\n${tail(dbdLog)}`),
      250,
    );
    const have = new Set(assocs.split('\n').map((l) => l.trim()));
    const c = this.clusterName;
    const has = (account: string, user: string) => have.has(`${c}|${account}|${user}`);
    if (!has('root', '')) {
      await runOk('/usr/bin/sacctmgr', ['-i', 'add', 'cluster', c], { env });
    }
    if (!has(TEST_ACCOUNT, '')) {
      await runOk('/usr/bin/sacctmgr', ['-i', 'add', 'account', TEST_ACCOUNT, `Cluster=${c}`, 'Description=test', 'Organization=test'], { env });
    }
    const users = TEST_USERS.filter((u) => !has(TEST_ACCOUNT, u));
    if (users.length) {
      await runOk('/usr/bin/sacctmgr', ['-i', 'add', 'user', users.join(','), `Account=${TEST_ACCOUNT}`, `Cluster=${c}`], { env });
    }
  }

  private async waitNodesIdle(timeoutMs: number): Promise<void> {
    const env = this.env();
    let last = '';
    await waitFor(
      `all ${this.nodeCount} nodes idle in sinfo`,
      timeoutMs,
      async () => {
        const r = await run('/usr/bin/sinfo', ['-h', '-N', '-o', '%N %t'], { env, timeoutMs: 10_000 });
        if (r.code !== 0) {
          last = r.stderr.trim();
          return undefined;
        }
        const states = new Map<string, string>();
        for (const line of r.stdout.trim().split('\n')) {
          const [n, st] = line.trim().split(/\s+/);
          if (n && st) states.set(n, st);
        }
        last = [...states].map(([n, st]) => `${n}=${st}`).join(' ');
        return this.nodeNames.every((n) => states.get(n) === 'idle') ? true : undefined;
      },
      () => {
        if (!this.ownedPid('slurmctld')) return `slurmctld died:\n${tail(this.p('log', 'slurmctld.log'))}`;
        const dead = this.nodeNames.find((n) => !this.ownedPid(`slurmd-${n}`));
        return dead ? `slurmd ${dead} died:\n${tail(this.p('log', `slurmd-${dead}.log`))}` : null;
      },
      200,
    ).catch((e: Error) => {
      throw new Error(`${e.message} (last: ${last})`);
    });
  }

  // --- stop ----------------------------------------------------------------------------------

  /** Stops exactly what this base's pid files name; `purge` also deletes the base dir. */
  async stop(opts: { purge?: boolean; timeoutMs?: number } = {}): Promise<StopResult> {
    return stopCluster(this.base, { ...opts, log: this.log });
  }

  // --- helpers for tests ---------------------------------------------------------------------

  /** Run a Slurm client with this cluster's environment. */
  run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return run(cmd, args, { timeoutMs: 60_000, ...opts, env: { ...this.env(), ...opts.env } });
  }

  /** `sbatch --parsable ...args`; returns the job id. */
  async sbatch(args: string[], opts: RunOptions = {}): Promise<number> {
    const cwd = opts.cwd ?? (opts.user ? lookupUser(opts.user)?.home ?? '/tmp' : this.p('log'));
    const r = await this.run('/usr/bin/sbatch', ['--parsable', ...args], { ...opts, cwd });
    const m = /^(\d+)/.exec(r.stdout.trim());
    if (r.code !== 0 || !m) {
      throw new Error(`sbatch ${args.join(' ')} failed (${r.code ?? r.signal}): ${(r.stderr || r.stdout).trim()}`);
    }
    return Number(m[1]);
  }

  async squeueJson(): Promise<SqueueJson> {
    const r = await this.run('/usr/bin/squeue', ['--json']);
    if (r.code !== 0) throw new Error(`squeue --json failed: ${r.stderr.trim()}`);
    return JSON.parse(r.stdout) as SqueueJson;
  }

  async sacctJson(args: string[] = []): Promise<SacctJson> {
    const r = await this.run('/usr/bin/sacct', ['--json', ...args]);
    if (r.code !== 0) throw new Error(`sacct --json ${args.join(' ')} failed: ${r.stderr.trim()}`);
    return JSON.parse(r.stdout) as SacctJson;
  }

  /**
   * Poll `sacct -j <id> --json` until the job's `state.current` is one of `states` AND the record
   * is complete (REPORT G1: not the "allocation" placeholder, partition non-empty).
   */
  async waitForState(jobId: number, states: readonly string[] | string, timeoutMs = 30_000): Promise<SacctJob> {
    const want = typeof states === 'string' ? [states] : states;
    let last = 'no record';
    return waitFor(
      `job ${jobId} in state ${want.join('|')} with a complete sacct record`,
      timeoutMs,
      async () => {
        let doc: SacctJson;
        try {
          doc = await this.sacctJson(['-j', String(jobId)]);
        } catch (e) {
          last = (e as Error).message; // transient (slurmdbd busy): keep polling until the deadline
          return undefined;
        }
        // a job id can repeat in the DB when slurmctld state was discarded: take the newest record
        const job = doc.jobs
          .filter((j) => j.job_id === jobId)
          .sort((a, b) => (b.time?.submission ?? 0) - (a.time?.submission ?? 0))[0];
        if (!job) return undefined;
        last = `${job.state?.current} name=${job.name} partition=${JSON.stringify(job.partition)}`;
        const complete = job.partition !== '' && job.name !== 'allocation';
        return complete && want.includes(job.state?.current) ? job : undefined;
      },
      () => (this.ownedPid('slurmctld') && this.ownedPid('slurmdbd') ? null : 'slurmctld or slurmdbd is not running'),
      250,
    ).catch((e: Error) => {
      throw new Error(`${e.message} (last seen: ${last})`);
    });
  }

  /** scancel every job slurmctld knows about. */
  async cancelAll(): Promise<void> {
    await cancelAllJobs(this.confPath);
  }

  /** Whether this instance created its base dir itself (a temp dir). */
  get ownsBase(): boolean {
    return this.createdBase;
  }
}

// ---------------------------------------------------------------------------------------------
// Stop, usable without a SlurmCluster instance (the CLI's `down`)

function exeNameFor(pidName: string): string {
  return pidName.startsWith('slurmd-') ? 'slurmd' : pidName;
}

/** Exe basename matches and the process refers to this base (cmdline or SLURM_CONF in environ). */
function isOurs(pid: number, exe: string, base: string): boolean {
  let exePath = '';
  try {
    exePath = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    /* zombie or gone */
  }
  // Debian installs slurmctld/slurmd/slurmstepd as alternatives for /usr/sbin/<name>-wlm
  const name = basename(exePath.replace(/ \(deleted\)$/, '')) || procComm(pid);
  if (name !== exe && name !== `${exe}-wlm`) return false;
  const cmdline = procRead(pid, 'cmdline').split('\0');
  if (cmdline.some((a) => a.includes(base + '/'))) return true;
  const environ = procRead(pid, 'environ').split('\0');
  return environ.includes(`SLURM_CONF=${join(base, 'etc', 'slurm.conf')}`);
}

/** name -> pid for every live, verified daemon whose pid file is in `<base>/run`. */
export function pidsFromRunDir(base: string): Record<string, number> {
  const out: Record<string, number> = {};
  let files: string[] = [];
  try {
    files = readdirSync(join(base, 'run')).filter((f) => f.endsWith('.pid'));
  } catch {
    return out;
  }
  for (const f of files) {
    const name = f.slice(0, -4);
    const pid = readPid(join(base, 'run', f));
    if (pid !== null && pidAlive(pid) && isOurs(pid, exeNameFor(name), base)) out[name] = pid;
  }
  return out;
}

async function cancelAllJobs(conf: string): Promise<boolean> {
  const env = { SLURM_CONF: conf };
  const q = await run('/usr/bin/squeue', ['-h', '-o', '%i %T'], { env, timeoutMs: 10_000 }).catch(() => null);
  if (!q || q.code !== 0) return false;
  const ids = q.stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([id, st]) => id && st && !['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY'].includes(st))
    .map(([id]) => id!.replace(/_.*$/, ''));
  if (!ids.length) return false;
  await run('/usr/bin/scancel', [...new Set(ids)], { env, timeoutMs: 10_000 }).catch(() => null);
  return true;
}

/** SIGTERM the named daemons, wait, SIGKILL survivors after `timeoutMs`. */
async function stopPids(base: string, names: string[], timeoutMs: number, log: (m: string) => void): Promise<Record<string, number>> {
  const pids = pidsFromRunDir(base);
  const targets: Record<string, number> = {};
  for (const n of names) if (pids[n] !== undefined) targets[n] = pids[n];
  for (const [n, pid] of Object.entries(targets)) {
    log(`SIGTERM ${n} (${pid})`);
    safeKill(pid, 'SIGTERM');
  }
  await killWait(Object.values(targets), timeoutMs, log);
  for (const n of Object.keys(targets)) rmSync(join(base, 'run', `${n}.pid`), { force: true });
  return targets;
}

function safeKill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

async function killWait(pids: number[], timeoutMs: number, log: (m: string) => void): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && pids.some(pidAlive)) await sleep(50);
  const left = pids.filter(pidAlive);
  for (const pid of left) {
    log(`SIGKILL ${pid} (${procComm(pid)})`);
    safeKill(pid, 'SIGKILL');
  }
  const d2 = Date.now() + 5000;
  while (Date.now() < d2 && left.some(pidAlive)) await sleep(50);
  return left.filter(pidAlive);
}

/** Unix socket inodes whose path is under `dir`, from /proc/net/unix. */
function socketInodesUnder(dir: string): Set<string> {
  const out = new Set<string>();
  try {
    for (const line of readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const path = f[7];
      if (path && path.startsWith(dir + '/') && f[6]) out.add(f[6]);
    }
  } catch {
    /* ignore */
  }
  return out;
}

/** slurmstepd processes that belong to this base (cwd in base, SLURM_CONF, or a socket in our spool), plus their descendants. */
export function leftoverStepds(base: string): number[] {
  base = resolve(base);
  const spool = join(base, 'spool');
  const conf = join(base, 'etc', 'slurm.conf');
  const inodes = socketInodesUnder(spool);
  const pids = allPids();
  const stepds = pids.filter((pid) => {
    if (!procComm(pid).startsWith('slurmstepd') || !pidAlive(pid)) return false;
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(base + '/')) return true;
    } catch {
      /* ignore */
    }
    if (procRead(pid, 'environ').split('\0').includes(`SLURM_CONF=${conf}`)) return true;
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return true;
      }
    } catch {
      /* ignore */
    }
    return false;
  });
  if (!stepds.length) return [];
  // descendants (job processes) of those slurmstepd
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const pp = procPpid(pid);
    if (!children.has(pp)) children.set(pp, []);
    children.get(pp)!.push(pid);
  }
  const out = new Set<number>();
  const stack = [...stepds];
  while (stack.length) {
    const p = stack.pop()!;
    if (out.has(p)) continue;
    out.add(p);
    stack.push(...(children.get(p) ?? []));
  }
  return [...out].filter(pidAlive);
}

/**
 * Stop the cluster in `base` by its pid files: scancel jobs, SIGTERM slurmd/slurmctld, then
 * slurmdbd, mariadbd, munged (SIGKILL after a deadline), then leftover slurmstepd.
 */
export async function stopCluster(
  base: string,
  opts: { purge?: boolean; timeoutMs?: number; log?: (m: string) => void } = {},
): Promise<StopResult> {
  const t0 = Date.now();
  base = resolve(base);
  const log = opts.log ?? defaultLog();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const conf = join(base, 'etc', 'slurm.conf');
  const signalled: Record<string, number> = {};
  const initial = pidsFromRunDir(base);

  if (initial.slurmctld !== undefined && existsSync(conf)) {
    if (await cancelAllJobs(conf)) {
      // give slurmd a moment to end the steps cleanly (KillWait=2)
      const deadline = Date.now() + 4000;
      while (Date.now() < deadline) {
        const q = await run('/usr/bin/squeue', ['-h', '-t', 'R,CG', '-o', '%i'], { env: { SLURM_CONF: conf }, timeoutMs: 5000 }).catch(
          () => null,
        );
        if (!q || q.code !== 0 || !q.stdout.trim()) break;
        await sleep(200);
      }
    }
  }

  const groups = [
    Object.keys(initial).filter((n) => n === 'slurmctld' || n.startsWith('slurmd-')),
    ['slurmdbd'],
    ['mariadbd'],
    ['munged'],
  ];
  const known = new Set(groups.flat());
  // anything else with a pid file in run/ (should not happen) goes with the first group
  groups[0]!.push(...Object.keys(initial).filter((n) => !known.has(n)));
  for (const g of groups) Object.assign(signalled, await stopPids(base, g, timeoutMs, log));

  const stepds = leftoverStepds(base);
  // slurmd is gone by now, so nothing would end these cleanly: SIGKILL (slurmstepd ignores SIGTERM)
  for (const pid of stepds) {
    log(`leftover slurmstepd/job process ${pid} (${procComm(pid)}): SIGKILL`);
    signalled[`stepd-${pid}`] = pid;
    safeKill(pid, 'SIGKILL');
  }
  if (stepds.length) await killWait(stepds, 3000, log);

  const survivors = Object.values(signalled).filter(pidAlive);
  if (opts.purge) {
    if (survivors.length) throw new Error(`not purging ${base}: pids ${survivors.join(', ')} still alive`);
    await dropSharedDb(base);
    rmSync(base, { recursive: true, force: true });
  }
  return { signalled, survivors, totalMs: Date.now() - t0 };
}

function sharedDbName(base: string): string {
  return `slurm_test_${createHash('sha256').update(base).digest('hex').slice(0, 12)}`;
}

async function dropSharedDb(base: string): Promise<void> {
  try {
    const s = JSON.parse(readFileSync(join(base, STATE_FILE), 'utf8')) as SavedState;
    if (s.mariadb !== 'shared' || !/^slurm_test_[0-9a-f]{12}$/.test(s.dbName)) return;
    await run('/usr/bin/mariadb', ['--no-defaults', '-h127.0.0.1', '-P3306', '-uroot', '-e', `DROP DATABASE IF EXISTS ${s.dbName}`], {
      timeoutMs: 30_000,
    });
  } catch {
    /* nothing to drop */
  }
}

// ---------------------------------------------------------------------------------------------
// misc

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readFrom(path: string, offset: number): string {
  try {
    return readFileSync(path).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

function spawnSyncQuiet(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

async function ensureUser(name: string): Promise<void> {
  if (lookupUser(name)) return;
  const r = await run('/usr/sbin/useradd', ['-m', '-s', '/bin/bash', name], { timeoutMs: 30_000 });
  // 9 = already exists (someone else created it meanwhile)
  if (r.code !== 0 && r.code !== 9 && !lookupUser(name)) {
    throw new Error(`useradd ${name} failed: ${r.stderr.trim()}`);
  }
}

function prepEnvScript(dir: string, logFile: string): string {
  return `#!/bin/sh
${MARKER}
# PrologSlurmctld/EpilogSlurmctld: one env dump per invocation (REPORT §2 row 10)
ctx="\${SLURM_SCRIPT_CONTEXT:-unknown}"
f="${dir}/\${ctx}.\${SLURM_JOB_ID:-0}.env"
env | grep '^SLURM_' | sort > "$f.tmp.$$" && mv "$f.tmp.$$" "$f"
printf '%s %s %s\\n' "$(date +%s)" "$ctx" "\${SLURM_JOB_ID:-0}" >> "${logFile}"
exit 0
`;
}
