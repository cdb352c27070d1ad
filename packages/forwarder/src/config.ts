/**
 * The forwarder's configuration: one strict JSON object. Unknown keys are errors that name the
 * nearest valid key; key names follow the Go cc-slurm-adapter where they mean the same
 * (`ccRestUrl`, `ccRestJwt`, the `nats*` keys). Durations are in seconds, like the shared NATS
 * settings. Secrets come from the file, from `*File` keys, or from `CCSB_<KEY>` environment
 * variables (`CCSB_CC_REST_JWT`, `CCSB_NATS_PASSWORD`), and are never logged.
 */
import { z } from 'zod';
import {
  ConfigError,
  envVarFor,
  err,
  loadConfigFile,
  natsSettingsProblems,
  natsSettingsShape,
  ok,
  parseConfig,
  readSecretFile,
  type Result,
} from '@cc-slurm-bridge/shared';

const hostPort = z.string().regex(/^(\[[^\]]+\]|[^:\s]*):\d{1,5}$/, { message: 'expected <host>:<port>, e.g. 127.0.0.1:9466' });

/** `http(s)://host[:port][/path]`, no trailing slash, no query or fragment. */
const restUrl = z
  .string()
  .trim()
  .superRefine((v, ctx) => {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected an http:// or https:// URL, e.g. https://cc.example.org' });
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `ccRestUrl must use http or https, not ${u.protocol.replace(/:$/, '')}` });
    }
    if (v.endsWith('/')) ctx.addIssue({ code: 'custom', message: 'ccRestUrl must not end with "/" (the forwarder appends /api/jobs/…)' });
    if (u.search || u.hash) ctx.addIssue({ code: 'custom', message: 'ccRestUrl must not carry a query or fragment' });
    if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'ccRestUrl must not carry credentials; use ccRestJwt / ccRestJwtFile' });
    if (/\/api(\/|$)/.test(u.pathname)) {
      ctx.addIssue({ code: 'custom', message: 'ccRestUrl is the cc-backend base URL, without /api (the forwarder appends /api/jobs/start_job/)' });
    }
  });

/**
 * Messages the forwarder holds (queued + in flight, not counting parked stops) per POST slot:
 * enough read-ahead that a slot never waits for a pull, still bounded for heartbeats and
 * max_ack_pending.
 */
export const ACTIVE_PER_SLOT = 4;

const seconds = (def: number, max = 7 * 86_400) => z.number().positive().max(max).default(def);

export const forwarderConfigShape = {
  ...natsSettingsShape,
  /** cc-backend base URL, e.g. `https://cc.example.org` (no trailing slash, no `/api`). */
  ccRestUrl: restUrl,
  /** API token (a JWT with role `api`). Exactly one of ccRestJwt / ccRestJwtFile. */
  ccRestJwt: z.string().trim().min(1).optional(),
  /** File holding the API token (trimmed). Re-read at start-up only. */
  ccRestJwtFile: z.string().min(1).optional(),
  /** POSTs in flight at once (different jobs run in parallel; one job's events run in order). */
  concurrency: z.number().int().min(1).max(1024).default(16),
  /** host:port for /metrics, /healthz, /readyz and /status; unset = no HTTP listener. */
  httpListen: hostPort.optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Seconds before one POST is abandoned (then retried like a 5xx). cc-backend itself cuts at 20 s. */
  requestTimeout: seconds(30, 3600),
  /**
   * Seconds a stop that cc-backend answers with 404 (`finding job failed`, the start is not
   * there yet) keeps being retried, counted from its first attempt in this process. Then it is
   * dead-lettered with reason `stop_not_found_timeout`.
   */
  stopNotFoundTimeout: seconds(3600, 30 * 86_400),
  /** First retry delay (seconds) of the exponential back-off for 5xx, timeouts and refused connections. */
  retryInitialDelay: seconds(1, 3600),
  /** Cap (seconds) of that back-off. */
  retryMaxDelay: seconds(60, 86_400),
  /** Random spread of every delay: 0.2 means ±20 %. */
  retryJitter: z.number().min(0).max(1).default(0.2),
  /**
   * Consecutive "cc-backend unreachable" answers (refused/reset/timeout, 502/503/504) after which
   * the forwarder stops pulling and probes instead, so an outage does not burn deliveries.
   */
  breakerThreshold: z.number().int().min(1).max(10_000).default(3),
  /** Cap (seconds) of the probe back-off while paused (401, endpoint missing, outage). */
  pauseProbeMaxDelay: seconds(30, 3600),
  /**
   * Stops answered 404 are parked in memory (no delivery burnt, released at once when their
   * start succeeds) up to this many; beyond it they are nak'd with a delay. Kept well below the
   * consumer's max_ack_pending.
   */
  maxParkedStops: z.number().int().min(0).max(100_000).default(256),
  /** Seconds that graceful shutdown waits for in-flight POSTs before nak'ing the rest. */
  shutdownTimeout: seconds(10, 3600),
};

export const forwarderConfigSchema = z.object(forwarderConfigShape);
export type ForwarderConfigInput = z.input<typeof forwarderConfigSchema>;
/** The parsed config file (defaults applied, secrets not yet resolved). */
export type ForwarderFileConfig = z.output<typeof forwarderConfigSchema>;
/** The config the forwarder runs with: the token resolved from ccRestJwt / ccRestJwtFile. */
export type ForwarderConfig = ForwarderFileConfig & { ccRestJwt: string };

/** Secret keys that `CCSB_<KEY>` environment variables may override. */
export const FORWARDER_SECRET_KEYS = ['ccRestJwt', 'natsPassword'] as const;

function crossFieldProblems(c: ForwarderFileConfig): string[] {
  const out = [...natsSettingsProblems(c)];
  const jwtKeys = [c.ccRestJwt !== undefined, c.ccRestJwtFile !== undefined].filter(Boolean).length;
  if (jwtKeys === 0) out.push('set exactly one of ccRestJwt and ccRestJwtFile (or the environment variable CCSB_CC_REST_JWT)');
  if (jwtKeys === 2) out.push('set only one of ccRestJwt and ccRestJwtFile');
  if (c.retryInitialDelay > c.retryMaxDelay) out.push('retryInitialDelay must not exceed retryMaxDelay');
  const held = c.maxParkedStops + ACTIVE_PER_SLOT * c.concurrency;
  if (held >= c.consumerMaxAckPending) {
    out.push(
      `consumerMaxAckPending (${c.consumerMaxAckPending}) must exceed maxParkedStops + ${ACTIVE_PER_SLOT} × concurrency (${held}), or the consumer stalls`,
    );
  }
  return out;
}

/** Cross-field checks and secret resolution after the schema has passed. */
export function finishConfig(c: ForwarderFileConfig, source: string, env: NodeJS.ProcessEnv = {}): Result<ForwarderConfig, ConfigError> {
  // A token from the environment overrides one from a file.
  if (env[envVarFor('ccRestJwt')] && c.ccRestJwtFile !== undefined) c = { ...c, ccRestJwtFile: undefined };
  const problems = crossFieldProblems(c);
  let jwt = c.ccRestJwt;
  if (problems.length === 0 && jwt === undefined && c.ccRestJwtFile !== undefined) {
    try {
      jwt = readSecretFile(c.ccRestJwtFile);
      if (!jwt) problems.push(`ccRestJwtFile ${c.ccRestJwtFile} is empty`);
    } catch (cause) {
      problems.push(`cannot read ccRestJwtFile ${c.ccRestJwtFile}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`);
    }
  }
  if (problems.length > 0 || jwt === undefined) {
    const issues = problems.map((message) => ({ path: '', message }));
    return err(new ConfigError('config_invalid', `${source} is invalid:\n  ${problems.join('\n  ')}`, { issues }));
  }
  return ok({ ...c, ccRestJwt: jwt });
}

/** Reads, validates and resolves a config file. */
export function loadForwarderConfig(path: string, env: NodeJS.ProcessEnv = process.env): Result<ForwarderConfig, ConfigError> {
  const r = loadConfigFile(forwarderConfigSchema, path, { envOverridable: FORWARDER_SECRET_KEYS, env });
  if (!r.ok) return r;
  return finishConfig(r.value, `config file ${path}`, env);
}

/** Validates and resolves a config object (tests, the demo, embedding). */
export function parseForwarderConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): Result<ForwarderConfig, ConfigError> {
  const r = parseConfig(forwarderConfigSchema, raw, { envOverridable: FORWARDER_SECRET_KEYS, env });
  if (!r.ok) return r;
  return finishConfig(r.value, 'config', env);
}

/** Secret values to blank out of every log line. */
export function configSecrets(c: Pick<ForwarderConfig, 'ccRestJwt' | 'natsPassword'>): string[] {
  return [c.ccRestJwt, c.natsPassword].filter((s): s is string => typeof s === 'string' && s.length > 0);
}

/** The config with secrets replaced, for `check-config` output. */
export function redactedConfig(c: ForwarderConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c };
  for (const k of ['ccRestJwt', 'natsPassword'] as const) if (out[k] !== undefined) out[k] = '[REDACTED]';
  return out;
}
