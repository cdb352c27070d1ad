// Response values of the double and the Go/chi response conventions (CONTRACT.md §0.2, §0.4).

import { deflateRawSync, gzipSync } from 'node:zlib';
import { GoStruct, goEncode } from './gojson.js';

export interface Reply {
  status: number;
  /** Header name → value(s). Content-Type included here when the handler sets one. */
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Go's http.StatusText. */
export const statusText = (code: number): string => STATUS_TEXT[code] ?? '';

export function reply(status: number, body: string | Buffer = '', contentType?: string, extra: Record<string, string | string[]> = {}): Reply {
  const headers: Record<string, string | string[]> = { ...extra };
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  return { status, headers, body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body };
}

/** cc-backend handleError: `{"status":"<StatusText>","error":"<msg>"}\n` as application/json. */
export function errorReply(status: number, message: string): Reply {
  return reply(status, goEncode(new GoStruct([['status', statusText(status)], ['error', message]])), 'application/json');
}

/** A json.NewEncoder(rw).Encode(v) reply with Content-Type application/json. */
export function jsonReply(status: number, value: Parameters<typeof goEncode>[0]): Reply {
  return reply(status, goEncode(value), 'application/json');
}

/** Recovered panic (chi middleware.Recoverer): 500 with an empty body. */
export const panicReply = (): Reply => reply(500);

const COMPRESSIBLE = new Set([
  'text/html',
  'text/css',
  'text/plain',
  'text/javascript',
  'application/javascript',
  'application/x-javascript',
  'application/json',
  'application/atom+xml',
  'application/rss+xml',
  'image/svg+xml',
]);

/**
 * chi middleware.Compress(5): gzip preferred over deflate (raw DEFLATE, no zlib wrapper), chosen by a
 * plain substring match on Accept-Encoding (q-values are not honoured); only compressible types.
 */
export function compress(r: Reply, acceptEncoding: string): Reply {
  const ct = r.headers['Content-Type'];
  const type = (Array.isArray(ct) ? ct[0] : ct)?.split(';')[0]?.trim().toLowerCase();
  if (type === undefined || !COMPRESSIBLE.has(type) || r.headers['Content-Encoding'] !== undefined) return r;
  const accepted = acceptEncoding.toLowerCase().split(',');
  const encoding = ['gzip', 'deflate'].find((e) => accepted.some((a) => a.includes(e)));
  if (encoding === undefined) return r;
  const body = encoding === 'gzip' ? gzipSync(r.body, { level: 5 }) : deflateRawSync(r.body, { level: 5 });
  const headers = { ...r.headers, 'Content-Encoding': encoding };
  addHeader(headers, 'Vary', 'Accept-Encoding');
  return { status: r.status, headers, body };
}

/** Header().Add: appends a value to a possibly existing header. */
export function addHeader(headers: Record<string, string | string[]>, name: string, value: string): void {
  const cur = headers[name];
  if (cur === undefined) headers[name] = value;
  else headers[name] = [...(Array.isArray(cur) ? cur : [cur]), value];
}
