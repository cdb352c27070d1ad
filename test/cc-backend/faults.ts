// Fault injection for the double, switchable at run time (in-process and over /__test__/faults).
//
// Rules are matched per request against an endpoint filter and consumed one per request:
//  - status:  answer with 500/502/503/504 and a realistic body (cc-backend JSON for 500,
//             a reverse proxy's HTML page for 502/503/504);
//  - reset:   destroy the socket without any response;
//  - latency: wait before handling (ordering/"at least" only; never an upper bound).
// `phase: 'before'` (default) answers without touching state; `phase: 'after'` lets cc-backend
// process the request first (the job really starts/stops) and then loses the answer.

import type { EndpointName } from './router.js';
import { errorReply, reply, type Reply } from './respond.js';

export type FaultEndpoint = EndpointName | '*' | `/${string}`;
export type FaultPhase = 'before' | 'after';

export interface FaultRuleInput {
  kind: 'status' | 'reset' | 'latency';
  /** Endpoint name (start_job, stop_job, list_jobs, nodestate, other), an exact path, or '*' (default). */
  endpoint?: FaultEndpoint;
  /** Only requests with this method (default: any). */
  method?: string;
  /** How many matching requests the rule applies to; Infinity (or null over HTTP) = until cleared. Default 1. */
  count?: number;
  status?: number;
  /** Overrides the realistic default body of a status fault. */
  body?: string;
  contentType?: string;
  latencyMs?: number;
  phase?: FaultPhase;
}

export interface FaultRule extends Required<Pick<FaultRuleInput, 'kind' | 'endpoint' | 'count' | 'phase'>> {
  id: number;
  method?: string;
  status?: number;
  body?: string;
  contentType?: string;
  latencyMs?: number;
  /** How many requests this rule has hit so far. */
  hits: number;
}

const proxyPage = (status: number, text: string): string =>
  `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

/** The answer a status fault gives. */
export function faultReply(rule: Pick<FaultRule, 'status' | 'body' | 'contentType'>): Reply {
  const status = rule.status ?? 500;
  if (rule.body !== undefined) return reply(status, rule.body, rule.contentType ?? 'text/plain; charset=utf-8');
  switch (status) {
    case 502:
      return reply(502, proxyPage(502, 'Bad Gateway'), 'text/html');
    case 503:
      return reply(503, proxyPage(503, 'Service Temporarily Unavailable'), 'text/html');
    case 504:
      return reply(504, proxyPage(504, 'Gateway Time-out'), 'text/html');
    default:
      return errorReply(status, 'database is locked');
  }
}

export class Faults {
  private rules: FaultRule[] = [];
  private nextId = 1;

  add(input: FaultRuleInput): FaultRule {
    if (input.kind === 'status' && input.status !== undefined && (input.status < 100 || input.status > 599)) {
      throw new Error(`fault status ${input.status} is not an HTTP status`);
    }
    if (input.kind === 'latency' && !(typeof input.latencyMs === 'number' && input.latencyMs >= 0)) {
      throw new Error('a latency fault needs latencyMs >= 0');
    }
    const rule: FaultRule = {
      id: this.nextId++,
      kind: input.kind,
      endpoint: input.endpoint ?? '*',
      count: input.count ?? (input.kind === 'latency' ? Infinity : 1),
      phase: input.phase ?? 'before',
      hits: 0,
      ...(input.method !== undefined ? { method: input.method.toUpperCase() } : {}),
      ...(input.status !== undefined ? { status: input.status } : input.kind === 'status' ? { status: 500 } : {}),
      ...(input.body !== undefined ? { body: input.body } : {}),
      ...(input.contentType !== undefined ? { contentType: input.contentType } : {}),
      ...(input.latencyMs !== undefined ? { latencyMs: input.latencyMs } : {}),
    };
    this.rules.push(rule);
    return rule;
  }

  /** Answer the next `count` matching requests with `status` (500, 502, 503, 504). */
  failNext(count: number, opts: Omit<FaultRuleInput, 'kind' | 'count'> = {}): FaultRule {
    return this.add({ ...opts, kind: 'status', count, status: opts.status ?? 500 });
  }

  /** Destroy the connection of the next `count` matching requests without a response. */
  resetNext(count: number, opts: Pick<FaultRuleInput, 'endpoint' | 'method' | 'phase'> = {}): FaultRule {
    return this.add({ ...opts, kind: 'reset', count });
  }

  /** Delay matching requests by `latencyMs` (count defaults to every request until cleared). */
  addLatency(latencyMs: number, opts: Pick<FaultRuleInput, 'endpoint' | 'method' | 'count'> = {}): FaultRule {
    return this.add({ ...opts, kind: 'latency', latencyMs });
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  private matches(r: FaultRule, method: string, path: string, endpoint: EndpointName): boolean {
    if (r.method !== undefined && r.method !== method) return false;
    if (r.endpoint === '*') return true;
    return r.endpoint.startsWith('/') ? r.endpoint === path : r.endpoint === endpoint;
  }

  private take(r: FaultRule): void {
    r.hits++;
    r.count--;
    if (r.count <= 0) this.rules = this.rules.filter((x) => x !== r);
  }

  /** Total latency to apply to this request (consumes latency rules). */
  latencyFor(method: string, path: string, endpoint: EndpointName): number {
    let total = 0;
    for (const r of [...this.rules]) {
      if (r.kind !== 'latency' || !this.matches(r, method, path, endpoint)) continue;
      total += r.latencyMs ?? 0;
      this.take(r);
    }
    return total;
  }

  /** The first status/reset rule for this request and phase, consumed. */
  takeFault(method: string, path: string, endpoint: EndpointName, phase: FaultPhase): FaultRule | null {
    const r = this.rules.find((x) => x.kind !== 'latency' && x.phase === phase && this.matches(x, method, path, endpoint));
    if (!r) return null;
    const snapshot = { ...r };
    this.take(r);
    return snapshot;
  }
}
