import { BridgeError } from '../errors.js';

/** What went wrong while connecting to NATS or preparing JetStream resources. */
export type NatsSetupErrorCode =
  /** Settings are inconsistent, or a referenced file (creds, seed, TLS) cannot be read. */
  | 'config'
  /** The server rejected the credentials (wrong password, unknown NKey, bad creds). */
  | 'auth'
  /** The server could not be reached or the TLS handshake failed. */
  | 'connect'
  /** JetStream is not enabled on the server / for this account. */
  | 'jetstream_disabled'
  /** The server is older than the oldest supported version (2.9.0). */
  | 'server_version'
  /** An existing stream has a setting that cannot be changed in place (e.g. storage type). */
  | 'stream_conflict'
  /** An existing durable consumer has a setting that cannot be changed in place. */
  | 'consumer_conflict'
  /** Any other JetStream API failure while creating or updating resources. */
  | 'jetstream_api';

/**
 * A typed, operator-readable failure of NATS setup. `message` says what to do; the original
 * error (if any) is in `cause`. Never carries secrets.
 */
export class NatsSetupError extends BridgeError<NatsSetupErrorCode> {}

export function isNatsSetupError(err: unknown, code?: NatsSetupErrorCode): err is NatsSetupError {
  return err instanceof NatsSetupError && (code === undefined || err.code === code);
}
