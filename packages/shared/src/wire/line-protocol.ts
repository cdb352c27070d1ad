import { err, ok, type Result } from '../errors.js';
import type { JobEvent } from './envelope.js';
import { WireError } from './errors.js';
import { EVENT_TYPES, type EventType } from './headers.js';
import { decodeBody, validateEvent, type ValidatedEvent } from './json-codec.js';

/**
 * InfluxDB line protocol as cc-backend's NATS job API reads it (CONTRACT §6.2, §6.3):
 * `job,function=start_job,cluster=<c> event="<escaped JSON>" <ns>`.
 */

/** Escapes a string field value: every `\` as `\\` and every `"` as `\"`, in one pass, nothing else. */
export function escapeStringField(s: string): string {
  return s.replace(/[\\"]/g, (c) => `\\${c}`);
}

/** Escapes a tag key or value: `,`, `=` and space get a backslash. */
export function escapeTag(s: string): string {
  return s.replace(/[,= ]/g, (c) => `\\${c}`);
}

/** Encodes an event as one line (with a trailing newline). The timestamp is start or stop time in ns. */
export function encodeLineProtocol(e: JobEvent): string {
  const v = validateEvent(e);
  if (!v.ok) throw v.error;
  return lineText(e);
}

/** {@link encodeLineProtocol} of an event validateEvent already passed, without validating again. */
export function encodeValidatedLineProtocol(e: ValidatedEvent): string {
  return lineText(e);
}

function lineText(e: JobEvent): string {
  const cluster = e.body.cluster;
  if (!cluster) throw new WireError('invalid_body', 'line protocol needs a non-empty cluster (empty tag values drop the line, CONTRACT §6.2)');
  const seconds = e.event === 'start_job' ? e.body.startTime : e.body.stopTime;
  const ns = (BigInt(seconds) * 1_000_000_000n).toString();
  return `job,function=${e.event},cluster=${escapeTag(cluster)} event="${escapeStringField(JSON.stringify(e.body))}" ${ns}\n`;
}

/** One parsed line: measurement, tags, fields (strings unescaped, other values as their raw text) and timestamp. */
export interface ParsedLine {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, { kind: 'string'; value: string } | { kind: 'other'; raw: string }>;
  timestamp: bigint;
}

class Cursor {
  i = 0;
  constructor(readonly s: string) {}
  get done() {
    return this.i >= this.s.length;
  }
  peek() {
    return this.s[this.i];
  }
}

function fail(msg: string, c: Cursor): never {
  throw new WireError('malformed_line_protocol', `${msg} at offset ${c.i}`);
}

// Reads a measurement, tag key/value or field key, up to an unescaped stop character.
function readToken(c: Cursor, stops: string, escapable: string): string {
  let out = '';
  while (!c.done) {
    const ch = c.s[c.i]!;
    if (ch === '\\' && c.i + 1 < c.s.length && escapable.includes(c.s[c.i + 1]!)) {
      out += c.s[c.i + 1];
      c.i += 2;
      continue;
    }
    if (stops.includes(ch)) break;
    if (ch === '\n') break;
    out += ch;
    c.i++;
  }
  return out;
}

// Inside a quoted string field: \\ → \, \" → ", \n \r \t → control characters, other backslashes kept.
function readStringField(c: Cursor): string {
  c.i++; // opening quote
  let out = '';
  while (true) {
    if (c.done) fail('unterminated string field', c);
    const ch = c.s[c.i]!;
    if (ch === '"') {
      c.i++;
      return out;
    }
    if (ch === '\\' && c.i + 1 < c.s.length) {
      const nx = c.s[c.i + 1]!;
      const mapped = nx === '\\' ? '\\' : nx === '"' ? '"' : nx === 'n' ? '\n' : nx === 'r' ? '\r' : nx === 't' ? '\t' : undefined;
      if (mapped !== undefined) {
        out += mapped;
        c.i += 2;
        continue;
      }
    }
    out += ch;
    c.i++;
  }
}

function parseLine(c: Cursor): ParsedLine {
  const measurement = readToken(c, ', ', ', ');
  if (!measurement) fail('missing measurement', c);
  const tags: Record<string, string> = {};
  while (c.peek() === ',') {
    c.i++;
    const key = readToken(c, '=, ', ',= ');
    if (!key) fail('expected tag key after comma', c);
    if (c.peek() !== '=') fail(`expected '=' after tag key "${key}"`, c);
    c.i++;
    const value = readToken(c, ', ', ',= ');
    if (!value) fail(`expected tag value after tag key "${key}", but none found`, c);
    tags[key] = value;
  }
  if (c.peek() !== ' ') fail('expected a space before the fields', c);
  c.i++;
  const fields: ParsedLine['fields'] = {};
  while (true) {
    const key = readToken(c, '=, ', ',= ');
    if (!key) fail('expected field key', c);
    if (c.peek() !== '=') fail(`expected '=' after field key "${key}"`, c);
    c.i++;
    if (c.peek() === '"') {
      fields[key] = { kind: 'string', value: readStringField(c) };
    } else {
      const start = c.i;
      while (!c.done && c.s[c.i] !== ',' && c.s[c.i] !== ' ' && c.s[c.i] !== '\n') c.i++;
      if (c.i === start) fail(`expected a value for field "${key}"`, c);
      fields[key] = { kind: 'other', raw: c.s.slice(start, c.i) };
    }
    if (c.peek() === ',') {
      c.i++;
      continue;
    }
    break;
  }
  if (c.peek() !== ' ') fail('timestamp cannot be zero (missing)', c);
  c.i++;
  const start = c.i;
  while (!c.done && /[-0-9]/.test(c.s[c.i]!)) c.i++;
  const raw = c.s.slice(start, c.i);
  if (!/^-?\d+$/.test(raw)) fail('invalid timestamp', c);
  while (!c.done && (c.s[c.i] === ' ' || c.s[c.i] === '\r')) c.i++;
  if (!c.done && c.s[c.i] !== '\n') fail('unexpected data after the timestamp', c);
  if (!c.done) c.i++;
  return { measurement, tags, fields, timestamp: BigInt(raw) };
}

/** Parses every line of a message. Blank lines and `#` comments are skipped; the first bad line fails the whole message. */
export function parseLineProtocol(text: string): Result<ParsedLine[], WireError> {
  const c = new Cursor(text);
  const lines: ParsedLine[] = [];
  try {
    while (!c.done) {
      const ch = c.peek();
      if (ch === '\n' || ch === '\r' || ch === ' ' || ch === '\t') {
        c.i++;
        continue;
      }
      if (ch === '#') {
        while (!c.done && c.peek() !== '\n') c.i++;
        continue;
      }
      lines.push(parseLine(c));
    }
  } catch (e) {
    if (e instanceof WireError) return err(e);
    throw e;
  }
  return ok(lines);
}

/**
 * Decodes a job message in line protocol into one event. Lines whose measurement is not `job`,
 * or without a string `event` field, are skipped as cc-backend skips them; a message must hold
 * exactly one job event (the Go adapter sends one per message).
 */
export function decodeLineProtocol(text: string): Result<JobEvent, WireError> {
  const parsed = parseLineProtocol(text);
  if (!parsed.ok) return parsed;
  const jobLines = parsed.value.filter((l) => l.measurement === 'job' && l.fields['event']?.kind === 'string');
  if (jobLines.length === 0) return err(new WireError('no_job_line', 'no `job` line with a string `event` field in the message'));
  if (jobLines.length > 1) return err(new WireError('multiple_events', `the message holds ${jobLines.length} job events; one per message is supported`));
  const line = jobLines[0]!;
  const fn = line.tags['function'];
  if (fn === undefined) return err(new WireError('missing_function', 'job line without a `function` tag'));
  if (!(EVENT_TYPES as readonly string[]).includes(fn)) {
    return err(new WireError('unknown_function', `function tag must be start_job or stop_job, got ${JSON.stringify(fn)}`));
  }
  const field = line.fields['event'];
  let body: unknown;
  try {
    body = JSON.parse(field?.kind === 'string' ? field.value : '');
  } catch (cause) {
    return err(new WireError('malformed_json', `the event field is not valid JSON: ${(cause as Error).message}`, { cause }));
  }
  const meta: Record<string, unknown> = {};
  if (line.tags['hostname']) meta['source'] = line.tags['hostname'];
  if (line.tags['partition']) meta['partition'] = line.tags['partition'];
  return decodeBody(fn as EventType, body, meta);
}
