import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

const REDACTED = '[REDACTED]';

// Shapes of secrets we can recognise anywhere in a line: JWTs (incl. NATS user JWTs), NKey seeds,
// bearer tokens, and JSON values under keys that name a secret.
const JWT = /eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
const NKEY_SEED = /S[ACNOPUX][A-Z2-7]{56}/g;
const BEARER = /(Bearer\s+)[^\s"\\]+/gi;
const SECRET_KEY_VALUE = /("[^"]*(?:password|passwd|secret|token|jwt|seed|authorization|credential)[^"]*"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/**
 * Removes secrets from one serialised log line: the registered secret values (raw and as they
 * look inside a JSON string), and anything shaped like a JWT, NKey seed or bearer token.
 */
export function redactSecrets(line: string, secrets: readonly string[] = []): string {
  let out = line;
  for (const s of secrets) {
    if (s.length < 4) continue; // too short to replace without mangling unrelated text
    const inJson = JSON.stringify(s).slice(1, -1);
    out = out.split(s).join(REDACTED);
    if (inJson !== s) out = out.split(inJson).join(REDACTED);
  }
  return out
    .replace(SECRET_KEY_VALUE, `$1"${REDACTED}"`)
    .replace(JWT, REDACTED)
    .replace(NKEY_SEED, REDACTED)
    .replace(BEARER, `$1${REDACTED}`);
}

export interface CreateLoggerOptions {
  /** Logger name, e.g. `cc-slurm-forwarder`. */
  name: string;
  level?: string;
  /** Secret values (passwords, tokens) to blank out wherever they appear. */
  secrets?: readonly string[];
  /** Where to write; stdout by default. Tests pass a collecting stream. */
  destination?: DestinationStream;
}

/** A pino JSON logger whose every line passes through {@link redactSecrets} before it is written. */
export function createLogger(opts: CreateLoggerOptions): Logger {
  const secrets = [...(opts.secrets ?? [])].filter(Boolean).sort((a, b) => b.length - a.length);
  const options: LoggerOptions = {
    name: opts.name,
    level: opts.level ?? 'info',
    base: { pid: process.pid },
    hooks: { streamWrite: (s: string) => redactSecrets(s, secrets) },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** A logger that writes nothing, for library callers that pass none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
