// Connection options from NatsSettings and a connect helper that logs connection status.
// Secrets (password, seeds, creds) are read here and never logged; options objects are never
// logged either.
import { readFile } from 'node:fs/promises';
import {
  connect,
  credsAuthenticator,
  errors as natsErrors,
  nkeyAuthenticator,
  usernamePasswordAuthenticator,
  type NatsConnection,
  type NodeConnectionOptions,
  type Status,
} from '@nats-io/transport-node';
import { NatsSetupError } from './errors.js';
import { assertNatsSettings, natsServerUrls, natsTlsRequested, type NatsSettings } from './settings.js';

type LogFn = (objOrMsg: object | string, msg?: string) => void;
/** The subset of a pino logger used here; a pino `Logger` satisfies it. */
export interface NatsLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** A logger that drops everything. */
export const silentNatsLogger: NatsLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Delay between reconnect attempts to one server (plus jitter); reconnects go on forever. */
export const NATS_RECONNECT_TIME_WAIT_MS = 2_000;

async function readSecretFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new NatsSetupError('config', `cannot read ${what} ${path}: ${code}`, { cause: err });
  }
}

async function assertReadable(path: string, what: string): Promise<void> {
  await readSecretFile(path, what);
}

/**
 * Builds the options for `connect()` from the settings: servers, authentication (exactly one of
 * user/password, creds file, NKey seed file), TLS, and a never-give-up reconnect policy that
 * also waits for a server that is not up yet at start-up.
 * Throws a `config` {@link NatsSetupError} for inconsistent settings or unreadable files.
 */
export async function natsConnectionOptions(
  s: NatsSettings,
  extra: { name?: string } = {},
): Promise<NodeConnectionOptions> {
  assertNatsSettings(s);
  const opts: NodeConnectionOptions = {
    servers: natsServerUrls(s),
    name: extra.name ?? 'cc-slurm-bridge',
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    reconnectTimeWait: NATS_RECONNECT_TIME_WAIT_MS,
    reconnectJitter: 500,
    reconnectJitterTLS: 1_000,
    // Detect a dead TCP connection within ~1 min instead of the 2 min x 2 default.
    pingInterval: 30_000,
    maxPingOut: 2,
    timeout: 10_000,
  };

  if (s.natsCredsFile !== undefined) {
    // Read once now so a wrong path fails at start-up, and again on every (re)connect so a
    // rotated creds file is picked up without a restart.
    const path = s.natsCredsFile;
    const creds = await readSecretFile(path, 'natsCredsFile');
    try {
      credsAuthenticator(creds)(undefined); // parses the JWT and the seed
    } catch (err) {
      throw new NatsSetupError('config', `natsCredsFile ${path} is not a valid NATS creds file`, { cause: err });
    }
    let latest = creds;
    opts.authenticator = credsAuthenticator(() => latest);
    // Refresh in the background between connects; failures keep the previous contents.
    const refresh = (): void => {
      readFile(path).then(
        (b) => {
          latest = new Uint8Array(b);
        },
        () => undefined,
      );
    };
    opts.reconnectDelayHandler = () => {
      refresh();
      return NATS_RECONNECT_TIME_WAIT_MS + Math.floor(Math.random() * 500);
    };
  } else if (s.natsNKeySeedFile !== undefined) {
    const raw = new TextDecoder().decode(await readSecretFile(s.natsNKeySeedFile, 'natsNKeySeedFile'));
    // A seed file may hold just the seed or a creds-style block; take the first seed token.
    const seed = /\bS[A-Z2-7]{56,}\b/.exec(raw)?.[0];
    if (!seed) throw new NatsSetupError('config', `natsNKeySeedFile ${s.natsNKeySeedFile} holds no NKey seed`);
    const seedBytes = new TextEncoder().encode(seed);
    try {
      nkeyAuthenticator(seedBytes)(undefined); // decodes and checks the seed
    } catch (err) {
      throw new NatsSetupError('config', `natsNKeySeedFile ${s.natsNKeySeedFile} holds an invalid NKey seed`, { cause: err });
    }
    opts.authenticator = nkeyAuthenticator(seedBytes);
  } else if (s.natsUser !== undefined && s.natsPassword !== undefined) {
    opts.authenticator = usernamePasswordAuthenticator(s.natsUser, s.natsPassword);
  }

  if (natsTlsRequested(s)) {
    if (s.natsTlsCaFile !== undefined) await assertReadable(s.natsTlsCaFile, 'natsTlsCaFile');
    if (s.natsTlsCertFile !== undefined) await assertReadable(s.natsTlsCertFile, 'natsTlsCertFile');
    if (s.natsTlsKeyFile !== undefined) await assertReadable(s.natsTlsKeyFile, 'natsTlsKeyFile');
    opts.tls = {
      ...(s.natsTlsCaFile !== undefined ? { caFile: s.natsTlsCaFile } : {}),
      ...(s.natsTlsCertFile !== undefined ? { certFile: s.natsTlsCertFile } : {}),
      ...(s.natsTlsKeyFile !== undefined ? { keyFile: s.natsTlsKeyFile } : {}),
      ...(s.natsTlsInsecure ? { rejectUnauthorized: false } : {}),
    };
  }
  return opts;
}

/** Removes `user:pass@` from a URL-ish string before it is logged. */
export function redactServer(server: string): string {
  return server.replace(/\/\/[^@/]*@/, '//***@');
}

/** Maps a connect failure to a typed error with a message an operator can act on. */
export function toNatsSetupError(err: unknown, servers: string[]): NatsSetupError {
  if (err instanceof NatsSetupError) return err;
  const where = servers.map(redactServer).join(', ');
  if (err instanceof natsErrors.AuthorizationError || err instanceof natsErrors.UserAuthenticationExpiredError) {
    return new NatsSetupError(
      'auth',
      `NATS server at ${where} rejected the credentials (${err.message}); check natsUser/natsPassword, natsCredsFile or natsNKeySeedFile`,
      { cause: err },
    );
  }
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof natsErrors.ConnectionError || err instanceof natsErrors.TimeoutError) {
    return new NatsSetupError('connect', `cannot connect to NATS at ${where}: ${msg}`, { cause: err });
  }
  if (err instanceof natsErrors.InvalidArgumentError) {
    return new NatsSetupError('config', `invalid NATS connection setting: ${msg}`, { cause: err });
  }
  return new NatsSetupError('connect', `cannot connect to NATS at ${where}: ${msg}`, { cause: err });
}

export interface ConnectNatsOptions {
  /** Client name shown by the server's monitoring (e.g. `cc-slurm-forwarder@host`). */
  name: string;
  logger?: NatsLogger;
  /**
   * Give up instead of waiting when no server is reachable at start-up (for CLI commands like
   * `status`). Daemons leave this off: they wait for NATS forever.
   */
  failFast?: boolean;
}

/**
 * Connects with {@link natsConnectionOptions} and logs status changes (disconnect, reconnect,
 * server errors, lame-duck mode). Rejected credentials fail with an `auth` {@link NatsSetupError}
 * (the client stops retrying after the server refuses the same credentials twice).
 */
export async function connectNats(s: NatsSettings, o: ConnectNatsOptions): Promise<NatsConnection> {
  const log = o.logger ?? silentNatsLogger;
  const opts = await natsConnectionOptions(s, { name: o.name });
  const servers = natsServerUrls(s);
  if (o.failFast) {
    opts.waitOnFirstConnect = false;
    opts.maxReconnectAttempts = -1;
  }
  if (s.natsTlsInsecure) log.warn({ servers: servers.map(redactServer) }, 'NATS TLS certificate verification is disabled (natsTlsInsecure)');
  log.debug({ servers: servers.map(redactServer), name: o.name }, 'connecting to NATS');
  let nc: NatsConnection;
  try {
    nc = await connect(opts);
  } catch (err) {
    throw toNatsSetupError(err, servers);
  }
  log.info({ server: redactServer(nc.getServer()), serverVersion: nc.info?.version, name: o.name }, 'connected to NATS');
  void watchStatus(nc, log);
  nc.closed().then(
    (err) => {
      if (err) log.error({ err: describeError(err) }, 'NATS connection closed with an error');
      else log.info('NATS connection closed');
    },
    () => undefined,
  );
  return nc;
}

function describeError(err: unknown): { type: string; message: string } {
  return err instanceof Error ? { type: err.name, message: err.message } : { type: typeof err, message: String(err) };
}

async function watchStatus(nc: NatsConnection, log: NatsLogger): Promise<void> {
  try {
    for await (const st of nc.status() as AsyncIterable<Status>) {
      switch (st.type) {
        case 'disconnect':
          log.warn({ server: redactServer(st.server) }, 'NATS disconnected');
          break;
        case 'reconnecting':
          log.debug('NATS reconnecting');
          break;
        case 'reconnect':
          log.info({ server: redactServer(st.server) }, 'NATS reconnected');
          break;
        case 'error':
          log.error({ err: describeError(st.error) }, 'NATS server reported an error');
          break;
        case 'ldm':
          log.warn({ server: redactServer(st.server) }, 'NATS server entered lame-duck mode; will move to another server');
          break;
        case 'staleConnection':
          log.warn('NATS connection is stale (no PONG); reconnecting');
          break;
        case 'update':
          log.debug({ added: st.added?.map(redactServer), deleted: st.deleted?.map(redactServer) }, 'NATS cluster servers updated');
          break;
        case 'slowConsumer':
          log.warn({ subject: st.sub.getSubject(), pending: st.pending }, 'NATS slow consumer');
          break;
        case 'forceReconnect':
          log.info('NATS reconnect forced');
          break;
        case 'close':
          break;
        case 'ping':
          break;
      }
    }
  } catch {
    // the status iterator ends when the connection closes
  }
}
