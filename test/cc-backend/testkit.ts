// Helpers for the cc-backend double's own tests: a raw HTTP client (exact headers and bodies, no
// implicit Accept-Encoding) and request body builders.

import { request } from 'node:http';
import type { FakeCcBackend } from './mod.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json(): unknown;
}

export interface CallOptions {
  /** string/Buffer sent as is; other values are JSON.stringify'd. */
  body?: unknown;
  headers?: Record<string, string | string[]>;
  /** Token sent as X-Auth-Token; default cc.jwt; null sends none. */
  token?: string | null;
}

export function call(cc: Pick<FakeCcBackend, 'port' | 'jwt'>, method: string, path: string, opts: CallOptions = {}): Promise<RawResponse> {
  const headers: Record<string, string | string[]> = { ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? cc.jwt : opts.token;
  if (token !== null) headers['X-Auth-Token'] = token;
  let payload: Buffer | null = null;
  if (opts.body !== undefined) {
    payload = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: cc.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: () => JSON.parse(text) as unknown });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Go's JSON text for a plain value: JSON.stringify plus Go's escaping of <, > and &. */
export const goJson = (v: unknown): string =>
  JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));

/** The Go error body of §0.2: `{"status":…,"error":…}` and a newline. */
export const goError = (status: string, error: string): string => goJson({ status, error }) + '\n';

let nextJobId = 1000;
/** A unique batch job id per call (tests in one file share a double). */
export const freshJobId = (): number => nextJobId++;

/** A minimal valid start_job body for cluster `testcluster` (hosts `*`). */
export function startBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jobId: freshJobId(),
    cluster: 'testcluster',
    user: 'alice',
    project: 'proj1',
    partition: 'work',
    startTime: 1_700_000_000,
    walltime: 3600,
    numNodes: 1,
    numHwthreads: 4,
    shared: 'none',
    resources: [{ hostname: 'node001', hwthreads: [0, 1, 2, 3] }],
    metaData: { jobName: 'sim', submitTime: '1699999000' },
    ...over,
  };
}

export function stopBody(start: Record<string, unknown>, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    jobId: start['jobId'],
    cluster: start['cluster'],
    startTime: start['startTime'],
    jobState: 'completed',
    stopTime: Number(start['startTime']) + 60,
    ...over,
  };
}
