// In-process API of the cc-backend test double.
//
//   const cc = await startFakeCcBackend({ clusters: ['fritz:f[0101-0188]'], commitIntervalMs: 60_000 });
//   await fetch(`${cc.url}/api/jobs/start_job/`, { method: 'POST', headers: { 'X-Auth-Token': cc.jwt }, body });
//   cc.jobs(); cc.requests(); cc.counters(); cc.commitNow();
//   cc.faults.failNext(2, { endpoint: 'stop_job', status: 503 });
//   await cc.close();

import type { Claims } from './jwt.js';
import type { Counters, JobSnapshot, RequestRecord } from './observe.js';
import { jobSnapshots } from './observe.js';
import { CcBackendServer, type FakeCcBackendOptions } from './server.js';
import type { FaultRule, FaultRuleInput } from './faults.js';
import type { JobStore, NodeStateRecord } from './store.js';

export type { ClusterConfig, SubClusterConfig } from './clusters.js';
export type { Claims, KeyPair } from './jwt.js';
export { apiClaims, generateKeyPair, keyPairFromPrivateBase64, mintToken, verifyToken } from './jwt.js';
export type { Counters, JobSnapshot, RequestRecord } from './observe.js';
export type { FaultEndpoint, FaultPhase, FaultRule, FaultRuleInput } from './faults.js';
export type { FakeCcBackendOptions } from './server.js';
export type { NodeStateRecord } from './store.js';

export interface FaultControls {
  /** Answer the next `count` matching requests with `status` (default 500; 502/503/504 get a proxy's HTML page). */
  failNext(count: number, opts?: Omit<FaultRuleInput, 'kind' | 'count'>): FaultRule;
  /** Destroy the connection of the next `count` matching requests, without any response. */
  resetNext(count: number, opts?: Pick<FaultRuleInput, 'endpoint' | 'method' | 'phase'>): FaultRule;
  /** Delay matching requests by `ms` (every request until cleared, unless `count` is given). */
  addLatency(ms: number, opts?: Pick<FaultRuleInput, 'endpoint' | 'method' | 'count'>): FaultRule;
  /** Any rule (see FaultRuleInput). */
  add(rule: FaultRuleInput): FaultRule;
  remove(id: number): boolean;
  list(): FaultRule[];
  /** Removes every rule (latency, status, reset). Does not restore keys. */
  clear(): void;
  /** New key pair: every token minted so far now gets 401 (signature invalid). Returns the new api token. */
  rotateKeys(): string;
  /** Back to the key pair the double started with. Returns a token for it. */
  restoreKeys(): string;
  /** Stop listening (connection refused) for `ms`, then listen again on the same port. Resolves once stopped. */
  refuseConnections(ms: number): Promise<void>;
}

export interface FakeCcBackend {
  /** http://127.0.0.1:<port> (no trailing slash; cc-backend's API is under /api/). */
  readonly url: string;
  readonly port: number;
  /** A valid api token (roles ["api"]) for the current key pair. */
  readonly jwt: string;
  /** JWT_PUBLIC_KEY of the current key pair (base64 of the 32 raw bytes). */
  readonly publicKeyBase64: string;
  /** Signs arbitrary claims (and optionally a custom header) with the current key. */
  mintToken(claims: Claims, header?: Record<string, unknown>): string;
  /** Every /api (and other non-/__test__/) request received, oldest first. */
  requests(): RequestRecord[];
  clearRequests(): void;
  /** Both job tables: job_cache rows first, then job rows. */
  jobs(): JobSnapshot[];
  /** Latest node state per cluster/host from nodestate calls. */
  nodeStates(): NodeStateRecord[];
  counters(): Counters;
  readonly faults: FaultControls;
  /** Runs the commit-job task now (job_cache → job). Returns how many rows reached job. */
  commitNow(): number;
  /** Runs cc-backend's optional stop-jobs-exceeding-walltime task now: overrunning running jobs become failed (§9.26). */
  stopJobsExceedingWalltime(): number;
  /** Changes the commit interval (0 = commit right after every start). */
  setCommitInterval(ms: number): void;
  /** Toggles NATS job ingestion mode (REST start_job/stop_job answer 404 while on). */
  setNatsMode(on: boolean): void;
  setAllowedIps(ips: string[]): void;
  /** Clears jobs, node states, requests, counters and fault rules. */
  reset(): void;
  /** Stop listening (connections refused); state is kept. */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  start(): Promise<void>;
  /** Stop for good. */
  close(): Promise<void>;
  /** The raw tables, for assertions the snapshots do not cover. */
  readonly store: JobStore;
}

export async function startFakeCcBackend(opts: FakeCcBackendOptions = {}): Promise<FakeCcBackend> {
  const s = new CcBackendServer(opts);
  await s.start();
  const faults: FaultControls = {
    failNext: (count, o) => s.faults.failNext(count, o),
    resetNext: (count, o) => s.faults.resetNext(count, o),
    addLatency: (ms, o) => s.faults.addLatency(ms, o),
    add: (rule) => s.faults.add(rule),
    remove: (id) => s.faults.remove(id),
    list: () => s.faults.list(),
    clear: () => s.faults.clear(),
    rotateKeys: () => s.rotateKeys(),
    restoreKeys: () => s.restoreKeys(),
    refuseConnections: (ms) => s.refuseConnections(ms),
  };
  return {
    get url() {
      return s.url;
    },
    get port() {
      return s.port;
    },
    get jwt() {
      return s.jwt;
    },
    get publicKeyBase64() {
      return s.keys.publicKeyBase64;
    },
    mintToken: (claims, header) => s.mintToken(claims, header),
    requests: () => s.observer.requests(),
    clearRequests: () => s.observer.clearRequests(),
    jobs: () => jobSnapshots(s.store),
    nodeStates: () => [...s.store.nodeStates.values()],
    counters: () => s.observer.counters(),
    faults,
    commitNow: () => s.commitNow(),
    stopJobsExceedingWalltime: () => s.stopJobsExceedingWalltime(),
    setCommitInterval: (ms) => s.setCommitInterval(ms),
    setNatsMode: (on) => {
      s.natsMode = on;
    },
    setAllowedIps: (ips) => {
      s.allowedIps = ips;
    },
    reset: () => s.reset(),
    stop: () => s.stop(),
    start: () => s.start(),
    close: () => s.close(),
    store: s.store,
  };
}
