import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { BridgeError, err, ok, type Result } from '../errors.js';
import type { FieldIssue } from '../wire/errors.js';
import { nearestKey } from './suggest.js';

export type ConfigErrorCode = 'config_unreadable' | 'config_not_json' | 'config_invalid';

/** An invalid configuration, with every problem as data (`issues`) and a readable message. */
export class ConfigError extends BridgeError<ConfigErrorCode> {
  readonly issues: readonly FieldIssue[];
  constructor(code: ConfigErrorCode, message: string, options?: { cause?: unknown; issues?: FieldIssue[] }) {
    super(code, message, options);
    this.issues = options?.issues ?? [];
  }
}

/** `natsPassword` → `CCSB_NATS_PASSWORD`: the environment variable that overrides a secret key. */
export function envVarFor(key: string): string {
  return `CCSB_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

export interface ParseConfigOptions {
  /** Where the config came from, for messages. */
  source?: string;
  /** Keys that environment variables may override (secrets), via {@link envVarFor}. */
  envOverridable?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * Validates a parsed config object against a strict zod object schema. Unknown keys are errors
 * that name the nearest valid key. Environment variables override the listed (secret) keys.
 */
export function parseConfig<S extends z.ZodObject>(schema: S, raw: unknown, opts: ParseConfigOptions = {}): Result<z.output<S>, ConfigError> {
  const source = opts.source ?? 'config';
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return err(new ConfigError('config_invalid', `${source}: the configuration must be a JSON object`));
  }
  const input: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const env = opts.env ?? process.env;
  for (const key of opts.envOverridable ?? []) {
    const v = env[envVarFor(key)];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = schema.strict().safeParse(input);
  if (parsed.success) return ok(parsed.data as z.output<S>);
  const validKeys = Object.keys(schema.shape);
  const issues: FieldIssue[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const near = nearestKey(key, validKeys);
        issues.push({ path: key, message: `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}` });
      }
    } else {
      issues.push({ path, message: issue.message });
    }
  }
  const text = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n  ');
  return err(new ConfigError('config_invalid', `${source} is invalid:\n  ${text}`, { issues }));
}

/** Reads a JSON config file and validates it with {@link parseConfig}. */
export function loadConfigFile<S extends z.ZodObject>(schema: S, path: string, opts: Omit<ParseConfigOptions, 'source'> = {}): Result<z.output<S>, ConfigError> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    return err(new ConfigError('config_unreadable', `cannot read config file ${path}: ${(cause as Error).message}`, { cause }));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    return err(new ConfigError('config_not_json', `config file ${path} is not valid JSON: ${(cause as Error).message}`, { cause }));
  }
  return parseConfig(schema, raw, { ...opts, source: `config file ${path}` });
}

/** Reads a secret from a file (trimmed), for keys like `ccRestJwtFile`. */
export function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8').trim();
}
