// Idempotent creation / update of the JetStream resources of cc-slurm-bridge: the event stream,
// the dead-letter stream and the forwarder's durable pull consumer. Every daemon runs these at
// start-up; running them again (or from several processes at once) is harmless.
//
// On an existing resource only the settings listed in the desired config are compared. A
// difference is applied with an update; a setting the server refuses to change is either
// fatal (it would break delivery: storage type, retention, subjects, ack policy, filter, push vs
// pull) and reported as a typed NatsSetupError, or tolerated (logged, existing value kept).
//
// Everything here works on nats-server 2.9.0+ (Debian 12 ships 2.9.10): only 2.9 stream and
// consumer fields are used. Not used on purpose: `allow_direct` (not needed), consumer
// `backoff` (on 2.9 it applies only to ack-timeout redeliveries and silently replaces
// `ack_wait` with backoff[0]; the forwarder paces retries with `nak(delay)` instead),
// stream `sync_interval` (server option, not in 2.9).
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { compare, parseSemVer, type NatsConnection } from '@nats-io/transport-node';
import { silentNatsLogger, type NatsLogger } from './connect.js';
import { NatsSetupError } from './errors.js';
import {
  assertNatsSettings,
  dlqStreamNameOf,
  dlqStreamSubject,
  eventStreamSubject,
  type NatsSettings,
} from './settings.js';

/** Oldest nats-server supported. */
export const MIN_NATS_SERVER_VERSION = '2.9.0';

const NS_PER_SECOND = 1_000_000_000;
/** Whole seconds → nanoseconds (exact as a double for any realistic duration). */
export const secondsToNanos = (seconds: number): number => Math.round(seconds) * NS_PER_SECOND;
export const daysToNanos = (days: number): number => secondsToNanos(days * 86_400);

export interface EnsureOptions {
  logger?: NatsLogger;
}

/** The stream settings cc-slurm-bridge manages (name + subjects + limits). */
export type ManagedStreamConfig = Pick<
  StreamConfig,
  | 'name'
  | 'description'
  | 'subjects'
  | 'storage'
  | 'retention'
  | 'discard'
  | 'num_replicas'
  | 'max_age'
  | 'max_msgs'
  | 'max_bytes'
  | 'max_msgs_per_subject'
  | 'max_msg_size'
  | 'duplicate_window'
>;

/**
 * Event stream `streamName`, subjects `<natsSubject>.>`.
 *
 * Retention and discard: retention is `limits` with `max_age` as the only limit (no message,
 * byte or per-subject caps), so events are kept for `streamMaxAgeDays` whether forwarded or
 * not — they can be replayed — and nothing is removed early. Discard is `new`: should anyone
 * add a size cap, or should the server/account run out of storage, JetStream refuses the
 * *new* publish (the publisher keeps the event in its outbox and retries) rather than silently
 * deleting the oldest, possibly unforwarded, events. The only removal is by age, which is
 * deliberate; consumer lag must be alerted on long before it.
 */
export function eventStreamConfig(s: NatsSettings): ManagedStreamConfig {
  return {
    name: s.streamName,
    description: 'cc-slurm-bridge job events (start_job / stop_job), managed by cc-slurm-bridge',
    subjects: [eventStreamSubject(s)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    num_replicas: s.streamReplicas,
    max_age: daysToNanos(s.streamMaxAgeDays),
    max_msgs: -1,
    max_bytes: -1,
    max_msgs_per_subject: -1,
    max_msg_size: -1,
    duplicate_window: secondsToNanos(s.duplicateWindowSeconds),
  };
}

/**
 * Dead-letter stream `dlqStreamName` (default `<streamName>_DLQ`), subjects
 * `<natsSubject>_dlq.>` — a sibling namespace that cannot overlap `<natsSubject>.>`. Dead
 * letters are events cc-backend never accepted, so they are kept until an operator replays or
 * purges them (no age limit); the duplicate window lets the forwarder re-publish a dead letter
 * with the same msg id after a crash without creating a second copy.
 */
export function dlqStreamConfig(s: NatsSettings): ManagedStreamConfig {
  return {
    name: dlqStreamNameOf(s),
    description: 'cc-slurm-bridge dead letters (original event + reason), managed by cc-slurm-bridge',
    subjects: [dlqStreamSubject(s)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    num_replicas: s.streamReplicas,
    max_age: 0,
    max_msgs: -1,
    max_bytes: -1,
    max_msgs_per_subject: -1,
    max_msg_size: -1,
    duplicate_window: secondsToNanos(s.duplicateWindowSeconds),
  };
}

export type ManagedConsumerConfig = Pick<
  ConsumerConfig,
  | 'durable_name'
  | 'description'
  | 'ack_policy'
  | 'deliver_policy'
  | 'replay_policy'
  | 'filter_subject'
  | 'ack_wait'
  | 'max_deliver'
  | 'max_ack_pending'
>;

/**
 * Durable pull consumer `consumerName` on the event stream: explicit ack, from the first event
 * (`deliver_policy: all`), filter `<natsSubject>.>`, `ack_wait` / `max_deliver` /
 * `max_ack_pending` from the settings. Replicas follow the stream (num_replicas 0).
 */
export function forwarderConsumerConfig(s: NatsSettings): ManagedConsumerConfig {
  return {
    durable_name: s.consumerName,
    description: 'cc-slurm-bridge forwarder to cc-backend, managed by cc-slurm-bridge',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    filter_subject: eventStreamSubject(s),
    ack_wait: secondsToNanos(s.consumerAckWaitSeconds),
    max_deliver: s.consumerMaxDeliver,
    max_ack_pending: s.consumerMaxAckPending,
  };
}

// --- helpers ---------------------------------------------------------------------------------------

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  // The server omits empty optional fields (e.g. description); treat '' and absent alike.
  if ((a === undefined || a === '') && (b === undefined || b === '')) return true;
  return a === b;
}

function diffKeys<T extends object>(existing: Partial<T>, desired: T, ignore: ReadonlyArray<keyof T>): Array<keyof T> {
  return (Object.keys(desired) as Array<keyof T>).filter((k) => !ignore.includes(k) && !same(existing[k], desired[k]));
}

function apiDescription(err: unknown): string {
  if (err instanceof JetStreamApiError) return `${err.apiError().description} (err_code ${err.code})`;
  return err instanceof Error ? err.message : String(err);
}

function isApiCode(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

function pick<T extends object>(o: T, keys: ReadonlyArray<keyof T>): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) out[k] = o[k];
  return out;
}

function fmt(v: unknown): string {
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * Applies `changes` with `update`: first all at once; if the server refuses, one by one, so a
 * single immutable field does not block the others. Refusals of `mustApply` keys are fatal.
 */
async function applyChanges<T extends object>(
  what: string,
  desired: T,
  changes: Array<keyof T>,
  mustApply: ReadonlyArray<keyof T>,
  update: (partial: Partial<T>) => Promise<unknown>,
  conflict: (key: keyof T, reason: string) => NatsSetupError,
  log: NatsLogger,
): Promise<void> {
  try {
    await update(pick(desired, changes));
    return;
  } catch (err) {
    if (!(err instanceof JetStreamApiError)) {
      throw new NatsSetupError('jetstream_api', `updating ${what} failed: ${apiDescription(err)}`, { cause: err });
    }
  }
  for (const key of changes) {
    try {
      await update(pick(desired, [key]));
    } catch (err) {
      if (!(err instanceof JetStreamApiError)) {
        throw new NatsSetupError('jetstream_api', `updating ${what} failed: ${apiDescription(err)}`, { cause: err });
      }
      if (mustApply.includes(key)) throw conflict(key, apiDescription(err));
      log.warn(
        { resource: what, setting: String(key), wanted: desired[key], reason: apiDescription(err) },
        `${what}: server refused to change ${String(key)}; keeping the existing value`,
      );
    }
  }
}

async function readBack<I>(what: string, info: () => Promise<I>): Promise<I> {
  try {
    return await info();
  } catch (err) {
    throw new NatsSetupError('jetstream_api', `${what}: cannot read back after update: ${apiDescription(err)}`, { cause: err });
  }
}

/** After an update: changes the server accepted but did not apply are fatal or logged. */
function verifyApplied<T extends object>(
  what: string,
  actual: Partial<T>,
  desired: T,
  changes: Array<keyof T>,
  mustApply: ReadonlyArray<keyof T>,
  conflict: (key: keyof T, reason: string) => NatsSetupError,
  log: NatsLogger,
): void {
  for (const key of changes) {
    if (same(actual[key], desired[key])) continue;
    if (mustApply.includes(key)) throw conflict(key, `the server kept ${fmt(actual[key])}`);
    log.warn(
      { resource: what, setting: String(key), wanted: desired[key], actual: actual[key] },
      `${what}: ${String(key)} was not changed by the server; keeping the existing value`,
    );
  }
}

async function ensureStream(
  jsm: JetStreamManager,
  desired: ManagedStreamConfig,
  kind: string,
  log: NatsLogger,
  clustered: boolean | undefined,
): Promise<StreamInfo> {
  const what = `${kind} stream ${desired.name}`;
  if (clustered === false && desired.num_replicas > 1) {
    throw new NatsSetupError(
      'config',
      `${what}: streamReplicas ${desired.num_replicas} needs a JetStream cluster, but the server is not clustered; use streamReplicas 1`,
    );
  }
  for (let attempt = 0; ; attempt++) {
    let existing: StreamInfo | undefined;
    try {
      existing = await jsm.streams.info(desired.name);
    } catch (err) {
      if (!isApiCode(err, JetStreamApiCodes.StreamNotFound)) {
        throw new NatsSetupError('jetstream_api', `${what}: cannot read stream info: ${apiDescription(err)}`, { cause: err });
      }
    }
    if (!existing) {
      try {
        const si = await jsm.streams.add(desired);
        log.info({ stream: desired.name, subjects: desired.subjects, replicas: desired.num_replicas }, `created ${what}`);
        return si;
      } catch (err) {
        // Lost a creation race with another process: compare with what it created.
        if (attempt === 0 && isApiCode(err, 10058)) continue;
        throw new NatsSetupError('jetstream_api', `${what}: cannot create: ${apiDescription(err)}`, { cause: err });
      }
    }
    const cfg = existing.config;
    for (const key of ['storage', 'retention'] as const) {
      if (cfg[key] !== desired[key]) {
        throw new NatsSetupError(
          'stream_conflict',
          `${what} exists with ${key} ${fmt(cfg[key])} but cc-slurm-bridge needs ${fmt(desired[key])}; ` +
            `JetStream cannot change ${key} in place. Back the stream up and delete it ` +
            `(nats stream backup / nats stream rm ${desired.name}), or configure another ` +
            `${kind === 'event' ? 'streamName' : 'dlqStreamName'}`,
        );
      }
    }
    if (cfg.mirror) {
      throw new NatsSetupError('stream_conflict', `${what} exists as a mirror of ${cfg.mirror.name}; it cannot take publishes`);
    }
    const changes = diffKeys<ManagedStreamConfig>(cfg, desired, ['name', 'storage', 'retention']);
    if (changes.length === 0) {
      log.debug({ stream: desired.name }, `${what} is up to date`);
      return existing;
    }
    log.info(
      {
        stream: desired.name,
        changes: Object.fromEntries(changes.map((k) => [k, { from: cfg[k], to: desired[k] }])),
      },
      `updating ${what}`,
    );
    const conflict = (key: keyof ManagedStreamConfig, reason: string): NatsSetupError =>
      new NatsSetupError('stream_conflict', `${what}: cannot change ${String(key)} to ${fmt(desired[key])}: ${reason}`);
    await applyChanges<ManagedStreamConfig>(
      what,
      desired,
      changes,
      ['subjects'],
      (partial) => jsm.streams.update(desired.name, partial),
      conflict,
      log,
    );
    const after = await readBack(what, () => jsm.streams.info(desired.name));
    verifyApplied<ManagedStreamConfig>(what, after.config, desired, changes, ['subjects'], conflict, log);
    return after;
  }
}

/** Creates or updates the event stream. Returns its info. */
export async function ensureEventStream(
  jsm: JetStreamManager,
  s: NatsSettings,
  o: EnsureOptions & { clustered?: boolean } = {},
): Promise<StreamInfo> {
  assertNatsSettings(s);
  return await ensureStream(jsm, eventStreamConfig(s), 'event', o.logger ?? silentNatsLogger, o.clustered);
}

/** Creates or updates the dead-letter stream. Returns its info. */
export async function ensureDlqStream(
  jsm: JetStreamManager,
  s: NatsSettings,
  o: EnsureOptions & { clustered?: boolean } = {},
): Promise<StreamInfo> {
  assertNatsSettings(s);
  return await ensureStream(jsm, dlqStreamConfig(s), 'dead-letter', o.logger ?? silentNatsLogger, o.clustered);
}

/** Creates or updates the forwarder's durable pull consumer on the event stream. */
export async function ensureForwarderConsumer(
  jsm: JetStreamManager,
  s: NatsSettings,
  o: EnsureOptions = {},
): Promise<ConsumerInfo> {
  assertNatsSettings(s);
  const log = o.logger ?? silentNatsLogger;
  const desired = forwarderConsumerConfig(s);
  const stream = s.streamName;
  const name = s.consumerName;
  const what = `consumer ${name} on stream ${stream}`;
  for (let attempt = 0; ; attempt++) {
    let existing: ConsumerInfo | undefined;
    try {
      existing = await jsm.consumers.info(stream, name);
    } catch (err) {
      if (isApiCode(err, JetStreamApiCodes.StreamNotFound)) {
        throw new NatsSetupError('jetstream_api', `${what}: stream ${stream} does not exist (ensure the event stream first)`, {
          cause: err,
        });
      }
      if (!isApiCode(err, JetStreamApiCodes.ConsumerNotFound)) {
        throw new NatsSetupError('jetstream_api', `${what}: cannot read consumer info: ${apiDescription(err)}`, { cause: err });
      }
    }
    if (!existing) {
      try {
        const ci = await jsm.consumers.add(stream, desired);
        log.info({ stream, consumer: name, filter: desired.filter_subject }, `created ${what}`);
        return ci;
      } catch (err) {
        if (attempt === 0 && err instanceof JetStreamApiError) continue; // creation race: re-read
        throw new NatsSetupError('jetstream_api', `${what}: cannot create: ${apiDescription(err)}`, { cause: err });
      }
    }
    const cfg = existing.config;
    if (cfg.deliver_subject) {
      throw new NatsSetupError(
        'consumer_conflict',
        `${what} exists as a push consumer (deliver_subject ${cfg.deliver_subject}); the forwarder needs a pull consumer. ` +
          `Delete it (nats consumer rm ${stream} ${name}) or configure another consumerName`,
      );
    }
    if (cfg.ack_policy !== desired.ack_policy) {
      throw new NatsSetupError(
        'consumer_conflict',
        `${what} exists with ack_policy ${fmt(cfg.ack_policy)}; the forwarder needs "explicit", which cannot be changed in place. ` +
          `Delete it (nats consumer rm ${stream} ${name}) or configure another consumerName`,
      );
    }
    // deliver_policy only matters when the consumer is created; a different value is kept.
    if (cfg.deliver_policy !== desired.deliver_policy) {
      log.warn(
        { stream, consumer: name, existing: cfg.deliver_policy, wanted: desired.deliver_policy },
        `${what} was created with another deliver_policy; it cannot be changed and is kept`,
      );
    }
    const changes = diffKeys<ManagedConsumerConfig>(cfg, desired, ['durable_name', 'ack_policy', 'deliver_policy']);
    if (changes.length === 0) {
      log.debug({ stream, consumer: name }, `${what} is up to date`);
      return existing;
    }
    log.info(
      { stream, consumer: name, changes: Object.fromEntries(changes.map((k) => [k, { from: cfg[k], to: desired[k] }])) },
      `updating ${what}`,
    );
    const conflict = (key: keyof ManagedConsumerConfig, reason: string): NatsSetupError =>
      new NatsSetupError('consumer_conflict', `${what}: cannot change ${String(key)} to ${fmt(desired[key])}: ${reason}`);
    await applyChanges<ManagedConsumerConfig>(
      what,
      desired,
      changes,
      ['filter_subject'],
      (partial) => jsm.consumers.update(stream, name, partial),
      conflict,
      log,
    );
    // Read back instead of trusting the update's reply: nats-server 2.9 answers an update of a
    // durable consumer recovered from disk with its *previous* config, although it applied it.
    const after = await readBack(what, () => jsm.consumers.info(stream, name));
    verifyApplied<ManagedConsumerConfig>(what, after.config, desired, changes, ['filter_subject'], conflict, log);
    return after;
  }
}

export interface JetStreamResources {
  /** nats-server version, e.g. `2.9.10`. */
  serverVersion: string;
  /** Whether the connected server is part of a cluster. */
  clustered: boolean;
  jsm: JetStreamManager;
  stream: StreamInfo;
  dlq: StreamInfo;
  /** Present when `consumer: true` was asked for. */
  consumer?: ConsumerInfo;
}

/**
 * Checks the server version and JetStream, then ensures the event stream, the dead-letter
 * stream and (with `consumer: true`, i.e. in the forwarder) the forwarder's consumer.
 */
export async function ensureJetStreamResources(
  nc: NatsConnection,
  s: NatsSettings,
  o: EnsureOptions & { consumer: boolean },
): Promise<JetStreamResources> {
  assertNatsSettings(s);
  const log = o.logger ?? silentNatsLogger;
  const serverVersion = nc.info?.version ?? '0.0.0';
  if (compare(parseSemVer(serverVersion), parseSemVer(MIN_NATS_SERVER_VERSION)) < 0) {
    throw new NatsSetupError(
      'server_version',
      `nats-server ${serverVersion} is too old: cc-slurm-bridge needs ${MIN_NATS_SERVER_VERSION} or later`,
    );
  }
  if (nc.info && nc.info.jetstream !== true) {
    throw new NatsSetupError(
      'jetstream_disabled',
      `JetStream is not enabled on the NATS server (${serverVersion}); enable it (jetstream { store_dir: … })`,
    );
  }
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
  } catch (err) {
    throw new NatsSetupError(
      'jetstream_disabled',
      `JetStream is not available for this account: ${apiDescription(err)}; enable JetStream for the account`,
      { cause: err },
    );
  }
  const clustered = typeof nc.info?.cluster === 'string' && nc.info.cluster !== '';
  const stream = await ensureEventStream(jsm, s, { logger: log, clustered });
  const dlq = await ensureDlqStream(jsm, s, { logger: log, clustered });
  const res: JetStreamResources = { serverVersion, clustered, jsm, stream, dlq };
  if (o.consumer) res.consumer = await ensureForwarderConsumer(jsm, s, { logger: log });
  return res;
}
