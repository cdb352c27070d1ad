/**
 * `cc-slurm-publisher hook`: what PrologSlurmctld / EpilogSlurmctld run. Sends one line to the
 * daemon and exits 0 — always, and quickly (connect timeout ~300 ms, everything done or given
 * up within ~900 ms), so slurmctld is never held up and a job never fails because the daemon is
 * down: the daemon's poll finds every job the hook could not report.
 *
 * Imports only node built-ins and two tiny local modules, so node starts it in ~40 ms.
 */
import { connect, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { DEFAULT_PREP_SOCK, PREP_SOCK_ENV, parseSockAddress } from './address.js';
import { hookMessageFromEnv } from './message.js';

export const HOOK_CONNECT_TIMEOUT_MS = 300;
export const HOOK_OVERALL_TIMEOUT_MS = 900;

export interface HookOptions {
  config?: string;
  env?: NodeJS.ProcessEnv;
  /** Where diagnostics go (stderr by default). */
  warn?: (msg: string) => void;
}

/** The connect path: --config's prepSockConnectPath, else $CC_SLURM_PUBLISHER_SOCK, else the default. */
export function hookConnectPath(opts: HookOptions): string {
  const env = opts.env ?? process.env;
  if (opts.config) {
    try {
      const raw = JSON.parse(readFileSync(opts.config, 'utf8')) as { prepSockConnectPath?: unknown };
      if (typeof raw.prepSockConnectPath === 'string' && raw.prepSockConnectPath) return raw.prepSockConnectPath;
    } catch (e) {
      (opts.warn ?? defaultWarn)(`cc-slurm-publisher hook: cannot read config ${opts.config}: ${(e as Error).message}`);
    }
  }
  return env[PREP_SOCK_ENV] || DEFAULT_PREP_SOCK;
}

function defaultWarn(msg: string): void {
  try {
    process.stderr.write(`${msg}\n`);
  } catch {
    // never fail the hook
  }
}

export type HookOutcome = 'sent' | 'no_job' | 'connect_failed' | 'timeout' | 'bad_address';

/** Sends the message; resolves (never rejects) with what happened, within HOOK_OVERALL_TIMEOUT_MS. */
export function sendHookMessage(opts: HookOptions = {}): Promise<HookOutcome> {
  const warn = opts.warn ?? defaultWarn;
  const env = opts.env ?? process.env;
  const msg = hookMessageFromEnv(env);
  if (typeof msg === 'string') {
    warn(`cc-slurm-publisher hook: ${msg}`);
    return Promise.resolve('no_job');
  }
  const where = hookConnectPath(opts);
  let addr;
  try {
    addr = parseSockAddress(where);
  } catch (e) {
    warn(`cc-slurm-publisher hook: ${(e as Error).message}`);
    return Promise.resolve('bad_address');
  }
  return new Promise<HookOutcome>((resolve) => {
    let settled = false;
    let sock: Socket | undefined;
    const finish = (o: HookOutcome, detail?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(overall);
      clearTimeout(connectTimer);
      if (o !== 'sent') warn(`cc-slurm-publisher hook: job ${msg.jobId} (${msg.context}) not reported to ${where}: ${detail ?? o}; the daemon's poll will pick it up`);
      sock?.destroy();
      resolve(o);
    };
    const overall = setTimeout(() => finish('timeout', `no answer within ${HOOK_OVERALL_TIMEOUT_MS} ms`), HOOK_OVERALL_TIMEOUT_MS);
    overall.unref();
    const connectTimer = setTimeout(() => finish('connect_failed', `connect timed out after ${HOOK_CONNECT_TIMEOUT_MS} ms`), HOOK_CONNECT_TIMEOUT_MS);
    connectTimer.unref();
    sock = addr.kind === 'unix' ? connect({ path: addr.path }) : connect({ host: addr.host, port: addr.port });
    sock.unref();
    sock.setNoDelay?.(true);
    sock.on('error', (e) => finish('connect_failed', e.message));
    sock.on('connect', () => {
      clearTimeout(connectTimer);
      sock!.end(`${JSON.stringify(msg)}\n`, () => finish('sent'));
    });
  });
}

/** Runs the hook and returns the exit code: always 0. */
export async function runHook(opts: HookOptions = {}): Promise<number> {
  try {
    await sendHookMessage(opts);
  } catch {
    // never fail the hook
  }
  return 0;
}
