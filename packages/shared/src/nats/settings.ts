// NATS / JetStream settings shared by the publisher, the forwarder and any other service that
// produces or consumes cc-slurm-bridge events. `natsSettingsShape` is a plain object of zod
// schemas so each daemon can spread it into its own strict config object:
//
//   const config = z.strictObject({ ...natsSettingsShape, ccRestUrl: z.url(), ... });
//
// Key names follow the Go cc-slurm-adapter where they mean the same (natsServer, natsPort,
// natsSubject, natsUser, natsPassword, natsCredsFile, natsNKeySeedFile).
import { z } from 'zod';
import { isValidSubjectToken } from '../wire/subject.js';
import { NatsSetupError } from './errors.js';

/** JetStream stream / consumer names: also used in API subjects and on disk, so kept simple. */
const JS_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A subject prefix like `jobs` or `site1.jobs`: one or more subject tokens (the wire format's
 * rule: no whitespace, control characters, `.`, `*` or `>`) joined by `.`.
 */
export function isValidSubjectPrefix(s: string): boolean {
  return s.length > 0 && s.length <= 200 && s.split('.').every(isValidSubjectToken);
}

const serverEntry = z
  .string()
  .trim()
  .min(1)
  .refine((v) => parseServerEntry(v) !== undefined, {
    message: 'expected host, host:port, nats://host:port or tls://host:port',
  });

const jsName = (what: string) =>
  z.string().regex(JS_NAME, `${what} may contain only letters, digits, '_' and '-' (at most 64)`);

const secondsPositive = (max: number) => z.number().positive().max(max);

/** Zod shape of every NATS / JetStream setting. Spread it into a daemon's strict config object. */
export const natsSettingsShape = {
  /**
   * NATS host or URL (`nats://host:port`, `tls://host:port`). When neither this nor
   * `natsServers` is given, `127.0.0.1` is used (see {@link natsServerUrls}).
   */
  natsServer: serverEntry.optional(),
  /** Port for `natsServer` when it does not carry one. */
  natsPort: z.int().min(1).max(65535).default(4222),
  /** Several servers (cluster seeds) as `host:port` or URLs; takes precedence over natsServer. */
  natsServers: z.array(serverEntry).min(1).optional(),
  natsUser: z.string().min(1).optional(),
  natsPassword: z.string().min(1).optional(),
  /** A `.creds` file (user JWT + NKey seed), for operator/JWT (decentralised) auth. */
  natsCredsFile: z.string().min(1).optional(),
  /** A file holding a user NKey seed (`SU…`). */
  natsNKeySeedFile: z.string().min(1).optional(),
  /** CA bundle to verify the server; setting any natsTls* key makes TLS required. */
  natsTlsCaFile: z.string().min(1).optional(),
  /** Client certificate (mTLS); needs natsTlsKeyFile. */
  natsTlsCertFile: z.string().min(1).optional(),
  natsTlsKeyFile: z.string().min(1).optional(),
  /** Skip server certificate verification (test set-ups only; logged as a warning). */
  natsTlsInsecure: z.boolean().default(false),
  /** Subject prefix; events go to `<natsSubject>.<cluster>.<event>`. */
  natsSubject: z
    .string()
    .refine(isValidSubjectPrefix, {
      message: "natsSubject must be one or more subject tokens joined by '.', without whitespace, '*' or '>'",
    })
    .default('jobs'),
  streamName: jsName('streamName').default('CC_JOB_EVENTS'),
  /** Dead-letter stream; defaults to `<streamName>_DLQ` (see {@link dlqStreamNameOf}). */
  dlqStreamName: jsName('dlqStreamName').optional(),
  /** 1 for a single server, 3 for a JetStream cluster. */
  streamReplicas: z.literal([1, 3]).default(1),
  /** Events are kept this long (and can be replayed) whether forwarded or not. 0 = forever. */
  streamMaxAgeDays: z.number().min(0).max(3650).default(30),
  /**
   * How long JetStream remembers a `Nats-Msg-Id`. 24 h covers a publisher restart or outage
   * followed by re-publishing its outbox, a long maintenance window, or a backfill replaying
   * the last day, while the server's per-id memory stays small (one entry per event per window,
   * i.e. a few MB even at hundreds of thousands of jobs per day). Must not exceed the max age.
   */
  duplicateWindowSeconds: secondsPositive(30 * 86400).default(86_400),
  consumerName: jsName('consumerName').default('cc-backend-forwarder'),
  /**
   * Time the forwarder has to ack a delivery before JetStream redelivers it. Well above the
   * p99 of a cc-backend POST (including its own retries/timeouts), so a slow but successful
   * POST is not delivered twice. The forwarder should send `working()` for longer operations.
   */
  consumerAckWaitSeconds: secondsPositive(3600).default(60),
  /**
   * Deliveries before JetStream gives up on a message. The forwarder retries transient
   * failures with `nak(delay)` (every nak counts as a delivery) and must dead-letter a message
   * itself on its last delivery, so this bound is never reached silently. 1000 deliveries with
   * back-off capped at a few minutes spans days, e.g. a weekend cc-backend outage.
   */
  consumerMaxDeliver: z.int().min(2).max(100_000).default(1000),
  /** Upper bound on delivered-but-unacked messages (in-flight POSTs plus per-job queues). */
  consumerMaxAckPending: z.int().min(1).max(1_000_000).default(1000),
} as const;

export const natsSettingsSchema = z.strictObject(natsSettingsShape);

/** Settings as parsed (defaults applied). */
export type NatsSettings = z.output<typeof natsSettingsSchema>;
/** Settings as written in a config file. */
export type NatsSettingsInput = z.input<typeof natsSettingsSchema>;

/** Setting names whose values are secrets: redact them from logs and error reports. */
export const NATS_SECRET_KEYS = ['natsPassword'] as const;

/** Parses NATS settings alone (daemons usually spread {@link natsSettingsShape} instead). */
export function parseNatsSettings(input: unknown): NatsSettings {
  return natsSettingsSchema.parse(input);
}

export function dlqStreamNameOf(s: Pick<NatsSettings, 'streamName' | 'dlqStreamName'>): string {
  return s.dlqStreamName ?? `${s.streamName}_DLQ`;
}

/** Subjects captured by the event stream: `<natsSubject>.>`. */
export function eventStreamSubject(s: Pick<NatsSettings, 'natsSubject'>): string {
  return `${s.natsSubject}.>`;
}

/**
 * Prefix of the dead-letter namespace: `<natsSubject>_dlq`. It is a sibling of `natsSubject`,
 * not below it, so dead letters never land in (or get consumed from) the event stream.
 */
export function dlqSubjectPrefix(s: Pick<NatsSettings, 'natsSubject'>): string {
  return `${s.natsSubject}_dlq`;
}

/** Subjects captured by the DLQ stream: `<natsSubject>_dlq.>`. */
export function dlqStreamSubject(s: Pick<NatsSettings, 'natsSubject'>): string {
  return `${dlqSubjectPrefix(s)}.>`;
}

/** Subject of one dead letter: `<natsSubject>_dlq.<cluster>.<event>`. */
export function dlqSubject(s: Pick<NatsSettings, 'natsSubject'>, cluster: string, event: string): string {
  for (const [what, v] of [
    ['cluster', cluster],
    ['event', event],
  ] as const) {
    if (!isValidSubjectToken(v)) {
      throw new NatsSetupError('config', `${what} ${JSON.stringify(v)} is not a valid NATS subject token`);
    }
  }
  return `${dlqSubjectPrefix(s)}.${cluster}.${event}`;
}

interface ServerEntry {
  scheme: 'nats' | 'tls' | undefined;
  host: string;
  port: number | undefined;
}

/** Parses `host`, `host:port`, `[v6]:port`, `nats://host[:port]`, `tls://host[:port]`. */
export function parseServerEntry(v: string): ServerEntry | undefined {
  let rest = v.trim();
  let scheme: ServerEntry['scheme'];
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (m) {
    const sch = m[1]?.toLowerCase();
    if (sch !== 'nats' && sch !== 'tls') return undefined;
    scheme = sch;
    rest = rest.slice(m[0].length);
    rest = rest.replace(/\/+$/, '');
    // user:pass@ in a URL is not supported: credentials belong in natsUser/natsPassword.
    if (rest.includes('@') || rest.includes('/')) return undefined;
  }
  let host: string;
  let portStr: string | undefined;
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(rest);
  if (v6) {
    host = `[${v6[1]}]`;
    portStr = v6[2];
  } else if (/^[0-9a-fA-F:]+$/.test(rest) && (rest.match(/:/g) ?? []).length > 1) {
    host = `[${rest}]`; // bare IPv6 address
  } else {
    const hp = /^([A-Za-z0-9_.-]+)(?::(\d+))?$/.exec(rest);
    if (!hp?.[1]) return undefined;
    host = hp[1];
    portStr = hp[2];
  }
  let port: number | undefined;
  if (portStr !== undefined) {
    port = Number(portStr);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  }
  return { scheme, host, port };
}

/**
 * The server URLs to dial: `natsServers` if given (entries without a port get `natsPort`), else
 * `natsServer` (default `127.0.0.1`) with `natsPort`. Scheme `tls://` is kept; plain entries
 * become `nats://` (TLS is still negotiated when natsTls* settings are present).
 */
export function natsServerUrls(s: Pick<NatsSettings, 'natsServer' | 'natsServers' | 'natsPort'>): string[] {
  const entries = s.natsServers && s.natsServers.length > 0 ? s.natsServers : [s.natsServer ?? '127.0.0.1'];
  return entries.map((e) => {
    const p = parseServerEntry(e);
    if (!p) throw new NatsSetupError('config', `invalid NATS server address ${JSON.stringify(e)}`);
    return `${p.scheme ?? 'nats'}://${p.host}:${p.port ?? s.natsPort}`;
  });
}

/**
 * Cross-field checks a zod shape cannot express. Returns human-readable problems (empty when
 * consistent); {@link assertNatsSettings} throws them as a `config` {@link NatsSetupError}.
 */
export function natsSettingsProblems(s: NatsSettings): string[] {
  const out: string[] = [];
  if (s.natsPassword !== undefined && s.natsUser === undefined) out.push('natsPassword is set but natsUser is not');
  if (s.natsUser !== undefined && s.natsPassword === undefined) out.push('natsUser is set but natsPassword is not');
  const methods = [
    s.natsUser !== undefined ? 'natsUser/natsPassword' : undefined,
    s.natsCredsFile !== undefined ? 'natsCredsFile' : undefined,
    s.natsNKeySeedFile !== undefined ? 'natsNKeySeedFile' : undefined,
  ].filter((m): m is string => m !== undefined);
  if (methods.length > 1) out.push(`choose one NATS authentication method, not ${methods.join(' and ')}`);
  if ((s.natsTlsCertFile === undefined) !== (s.natsTlsKeyFile === undefined)) {
    out.push('natsTlsCertFile and natsTlsKeyFile must be given together');
  }
  if (s.natsServer !== undefined && s.natsServers !== undefined) {
    out.push('give either natsServer (with natsPort) or natsServers, not both');
  }
  const dlq = dlqStreamNameOf(s);
  if (dlq === s.streamName) out.push('dlqStreamName must differ from streamName');
  if (s.streamMaxAgeDays > 0 && s.duplicateWindowSeconds > s.streamMaxAgeDays * 86_400) {
    out.push('duplicateWindowSeconds must not exceed streamMaxAgeDays (JetStream requires duplicate_window ≤ max_age)');
  }
  if (dlqSubjectPrefix(s).length > 200) out.push('natsSubject is too long');
  return out;
}

export function assertNatsSettings(s: NatsSettings): void {
  const problems = natsSettingsProblems(s);
  if (problems.length > 0) throw new NatsSetupError('config', `invalid NATS settings: ${problems.join('; ')}`);
}

/** True when any TLS setting asks for TLS. */
export function natsTlsRequested(s: NatsSettings): boolean {
  return (
    s.natsTlsCaFile !== undefined ||
    s.natsTlsCertFile !== undefined ||
    s.natsTlsKeyFile !== undefined ||
    s.natsTlsInsecure ||
    natsServerUrls(s).some((u) => u.startsWith('tls://'))
  );
}
