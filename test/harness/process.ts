// Small process helpers for the test harness: free loopback ports, spawning a child with its
// output captured, waiting for exit, and a process-exit safety net that kills only the children
// this process started (by pid, never by name).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** Binds port 0 on `host`, reads the port the kernel picked, and releases it. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      const { port } = addr;
      srv.close(() => resolve(port));
    });
  });
}

/** `n` distinct free ports (all held open until every one is known, so they differ). */
export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () =>
      new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        const srv = createServer();
        srv.unref();
        srv.once('error', reject);
        srv.listen({ host, port: 0, exclusive: true }, () => resolve(srv));
      }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === 'string') throw new Error('could not determine a free port');
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

/** Looks `name` up on PATH; returns the absolute path of the first executable match. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, fsConstants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Safety net: every child spawned through spawnLogged() is remembered until it exits; if this
// process exits (normally, by an uncaught error, or by SIGINT/SIGTERM/SIGHUP) the remaining ones
// get SIGKILL. On Linux the children are additionally started under `setpriv --pdeathsig KILL`
// when available, so even a SIGKILL of this process does not leave servers behind.

const live = new Map<number, ChildProcess>();
let netInstalled = false;

function killAllLive(): void {
  for (const [pid, child] of live) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

function installSafetyNet(): void {
  if (netInstalled) return;
  netInstalled = true;
  process.on('exit', killAllLive);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      killAllLive();
      process.removeListener(sig, handler);
      // Re-raise so the default disposition (or other handlers) still apply.
      process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

let pdeathsigWrapper: string | null | undefined;
/** `setpriv` if it supports --pdeathsig (util-linux ≥ 2.33), else null. */
function pdeathsig(): string | null {
  if (pdeathsigWrapper !== undefined) return pdeathsigWrapper;
  pdeathsigWrapper = null;
  if (process.platform !== 'linux') return null;
  const setpriv = which('setpriv');
  if (!setpriv) return null;
  const probe = spawnSync(setpriv, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore' });
  if (probe.status === 0) pdeathsigWrapper = setpriv;
  return pdeathsigWrapper;
}

export interface LoggedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Last lines of combined stdout/stderr (bounded). */
  logLines(): string[];
  /** Resolves with the exit code / signal once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** Registers a listener that sees every complete output line. Returns an unsubscribe. */
  onLine(fn: (line: string) => void): () => void;
}

export interface SpawnLoggedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How many output lines to keep. */
  keepLines?: number;
  /** Echo the child's output to this process' stderr with a prefix (debugging aid). */
  echoPrefix?: string;
}

export function spawnLogged(cmd: string, args: string[], opts: SpawnLoggedOptions = {}): LoggedProcess {
  installSafetyNet();
  const keep = opts.keepLines ?? 400;
  const wrapper = pdeathsig();
  const [file, argv] = wrapper ? [wrapper, ['--pdeathsig', 'KILL', '--', cmd, ...args]] : [cmd, args];
  const child = spawn(file, argv, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    // spawn failed (ENOENT etc.); the 'error' event that follows carries the reason.
    child.once('error', () => undefined);
    throw new Error(`could not spawn ${cmd}`);
  }
  const pid = child.pid;
  live.set(pid, child);
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  const feed = (stream: NodeJS.ReadableStream): void => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      partial += chunk;
      let idx: number;
      while ((idx = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, idx);
        partial = partial.slice(idx + 1);
        lines.push(line);
        if (lines.length > keep) lines.shift();
        if (opts.echoPrefix) process.stderr.write(`${opts.echoPrefix}${line}\n`);
        for (const l of listeners) l(line);
      }
    });
  };
  if (child.stdout) feed(child.stdout);
  if (child.stderr) feed(child.stderr);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      live.delete(pid);
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      lines.push(`spawn error: ${err.message}`);
      if (child.exitCode === null && child.signalCode === null && !done) {
        done = true;
        live.delete(pid);
        resolve({ code: null, signal: null });
      }
    });
  });
  return {
    child,
    pid,
    logLines: () => [...lines],
    exited,
    hasExited: () => done,
    onLine(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** Sends `signal` to the process (if still running) and waits for it to exit. */
export async function killAndWait(
  p: LoggedProcess,
  signal: NodeJS.Signals = 'SIGKILL',
  timeoutMs = 15_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (!p.hasExited()) {
    try {
      process.kill(p.pid, signal);
    } catch {
      // already gone
    }
  }
  const timer = setTimeout(() => {
    if (!p.hasExited()) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, timeoutMs);
  try {
    return await p.exited;
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a non-undefined value or the deadline passes. */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  {
    timeoutMs = 20_000,
    intervalMs = 50,
    onTimeout,
    rethrow,
  }: {
    timeoutMs?: number;
    intervalMs?: number;
    /** Extra text (e.g. a log tail) for the timeout error. */
    onTimeout?: () => string;
    /** Errors from `check` for which polling stops at once (others are retried). */
    rethrow?: (err: unknown) => boolean;
  } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      if (rethrow?.(err)) throw err;
      lastErr = err;
    }
    if (Date.now() > deadline) {
      const extra = onTimeout ? `\n${onTimeout()}` : '';
      const cause = lastErr instanceof Error ? ` (last error: ${lastErr.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}${extra}`);
    }
    await sleep(intervalMs);
  }
}
