/**
 * The publisher's configuration: one strict JSON object (unknown keys are errors naming the
 * nearest valid key). Key names follow the Go cc-slurm-adapter where they mean the same.
 */
import { z } from 'zod';
import { loadConfigFile, parseConfig, natsSettingsShape, type ConfigError, type Result } from '@cc-slurm-bridge/shared';

/** A Unix socket path or `tcp:host:port` (the forms the Go adapter accepts). */
const sockAddress = z
  .string()
  .min(1)
  .refine((s) => !s.startsWith('tcp:') || /^tcp:.+:\d{1,5}$/.test(s), { message: 'expected a Unix socket path or tcp:<host>:<port>' });

const hostPort = z.string().regex(/^(\[[^\]]+\]|[^:\s]*):\d{1,5}$/, { message: 'expected <host>:<port>, e.g. 127.0.0.1:9464' });

const regexString = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

export const publisherConfigShape = {
  ...natsSettingsShape,
  /** `json` (wire format v1, default) or `ccmessage` (cc-backend's line protocol). */
  messageFormat: z.enum(['json', 'ccmessage']).default('json'),
  /** Clusters to publish; default: `sacctmgr list clusters -n -P format=cluster`. */
  clusters: z.array(z.string().min(1)).min(1).optional(),
  slurmBinDir: z.string().min(1).default('/usr/bin'),
  /** Seconds between polls (squeue + sacct). */
  slurmPollInterval: z.number().positive().default(30),
  /** Seconds to wait after a hook message before querying the job. */
  slurmQueryDelay: z.number().min(0).default(1),
  /** Cap (seconds) on one sacct -S/-E window. */
  slurmQueryMaxSpan: z.number().positive().default(86_400),
  /** Tries of a hook-triggered query before leaving the job to the poll. */
  slurmMaxRetries: z.number().int().min(1).default(5),
  /** Seconds before a Slurm CLI call is killed. */
  slurmCommandTimeout: z.number().positive().default(60),
  /** Where the daemon listens for hook messages: Unix socket path or `tcp:host:port`. */
  prepSockListenPath: sockAddress.default('/run/cc-slurm-publisher/prep.sock'),
  /** Where `hook` sends its message: Unix socket path or `tcp:host:port`. */
  prepSockConnectPath: sockAddress.default('/run/cc-slurm-publisher/prep.sock'),
  pidFilePath: z.string().min(1).optional(),
  /** Outbox journal, watermarks and the emitted set live here. */
  stateDir: z.string().min(1).default('/var/lib/cc-slurm-publisher'),
  /** Host regex → PCI addresses of that host's GPUs, in GRES index order. */
  gpuPciAddrs: z.record(regexString, z.array(z.string())).default({}),
  /** Jobs whose every host matches this regex are not published. */
  ignoreHosts: regexString.optional(),
  /** host:port for /metrics, /healthz, /readyz; unset = no HTTP listener. */
  httpListen: hostPort.optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Days an emitted job event is remembered after its last sighting (duplicate suppression). */
  emittedRetentionDays: z.number().positive().default(14),
  /** Seconds looked back on the very first start (no watermark yet); older history: `backfill`. */
  initialLookback: z.number().min(0).default(3600),
  /** Publishes in flight at once. */
  publishWindow: z.number().int().min(1).max(100_000).default(1024),
  /** `source` in event meta; default: the host name. */
  source: z.string().min(1).optional(),
};

export const publisherConfigSchema = z.object(publisherConfigShape);
export type PublisherConfig = z.output<typeof publisherConfigSchema>;

/** Secret keys that `CCSB_<KEY>` environment variables may override. */
export const PUBLISHER_SECRET_KEYS = ['natsPassword'] as const;

export function loadPublisherConfig(path: string, env: NodeJS.ProcessEnv = process.env): Result<PublisherConfig, ConfigError> {
  return loadConfigFile(publisherConfigSchema, path, { envOverridable: PUBLISHER_SECRET_KEYS, env });
}

export function parsePublisherConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): Result<PublisherConfig, ConfigError> {
  return parseConfig(publisherConfigSchema, raw, { envOverridable: PUBLISHER_SECRET_KEYS, env });
}

/** Secret values to blank out of every log line. */
export function configSecrets(cfg: PublisherConfig): string[] {
  const s = (cfg as { natsPassword?: unknown }).natsPassword;
  return typeof s === 'string' && s ? [s] : [];
}
