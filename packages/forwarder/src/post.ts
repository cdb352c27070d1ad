/**
 * The HTTP side: one keep-alive axios client that POSTs bodies to cc-backend's job API and turns
 * every outcome — any status, timeouts, refused or reset connections — into a {@link PostResult}.
 * It never throws for a failed request and never follows redirects.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import type { EventType } from '@cc-slurm-bridge/shared';
import type { PostResult } from './classify.js';

export interface PostClientOptions {
  /** cc-backend base URL, no trailing slash. */
  baseUrl: string;
  jwt: string;
  /** Sockets per host; at least the forwarder's concurrency. */
  maxSockets: number;
  timeoutMs: number;
  userAgent?: string;
}

export interface PostClient {
  post(event: EventType, body: unknown, signal?: AbortSignal): Promise<PostResult>;
  /** The full URL of an event's endpoint (for logs). */
  urlOf(event: EventType): string;
  close(): void;
}

/** `start_job` → `/api/jobs/start_job/` (the trailing slash matters, CONTRACT §0.1). */
export function endpointPath(event: EventType): string {
  return `/api/jobs/${event}/`;
}

export function createPostClient(o: PostClientOptions): PostClient {
  const agentOpts = { keepAlive: true, maxSockets: o.maxSockets, maxFreeSockets: o.maxSockets, keepAliveMsecs: 10_000 };
  const httpAgent = new http.Agent(agentOpts);
  const httpsAgent = new https.Agent(agentOpts);
  const client: AxiosInstance = axios.create({
    baseURL: o.baseUrl,
    httpAgent,
    httpsAgent,
    maxRedirects: 0,
    timeout: o.timeoutMs,
    validateStatus: () => true,
    decompress: true,
    responseType: 'text',
    responseEncoding: 'utf8',
    transformResponse: [(d: unknown) => d],
    maxContentLength: 64 * 1024 * 1024,
    maxBodyLength: Infinity,
    proxy: false,
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      // Answers are small; compressing them costs both sides more than it saves. A compressed
      // answer (e.g. from a proxy) is still decompressed.
      'Accept-Encoding': 'identity',
      'X-Auth-Token': o.jwt,
      Authorization: `Bearer ${o.jwt}`,
      'User-Agent': o.userAgent ?? 'cc-slurm-forwarder',
    },
  });

  return {
    urlOf: (event) => `${o.baseUrl}${endpointPath(event)}`,
    async post(event, body, signal) {
      try {
        const res = await client.post<string>(endpointPath(event), Buffer.from(JSON.stringify(body)), signal ? { signal } : undefined);
        const text = typeof res.data === 'string' ? res.data : res.data === undefined || res.data === null ? '' : String(res.data);
        const location = res.headers?.location;
        return { kind: 'http', status: res.status, body: text, location: typeof location === 'string' ? location : undefined };
      } catch (e) {
        return networkResult(e);
      }
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

function networkResult(e: unknown): PostResult {
  if (e instanceof AxiosError) {
    const code = e.code === AxiosError.ECONNABORTED || e.code === AxiosError.ETIMEDOUT ? 'ETIMEDOUT' : (e.code ?? 'ERR_NETWORK');
    // The causing system error carries the precise code (ECONNREFUSED, ECONNRESET, EPIPE, ENOTFOUND…).
    const cause = (e.cause as NodeJS.ErrnoException | undefined)?.code;
    return { kind: 'network', code: cause && code !== 'ETIMEDOUT' ? cause : code, message: e.message };
  }
  const err = e as NodeJS.ErrnoException;
  return { kind: 'network', code: err?.code ?? 'ERR_UNKNOWN', message: err?.message ?? String(e) };
}
