// The whole bridge as real processes, for the end-to-end suite and `pnpm demo`:
//
//   cc-backend double   node --import tsx test/cc-backend/main.ts   (observation API /__test__/)
//   forwarder           node packages/forwarder/dist/cli.js run --config forwarder.json
//   publisher           node packages/publisher/dist/cli.js run --config publisher.json
//   hook                <dir>/bin/cc-slurm-publisher-hook: a shell script that execs node on the
//                       publisher CLI's `hook` command (what PrologSlurmctld/EpilogSlurmctld run)
//
// The daemons run from `dist/` (built once by ensureBuilt(), under a lock so that concurrent test
// files do not rewrite dist/ under each other): the hook must start in milliseconds, which tsx
// cannot do. nats-server and the Slurm side (real cluster or stand-ins) are the caller's.
//
// Processes are either "attached" (tests: output kept in memory and in a log file, killed by pid if
// this process dies, see test/harness/process.ts) or "detached" (`pnpm demo --keep`: they outlive
// the demo, output only in log files). Everything is ended by pid, never by name.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobSnapshot, RequestRecord } from '../cc-backend/mod.js';
import { freePort, sleep, spawnLogged } from '../harness/process.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PUBLISHER_CLI = join(ROOT, 'packages', 'publisher', 'dist', 'cli.js');
export const FORWARDER_CLI = join(ROOT, 'packages', 'forwarder', 'dist', 'cli.js');
const CC_MAIN = join(ROOT, 'test', 'cc-backend', 'main.ts');

export type Log = (msg: string) => void;

// ---------------------------------------------------------------------------------------------
// build

function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const s = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return s !== 'Z' && s !== 'X';
  } catch {
    return false;
  }
}

/**
 * `tsc -b` of shared, publisher and forwarder (incremental: a few seconds when up to date), under
 * a lock directory so that concurrent test files never read a half-written dist/. Returns ms.
 */
export async function ensureBuilt(log: Log = () => {}): Promise<number> {
  const t0 = Date.now();
  const lock = join(tmpdir(), 'ccsb-e2e-build.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        /* being created or removed */
      }
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if ((holder > 0 && !pidAlive(holder)) || age > 600_000 || (holder === 0 && age > 10_000)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - t0 > 600_000) throw new Error(`build lock ${lock} held by pid ${holder} for too long`);
      await sleep(200);
    }
  }
  try {
    log('building packages (tsc -b)');
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [tsc, '-b', 'packages/shared', 'packages/publisher', 'packages/forwarder'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });
    if (r.code !== 0) throw new Error(`tsc -b packages/{shared,publisher,forwarder} failed:\n${r.out.slice(-4000)}`);
    for (const f of [PUBLISHER_CLI, FORWARDER_CLI]) if (!existsSync(f)) throw new Error(`build did not produce ${f}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return Date.now() - t0;
}

// ---------------------------------------------------------------------------------------------
// processes

export interface Proc {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** Last lines of output. */
  tail(n?: number): string;
  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ProcOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  detached?: boolean;
}

export function startProc(name: string, cmd: string, args: string[], o: ProcOptions): Proc {
  const env = o.env ?? process.env;
  appendFileSync(o.logFile, `--- ${new Date().toISOString()} start ${name}: ${cmd} ${args.join(' ')}\n`);
  let proc: Proc;
  if (!o.detached) {
    const p = spawnLogged(cmd, args, { env, cwd: o.cwd ?? ROOT, keepLines: 2000 });
    p.onLine((l) => {
      try {
        appendFileSync(o.logFile, `${l}\n`);
      } catch {
        /* log dir removed during teardown */
      }
    });
    proc = {
      name,
      pid: p.pid,
      logFile: o.logFile,
      exited: p.exited,
      hasExited: () => p.hasExited(),
      tail: (n = 40) => p.logLines().slice(-n).join('\n'),
      stop: (signal = 'SIGTERM', timeoutMs = 15_000) => stopPid(p.pid, p.exited, () => p.hasExited(), signal, timeoutMs),
    };
  } else {
    const fd = openSync(o.logFile, 'a');
    let child;
    try {
      child = spawn(cmd, args, { env, cwd: o.cwd ?? ROOT, stdio: ['ignore', fd, fd], detached: true });
    } finally {
      closeSync(fd);
    }
    if (child.pid === undefined) throw new Error(`could not spawn ${cmd}`);
    child.unref();
    let done = false;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => {
        done = true;
        resolve({ code, signal });
      });
      child.once('error', () => {
        done = true;
        resolve({ code: null, signal: null });
      });
    });
    const pid = child.pid;
    proc = {
      name,
      pid,
      logFile: o.logFile,
      exited,
      hasExited: () => done || !pidAlive(pid),
      tail: (n = 40) => tailFile(o.logFile, n),
      stop: (signal = 'SIGTERM', timeoutMs = 15_000) => stopPid(pid, exited, () => done || !pidAlive(pid), signal, timeoutMs),
    };
  }
  return proc;
}

async function stopPid(
  pid: number,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  gone: () => boolean,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (gone()) return Promise.race([exited, Promise.resolve({ code: null, signal: null })]);
  try {
    process.kill(pid, signal);
  } catch {
    /* gone */
  }
  const timer = setTimeout(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, timeoutMs);
  try {
    // `exited` may never resolve for a detached child of an earlier run; poll the pid as well
    for (;;) {
      const r = await Promise.race([exited, sleep(100).then(() => null)]);
      if (r) return r;
      if (gone()) return { code: null, signal };
    }
  } finally {
    clearTimeout(timer);
  }
}

export function tailFile(path: string, n = 40): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------
// the hook script (must exist before slurmctld starts, so it is written first)

export interface HookPaths {
  /** The executable PrologSlurmctld / EpilogSlurmctld run. */
  script: string;
  /** The publisher's config file (the hook reads prepSockConnectPath from it). */
  publisherConfig: string;
  /** The hook socket (Unix). */
  socket: string;
  /** One line per hook run: `<epoch ms> <context> <job id>` (diagnostics). */
  hookLog: string;
}

export function writeHookScript(dir: string): HookPaths {
  mkdirSync(join(dir, 'bin'), { recursive: true, mode: 0o755 });
  mkdirSync(join(dir, 'run'), { recursive: true, mode: 0o755 });
  mkdirSync(join(dir, 'log'), { recursive: true, mode: 0o755 });
  const paths: HookPaths = {
    script: join(dir, 'bin', 'cc-slurm-publisher-hook'),
    publisherConfig: join(dir, 'publisher.json'),
    socket: join(dir, 'run', 'prep.sock'),
    hookLog: join(dir, 'log', 'hook-runs.log'),
  };
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(
    paths.script,
    [
      '#!/bin/sh',
      '# PrologSlurmctld / EpilogSlurmctld: `cc-slurm-publisher hook` (generated by test/e2e/stack.ts).',
      '# Always exits 0 within about a second, whether or not the publisher daemon runs.',
      `printf '%s %s %s\\n' "$(date +%s%3N)" "\${SLURM_SCRIPT_CONTEXT:-?}" "\${SLURM_JOB_ID:-0}" >> ${q(paths.hookLog)} 2>/dev/null`,
      `exec ${q(process.execPath)} ${q(PUBLISHER_CLI)} hook --config ${q(paths.publisherConfig)}`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  chmodSync(paths.script, 0o755);
  return paths;
}

/** Hook runs logged by the script: job id → context → first run (epoch ms). */
export function readHookRuns(hookLog: string): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  let text = '';
  try {
    text = readFileSync(hookLog, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const [t, ctx, id] = line.trim().split(/\s+/);
    if (!t || !ctx || !id) continue;
    const rec = out.get(Number(id)) ?? {};
    rec[ctx] ??= Number(t);
    out.set(Number(id), rec);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// the stack

export interface StackOptions {
  /** Working dir: configs, logs, publisher state. */
  dir: string;
  hook: HookPaths;
  clusterName: string;
  /** Host list of the double's single sub-cluster. */
  hosts: string;
  natsUrl: string;
  /** The double's job_cache commit interval in seconds (cc-backend's commit-job-worker). */
  commitIntervalSec: number;
  slurmBinDir: string;
  /** Environment for the publisher's Slurm CLIs (SLURM_CONF, or CCSB_STANDIN_DIR for stand-ins). */
  slurmEnv: Record<string, string>;
  publisherExtra?: Record<string, unknown>;
  forwarderExtra?: Record<string, unknown>;
  detached?: boolean;
  log?: Log;
}

export interface CcInfo {
  url: string;
  port: number;
  jwt: string;
}

export class BridgeStack {
  readonly o: StackOptions;
  cc: CcInfo | undefined;
  ccProc: Proc | undefined;
  forwarder: Proc | undefined;
  publisher: Proc | undefined;
  readonly forwarderConfig: string;
  readonly jwtFile: string;
  publisherHttp = 0;
  forwarderHttp = 0;
  /** every process this stack started, for the "nothing left behind" check */
  readonly startedPids: number[] = [];
  private readonly log: Log;

  constructor(o: StackOptions) {
    this.o = o;
    this.log = o.log ?? (() => {});
    this.forwarderConfig = join(o.dir, 'forwarder.json');
    this.jwtFile = join(o.dir, 'cc-backend.jwt');
  }

  logFile(name: string): string {
    return join(this.o.dir, 'log', `${name}.log`);
  }

  /** The cc-backend double as a child process; resolves when it answers. */
  async startCcBackend(): Promise<CcInfo> {
    const port = await freePort();
    rmSync(this.jwtFile, { force: true });
    const args = [
      '--conditions=source',
      '--import',
      'tsx',
      CC_MAIN,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--cluster',
      `${this.o.clusterName}:${this.o.hosts}`,
      '--commit-interval',
      String(this.o.commitIntervalSec),
      '--jwt-file',
      this.jwtFile,
    ];
    const p = startProc('cc-backend', process.execPath, args, { logFile: this.logFile('cc-backend'), detached: this.o.detached ?? false });
    this.ccProc = p;
    this.startedPids.push(p.pid);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (p.hasExited()) throw new Error(`cc-backend double exited during start-up:\n${p.tail()}`);
      if (existsSync(this.jwtFile)) {
        try {
          const r = await fetch(`${url}/__test__/config`);
          if (r.ok) break;
        } catch {
          /* not listening yet */
        }
      }
      if (Date.now() > deadline) throw new Error(`cc-backend double did not come up within 60 s:\n${p.tail()}`);
      await sleep(100);
    }
    const jwt = readFileSync(this.jwtFile, 'utf8').trim();
    this.cc = { url, port, jwt };
    this.log(`cc-backend double on ${url} (cluster ${this.o.clusterName}:${this.o.hosts}, commit interval ${this.o.commitIntervalSec} s)`);
    return this.cc;
  }

  private writeConfigs(): void {
    if (!this.cc) throw new Error('start the cc-backend double first');
    const natsPort = Number(new URL(this.o.natsUrl).port);
    const pub = {
      natsServer: '127.0.0.1',
      natsPort,
      clusters: [this.o.clusterName],
      slurmBinDir: this.o.slurmBinDir,
      slurmPollInterval: 15,
      prepSockListenPath: this.o.hook.socket,
      prepSockConnectPath: this.o.hook.socket,
      pidFilePath: join(this.o.dir, 'run', 'publisher.pid'),
      stateDir: join(this.o.dir, 'publisher-state'),
      httpListen: `127.0.0.1:${this.publisherHttp}`,
      logLevel: 'info',
      source: 'e2e-slurmctld',
      ...this.o.publisherExtra,
    };
    writeFileSync(this.o.hook.publisherConfig, JSON.stringify(pub, null, 2) + '\n');
    writeFileSync(this.jwtFile, this.cc.jwt + '\n', { mode: 0o600 });
    const fwd = {
      natsServer: '127.0.0.1',
      natsPort,
      ccRestUrl: this.cc.url,
      ccRestJwtFile: this.jwtFile,
      httpListen: `127.0.0.1:${this.forwarderHttp}`,
      logLevel: 'info',
      ...this.o.forwarderExtra,
    };
    writeFileSync(this.forwarderConfig, JSON.stringify(fwd, null, 2) + '\n');
  }

  /** Picks ports, writes both configs, starts the forwarder and the publisher, waits for /readyz. */
  async startDaemons(): Promise<void> {
    [this.publisherHttp, this.forwarderHttp] = [await freePort(), await freePort()];
    this.writeConfigs();
    await this.startForwarder();
    await this.startPublisher();
  }

  async startForwarder(): Promise<Proc> {
    const p = startProc('forwarder', process.execPath, [FORWARDER_CLI, 'run', '--config', this.forwarderConfig], {
      logFile: this.logFile('forwarder'),
      detached: this.o.detached ?? false,
    });
    this.forwarder = p;
    this.startedPids.push(p.pid);
    await this.waitReady('forwarder', p, this.forwarderHttp);
    return p;
  }

  /** Starts the publisher; `wait` (default): until /readyz answers 200 (NATS connected, stream ensured). */
  async startPublisher(wait = true): Promise<Proc> {
    const p = startProc('publisher', process.execPath, [PUBLISHER_CLI, 'run', '--config', this.o.hook.publisherConfig], {
      logFile: this.logFile('publisher'),
      detached: this.o.detached ?? false,
      env: { ...process.env, ...this.o.slurmEnv },
    });
    this.publisher = p;
    this.startedPids.push(p.pid);
    if (wait) await this.waitReady('publisher', p, this.publisherHttp);
    return p;
  }

  /** Polls http://127.0.0.1:<port>/readyz until 200. */
  async waitReady(name: string, p: Proc, port: number, timeoutMs = 60_000): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      if (p.hasExited()) throw new Error(`${name} exited during start-up:\n${p.tail()}`);
      try {
        const r = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (r.status === 200) return Date.now() - t0;
      } catch {
        /* not listening yet */
      }
      if (Date.now() - t0 > timeoutMs) throw new Error(`${name} not ready within ${timeoutMs} ms:\n${p.tail()}`);
      await sleep(100);
    }
  }

  /** Whether the publisher's hook socket accepts connections (it is bound before /readyz). */
  hookSocketUp(): boolean {
    return existsSync(this.o.hook.socket);
  }

  async ccRequests(): Promise<RequestRecord[]> {
    return (await this.ccGet('requests')) as RequestRecord[];
  }

  async ccJobs(): Promise<JobSnapshot[]> {
    return (await this.ccGet('jobs')) as JobSnapshot[];
  }

  async ccGet(what: string): Promise<unknown> {
    if (!this.cc) throw new Error('cc-backend double not started');
    const r = await fetch(`${this.cc.url}/__test__/${what}`);
    if (!r.ok) throw new Error(`GET /__test__/${what}: ${r.status}`);
    return (await r.json()) as unknown;
  }

  async ccPost(what: string, body: unknown = {}): Promise<unknown> {
    if (!this.cc) throw new Error('cc-backend double not started');
    const r = await fetch(`${this.cc.url}/__test__/${what}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    if (!r.ok) throw new Error(`POST /__test__/${what}: ${r.status}`);
    return (await r.json()) as unknown;
  }

  async metrics(which: 'publisher' | 'forwarder'): Promise<string> {
    const port = which === 'publisher' ? this.publisherHttp : this.forwarderHttp;
    const r = await fetch(`http://127.0.0.1:${port}/metrics`);
    return r.text();
  }

  /** Graceful stop of everything this stack started (publisher first, so its outbox drains). */
  async stop(): Promise<void> {
    for (const p of [this.publisher, this.forwarder, this.ccProc]) {
      if (p && !p.hasExited()) await p.stop('SIGTERM', 15_000);
    }
  }

  /** pids this stack started that are still alive */
  survivors(): number[] {
    return this.startedPids.filter(pidAlive);
  }
}

/** Sum of a Prometheus counter/gauge over every label set matching `labels` (substring match). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const l = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/** A temp dir every ancestor of which is o+x (munged's socket lives below it). */
export function makeWorkDir(prefix: string): string {
  const base = join(tmpdir(), `${prefix}${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(base, { recursive: true, mode: 0o755 });
  chmodSync(base, 0o755);
  return base;
}

/** `true` when `pid` is a live process (not a zombie). */
export { pidAlive };

/** Processes whose command line mentions `needle` (for "nothing left behind" checks). */
export function processesMentioning(needle: string): Array<{ pid: number; cmd: string }> {
  const r = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return (r.stdout ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.includes(needle))
    .map((l) => {
      const i = l.indexOf(' ');
      return { pid: Number(l.slice(0, i)), cmd: l.slice(i + 1) };
    })
    .filter((p) => p.pid !== process.pid && pidAlive(p.pid) && !p.cmd.startsWith('ps '));
}
