// The HTTP side of the double: node:http server, cc-backend's middleware chain (compression,
// panic recovery, CORS, security headers, CSRF guard), routing, auth, handlers, the commit task,
// fault injection and the unauthenticated /__test__/ observation API.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { authenticateApi, authenticateMetricStore, headerGet, type AuthOutcome } from './auth.js';
import { type ClusterConfig, parseClusterSpec, type ResolvedCluster, resolveClusters } from './clusters.js';
import { Faults, faultReply, type FaultRuleInput } from './faults.js';
import { goEncode } from './gojson.js';
import * as H from './handlers.js';
import { apiClaims, type Claims, generateKeyPair, type KeyPair, mintToken } from './jwt.js';
import { jobSnapshots, Observer, redactHeaders, type RequestRecord } from './observe.js';
import { addHeader, compress, panicReply, reply, type Reply } from './respond.js';
import { endpointOf, goParseQuery, goRoutePath, type HandlerName, route } from './router.js';
import { JobStore } from './store.js';

export interface FakeCcBackendOptions {
  /** TCP port; 0 (default) picks a free one. After stop()/start() the same port is reused. */
  port?: number;
  /** Listen address (default 127.0.0.1; loopback only). */
  host?: string;
  /** Clusters: cluster configs or `name[:hostlist]` strings. Default: `testcluster` with hosts `*`. */
  clusters?: Array<ClusterConfig | string>;
  /** job_cache commit interval in ms (cc-backend's commit-job-worker). Default 60000; 0 = no cache window. */
  commitIntervalMs?: number;
  /** NATS job ingestion mode (main.api-subjects set): REST start_job/stop_job are not mounted (404). */
  natsMode?: boolean;
  /** main.api-allowed-ips; empty (default) or ["*", ...] allows everyone. */
  allowedIps?: string[];
  /** Ed25519 key pair; a fresh one by default. */
  keys?: KeyPair;
  /** `sub` of the api token in `jwt` (default "cc-slurm-bridge"). */
  tokenSub?: string;
  /** Clock in ms since epoch (running-job durations, token exp/nbf). Default Date.now. */
  now?: () => number;
  /** Log unexpected internal errors of the double to stderr (default true). */
  logErrors?: boolean;
}

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Content-Security-Policy': "default-src 'self'",
};

const HTML_404 =
  '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Page Not Found</title></head>\n<body><h1>404 - Page Not Found</h1></body>\n</html>\n';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class CcBackendServer {
  readonly store = new JobStore();
  readonly faults = new Faults();
  readonly observer = new Observer();
  clusters: ResolvedCluster[];
  commitIntervalMs: number;
  natsMode: boolean;
  allowedIps: string[];
  keys: KeyPair;
  readonly originalKeys: KeyPair;
  readonly tokenSub: string;
  readonly host: string;
  port: number;
  private readonly now: () => number;
  private readonly logErrors: boolean;
  private http: Server;
  private sockets = new Set<Socket>();
  private commitTimer: NodeJS.Timeout | null = null;
  private listening = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(opts: FakeCcBackendOptions = {}) {
    const specs = opts.clusters ?? ['testcluster'];
    this.clusters = resolveClusters(specs.map((c) => (typeof c === 'string' ? parseClusterSpec(c) : c)));
    this.commitIntervalMs = opts.commitIntervalMs ?? 60_000;
    this.natsMode = opts.natsMode ?? false;
    this.allowedIps = opts.allowedIps ?? [];
    this.keys = opts.keys ?? generateKeyPair();
    this.originalKeys = this.keys;
    this.tokenSub = opts.tokenSub ?? 'cc-slurm-bridge';
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? 0;
    this.now = opts.now ?? Date.now;
    this.logErrors = opts.logErrors ?? true;
    this.http = this.createHttp();
  }

  get url(): string {
    const h = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${h}:${this.port}`;
  }

  /** A valid api token for the current key pair. */
  get jwt(): string {
    return mintToken(this.keys.privateKey, apiClaims(this.tokenSub, ['api'], Math.floor(this.now() / 1000)));
  }

  mintToken(claims: Claims, header?: Record<string, unknown>): string {
    return mintToken(this.keys.privateKey, claims, header);
  }

  private createHttp(): Server {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (this.logErrors) console.error('fake cc-backend: internal error', err);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.keepAliveTimeout = 5_000;
    return server;
  }

  async start(): Promise<void> {
    if (this.closed) throw new Error('fake cc-backend was closed');
    if (this.listening) return;
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    this.http = this.createHttp();
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.http.once('error', onError);
      this.http.listen(this.port, this.host, () => {
        this.http.off('error', onError);
        resolve();
      });
    });
    this.port = (this.http.address() as AddressInfo).port;
    this.listening = true;
    this.scheduleCommits();
  }

  /** Stops listening and drops every open connection (clients see connection refused). State is kept. */
  async stop(): Promise<void> {
    if (this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
    this.stopCommits();
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  async close(): Promise<void> {
    await this.stop();
    this.closed = true;
  }

  /** Refuse connections for `ms` (stop now, start again on the same port later). */
  refuseConnections(ms: number): Promise<void> {
    return this.stop().then(() => {
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        this.start().catch((e: unknown) => {
          if (this.logErrors) console.error('fake cc-backend: restart failed', e);
        });
      }, ms);
    });
  }

  private scheduleCommits(): void {
    this.stopCommits();
    if (this.commitIntervalMs > 0) {
      this.commitTimer = setInterval(() => this.commitNow(), this.commitIntervalMs);
      this.commitTimer.unref();
    }
  }

  private stopCommits(): void {
    if (this.commitTimer) clearInterval(this.commitTimer);
    this.commitTimer = null;
  }

  setCommitInterval(ms: number): void {
    this.commitIntervalMs = ms;
    if (this.listening) this.scheduleCommits();
    if (ms === 0) this.commitNow();
  }

  /** The commit-job task: moves every job_cache row into job. Returns how many rows reached job. */
  commitNow(): number {
    return this.store.commit(this.now());
  }

  /** Runs the stop-jobs-exceeding-walltime task now (§9.26). */
  stopJobsExceedingWalltime(): number {
    const nowMs = this.now();
    return this.store.failJobsExceedingWalltime(BigInt(Math.floor(nowMs / 1000)), nowMs);
  }

  rotateKeys(): string {
    this.keys = generateKeyPair();
    return this.jwt;
  }

  restoreKeys(): string {
    this.keys = this.originalKeys;
    return this.jwt;
  }

  reset(): void {
    this.store.clear();
    this.observer.reset();
    this.faults.clear();
  }

  // ------------------------------------------------------------------------------ request path

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = Date.now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    if (rawPath === '/__test__' || rawPath.startsWith('/__test__/')) {
      this.send(res, await this.testApi(req.method ?? 'GET', rawPath, body));
      return;
    }

    const method = req.method ?? 'GET';
    const endpoint = endpointOf(rawPath);
    const record: RequestRecord = {
      seq: this.observer.nextSeq(),
      time: arrived,
      method,
      url,
      path: rawPath,
      endpoint,
      headers: redactHeaders(req.headers),
      authVia: headerGet(req.headersDistinct, 'X-Auth-Token') !== '' ? 'x-auth-token' : headerGet(req.headersDistinct, 'Authorization') !== '' ? 'authorization' : null,
      body: body.toString('utf8'),
      status: null,
      responseBody: '',
      fault: null,
      latencyMs: 0,
      durationMs: 0,
    };
    const finish = (status: number | null, responseBody: Buffer | null): void => {
      record.status = status;
      record.responseBody = responseBody?.toString('utf8') ?? '';
      record.durationMs = Date.now() - arrived;
      this.observer.record(record);
    };

    record.latencyMs = this.faults.latencyFor(method, rawPath, endpoint);
    if (record.latencyMs > 0) await sleep(record.latencyMs);

    const before = this.faults.takeFault(method, rawPath, endpoint, 'before');
    if (before) {
      record.fault = { kind: before.kind === 'reset' ? 'reset' : 'status', phase: 'before', ruleId: before.id };
      if (before.kind === 'reset') {
        req.socket.destroy();
        finish(null, null);
        return;
      }
      const r = faultReply(before);
      this.send(res, this.finishReply(r, req));
      finish(r.status, r.body);
      return;
    }

    let r: Reply;
    try {
      r = this.process(req, method, rawPath, rawQuery, body);
    } catch (err) {
      if (this.logErrors) console.error('fake cc-backend: handler error (answered as a recovered panic)', err);
      r = panicReply();
    }

    const after = this.faults.takeFault(method, rawPath, endpoint, 'after');
    if (after) {
      record.fault = { kind: after.kind === 'reset' ? 'reset' : 'status', phase: 'after', ruleId: after.id };
      if (after.kind === 'reset') {
        req.socket.destroy();
        finish(null, null);
        return;
      }
      r = faultReply(after);
    }
    this.send(res, this.finishReply(r, req));
    finish(r.status, r.body);
  }

  /** Middleware applied to every /api answer: security headers, CORS, compression. */
  private finishReply(r: Reply, req: IncomingMessage): Reply {
    const headers: Record<string, string | string[]> = { ...SECURITY_HEADERS, ...r.headers };
    addHeader(headers, 'Vary', 'Origin');
    const origin = headerGet(req.headersDistinct, 'Origin');
    if (origin !== '') {
      headers['Access-Control-Allow-Origin'] = origin;
      headers['Access-Control-Allow-Credentials'] = 'true';
    }
    return compress({ ...r, headers }, headerGet(req.headersDistinct, 'Accept-Encoding'));
  }

  private send(res: ServerResponse, r: Reply): void {
    if (res.destroyed) return;
    res.writeHead(r.status, { ...r.headers, 'Content-Length': String(r.body.length) });
    res.end(r.body);
  }

  private goRemoteAddr(req: IncomingMessage): string {
    let ip = req.socket.remoteAddress ?? '';
    if (ip.startsWith('::ffff:')) ip = ip.slice(7);
    return ip.includes(':') ? `[${ip}]:${req.socket.remotePort ?? 0}` : `${ip}:${req.socket.remotePort ?? 0}`;
  }

  private process(req: IncomingMessage, method: string, rawPath: string, rawQuery: string, body: Buffer): Reply {
    const headers = req.headersDistinct;
    // go-chi/cors preflight
    if (method === 'OPTIONS' && headerGet(headers, 'Access-Control-Request-Method') !== '') {
      const extra: Record<string, string> = {};
      const origin = headerGet(headers, 'Origin');
      const reqMethod = headerGet(headers, 'Access-Control-Request-Method').toUpperCase();
      if (origin !== '' && ['GET', 'POST', 'HEAD', 'OPTIONS'].includes(reqMethod)) {
        extra['Access-Control-Allow-Methods'] = reqMethod;
        const reqHeaders = headerGet(headers, 'Access-Control-Request-Headers');
        if (reqHeaders !== '') extra['Access-Control-Allow-Headers'] = reqHeaders;
      }
      return reply(200, '', undefined, extra);
    }
    // CSRF guard
    if (!['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(method) && headerGet(headers, 'Sec-Fetch-Site') === 'cross-site') {
      return reply(403, 'cross-site request blocked\n', 'text/plain; charset=utf-8');
    }
    const p = goRoutePath(rawPath);
    if (!p.ok) return reply(400, '400 Bad Request', 'text/plain; charset=utf-8', { Connection: 'close' });

    const m = route(method, p.routePath, this.natsMode);
    switch (m.kind) {
      case 'notFoundHtml':
        return reply(404, HTML_404, 'text/html; charset=utf-8');
      case 'notFoundJson':
        return reply(404, goEncode(new Map([['error', 'the requested endpoint does not exist'], ['status', 'Resource not found']])), 'application/json');
      case 'methodNotAllowed':
        return reply(405, '', undefined, { Allow: m.allow });
      case 'route':
        break;
    }

    const auth = m.group === 'api' ? this.authApi(req) : this.authMetricStore(req);
    if (!auth.ok) return reply(401, auth.body, 'application/json');
    const ctx: H.HandlerCtx = {
      store: this.store,
      clusters: this.clusters,
      user: auth.user,
      body,
      query: goParseQuery(rawQuery),
      params: m.params,
      nowMs: this.now(),
    };
    const r = HANDLERS[m.handler](ctx);
    if (m.handler === 'startJob' && r.status === 201 && this.commitIntervalMs === 0) this.commitNow();
    return r;
  }

  private authApi(req: IncomingMessage): AuthOutcome {
    return authenticateApi(req.headersDistinct, this.goRemoteAddr(req), {
      publicKey: this.keys.publicKey,
      allowedIps: this.allowedIps,
      nowMs: this.now,
    });
  }

  private authMetricStore(req: IncomingMessage): AuthOutcome {
    return authenticateMetricStore(req.headersDistinct, { publicKey: this.keys.publicKey, allowedIps: [], nowMs: this.now });
  }

  // ------------------------------------------------------------------------------ /__test__/ API

  private async testApi(method: string, path: string, body: Buffer): Promise<Reply> {
    const json = (status: number, v: unknown): Reply =>
      reply(status, JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x === Infinity ? null : x), 2) + '\n', 'application/json');
    let input: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch (e) {
        return json(400, { error: `invalid JSON: ${(e as Error).message}` });
      }
    }
    const sub = path.replace(/^\/__test__\/?/, '');
    try {
      switch (`${method} ${sub}`) {
        case 'GET ':
        case 'GET config':
          return json(200, {
            url: this.url,
            port: this.port,
            clusters: this.clusters.map((c) => ({ name: c.name, subClusters: c.subClusters })),
            commitIntervalMs: this.commitIntervalMs,
            natsMode: this.natsMode,
            allowedIps: this.allowedIps,
            publicKey: this.keys.publicKeyBase64,
          });
        case 'POST config':
          if (typeof input['natsMode'] === 'boolean') this.natsMode = input['natsMode'];
          if (typeof input['commitIntervalMs'] === 'number') this.setCommitInterval(input['commitIntervalMs']);
          if (Array.isArray(input['allowedIps'])) this.allowedIps = (input['allowedIps'] as unknown[]).map(String);
          return json(200, { natsMode: this.natsMode, commitIntervalMs: this.commitIntervalMs, allowedIps: this.allowedIps });
        case 'GET requests':
          return json(200, this.observer.requests());
        case 'DELETE requests':
          this.observer.clearRequests();
          return json(200, { ok: true });
        case 'GET jobs':
          return json(200, jobSnapshots(this.store));
        case 'GET nodes':
          return json(200, [...this.store.nodeStates.values()]);
        case 'GET counters':
          return json(200, this.observer.counters());
        case 'POST commit':
          return json(200, { committed: this.commitNow() });
        case 'POST walltime-task':
          return json(200, { failed: this.stopJobsExceedingWalltime() });
        case 'GET token':
          return json(200, { jwt: this.jwt });
        case 'POST token':
          return json(200, { jwt: this.mintToken((input['claims'] as Claims | undefined) ?? input, input['header'] as Record<string, unknown> | undefined) });
        case 'POST keys/rotate':
          return json(200, { jwt: this.rotateKeys(), publicKey: this.keys.publicKeyBase64 });
        case 'POST keys/restore':
          return json(200, { jwt: this.restoreKeys(), publicKey: this.keys.publicKeyBase64 });
        case 'POST reset':
          this.reset();
          return json(200, { ok: true });
        case 'GET faults':
          return json(200, this.faults.list());
        case 'DELETE faults':
          this.faults.clear();
          return json(200, { ok: true });
        case 'POST faults': {
          if (input['kind'] === 'refuse') {
            const ms = Number(input['ms'] ?? 1000);
            setImmediate(() => void this.refuseConnections(ms));
            return json(200, { refusingForMs: ms });
          }
          const rule = { ...input } as unknown as FaultRuleInput;
          if (input['count'] === null) rule.count = Infinity;
          return json(200, this.faults.add(rule));
        }
        default: {
          const del = /^faults\/(\d+)$/.exec(sub);
          if (method === 'DELETE' && del) return json(200, { removed: this.faults.remove(Number(del[1])) });
          return json(404, { error: `no test endpoint ${method} /__test__/${sub}` });
        }
      }
    } catch (e) {
      return json(400, { error: (e as Error).message });
    }
  }
}

const HANDLERS: Record<HandlerName, (ctx: H.HandlerCtx) => Reply> = {
  startJob: H.startJob,
  stopJob: H.stopJob,
  listJobs: H.listJobs,
  nodeState: H.nodeState,
  getJobById: H.getJobById,
  postJobById: H.postJobById,
  usedNodes: H.usedNodes,
  getClusters: H.getClusters,
  notModelled: H.notModelled,
};

