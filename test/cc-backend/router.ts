// Routing as cc-backend's chi router does it (CONTRACT.md §0.1): the /api route table, static
// segments before `{param}` segments with fallback when the method does not match, 404 JSON for
// unknown /api/ paths (before auth), 405 with an empty body for a known path and wrong method,
// trailing slashes significant, start/stop unmounted in NATS mode.

export type Group = 'api' | 'metricstore';

export type HandlerName =
  | 'startJob'
  | 'stopJob'
  | 'listJobs'
  | 'nodeState'
  | 'getJobById'
  | 'postJobById'
  | 'usedNodes'
  | 'getClusters'
  | 'notModelled';

interface RouteDef {
  pattern: string;
  methods: Partial<Record<string, HandlerName>>;
  group: Group;
  /** Registered only when NATS job ingestion (main.api-subjects) is off. */
  restJobApi?: boolean;
}

const ROUTES: RouteDef[] = [
  { pattern: '/api/jobs/start_job/', methods: { POST: 'startJob', PUT: 'startJob' }, group: 'api', restJobApi: true },
  { pattern: '/api/jobs/stop_job/', methods: { POST: 'stopJob', PUT: 'stopJob' }, group: 'api', restJobApi: true },
  { pattern: '/api/jobs/', methods: { GET: 'listJobs' }, group: 'api' },
  { pattern: '/api/nodestate/', methods: { POST: 'nodeState', PUT: 'nodeState' }, group: 'api' },
  { pattern: '/api/jobs/used_nodes', methods: { GET: 'usedNodes' }, group: 'api' },
  { pattern: '/api/clusters/', methods: { GET: 'getClusters' }, group: 'api' },
  { pattern: '/api/jobs/{id}', methods: { POST: 'postJobById', GET: 'getJobById' }, group: 'api' },
  { pattern: '/api/jobs/edit_meta/', methods: { PATCH: 'notModelled' }, group: 'api' },
  { pattern: '/api/jobs/edit_meta/{id}', methods: { PATCH: 'notModelled' }, group: 'api' },
  { pattern: '/api/jobs/tag_job/{id}', methods: { POST: 'notModelled', PATCH: 'notModelled', DELETE: 'notModelled' }, group: 'api' },
  { pattern: '/api/jobs/delete_job/', methods: { DELETE: 'notModelled' }, group: 'api' },
  { pattern: '/api/jobs/delete_job/{id}', methods: { DELETE: 'notModelled' }, group: 'api' },
  { pattern: '/api/jobs/delete_job_before/{ts}', methods: { DELETE: 'notModelled' }, group: 'api' },
  { pattern: '/api/users/', methods: { GET: 'notModelled' }, group: 'api' },
  { pattern: '/api/user/{id}', methods: { POST: 'notModelled' }, group: 'api' },
  { pattern: '/api/tags/', methods: { DELETE: 'notModelled' }, group: 'api' },
  { pattern: '/api/healthcheck/', methods: { POST: 'nodeState' }, group: 'metricstore' },
  { pattern: '/api/healthcheck', methods: { POST: 'nodeState' }, group: 'metricstore' },
];

export type RouteMatch =
  | { kind: 'route'; handler: HandlerName; group: Group; params: Record<string, string>; pattern: string }
  | { kind: 'notFoundJson' }
  | { kind: 'notFoundHtml' }
  | { kind: 'methodNotAllowed'; allow: string[] };

/** Splits a path into chi-like tokens: segments and the slashes between them matter. */
function matchPattern(pattern: string, path: string): { params: Record<string, string>; rank: number[] } | null {
  const pp = pattern.split('/');
  const xp = path.split('/');
  if (pp.length !== xp.length) return null;
  const params: Record<string, string> = {};
  const rank: number[] = [];
  for (let i = 0; i < pp.length; i++) {
    const p = pp[i] ?? '';
    const x = xp[i] ?? '';
    const m = /^\{(\w+)\}$/.exec(p);
    if (m) {
      if (x === '') return null; // chi never matches an empty param value
      params[m[1] ?? ''] = x;
      rank.push(1);
    } else {
      if (p !== x) return null;
      rank.push(0);
    }
  }
  return { params, rank };
}

const compareRank = (a: number[], b: number[]): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
};

/** `routePath` is what chi routes on: the escaped path when it differs from the default encoding. */
export function route(method: string, routePath: string, natsMode: boolean): RouteMatch {
  if (!routePath.startsWith('/api/')) return { kind: 'notFoundHtml' };
  const candidates = ROUTES.filter((r) => !(natsMode && r.restJobApi))
    .map((r) => ({ r, m: matchPattern(r.pattern, routePath) }))
    .filter((c): c is { r: RouteDef; m: { params: Record<string, string>; rank: number[] } } => c.m !== null)
    .sort((a, b) => compareRank(a.m.rank, b.m.rank));
  const allow: string[] = [];
  for (const { r, m } of candidates) {
    const h = r.methods[method];
    if (h !== undefined) return { kind: 'route', handler: h, group: r.group, params: m.params, pattern: r.pattern };
    for (const meth of Object.keys(r.methods)) if (!allow.includes(meth)) allow.push(meth);
  }
  if (candidates.length > 0) return { kind: 'methodNotAllowed', allow };
  return { kind: 'notFoundJson' };
}

/** The endpoint name used by observation counters and fault filters. */
export type EndpointName = 'start_job' | 'stop_job' | 'list_jobs' | 'nodestate' | 'other';

export function endpointOf(path: string): EndpointName {
  switch (path) {
    case '/api/jobs/start_job/':
      return 'start_job';
    case '/api/jobs/stop_job/':
      return 'stop_job';
    case '/api/jobs/':
      return 'list_jobs';
    case '/api/nodestate/':
      return 'nodestate';
    default:
      return 'other';
  }
}

/** Go url.URL path handling: the decoded path, and RawPath when escape(decoded) differs from the wire. */
export function goRoutePath(rawPath: string): { ok: true; routePath: string; path: string } | { ok: false } {
  let bytes: number[] = [];
  for (let i = 0; i < rawPath.length; i++) {
    const c = rawPath.charCodeAt(i);
    if (rawPath[i] === '%') {
      const h = rawPath.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return { ok: false };
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else bytes = bytes.concat([...Buffer.from(rawPath[i] ?? '', 'utf8')]);
  }
  const decodedBuf = Buffer.from(bytes);
  const path = decodedBuf.toString('utf8');
  let escaped = '';
  for (const b of decodedBuf) {
    const ch = String.fromCharCode(b);
    escaped += /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(ch) ? ch : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return { ok: true, path, routePath: escaped === rawPath ? path : rawPath };
}

/** Go url.ParseQuery, keys in order of first appearance (Go iterates its map in random order). */
export function goParseQuery(rawQuery: string): Array<[string, string[]]> {
  const out = new Map<string, string[]>();
  const unescape = (s: string): string | null => {
    const bytes: number[] = [];
    for (let i = 0; i < s.length; i++) {
      const ch = s[i] ?? '';
      if (ch === '%') {
        const h = s.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(h)) return null;
        bytes.push(parseInt(h, 16));
        i += 2;
      } else if (ch === '+') bytes.push(0x20);
      else bytes.push(...Buffer.from(ch, 'utf8'));
    }
    return Buffer.from(bytes).toString('utf8');
  };
  for (const pair of rawQuery.split('&')) {
    if (pair.includes(';') || pair === '') continue;
    const eq = pair.indexOf('=');
    const k = unescape(eq < 0 ? pair : pair.slice(0, eq));
    const v = unescape(eq < 0 ? '' : pair.slice(eq + 1));
    if (k === null || v === null) continue;
    const list = out.get(k) ?? [];
    list.push(v);
    out.set(k, list);
  }
  return [...out.entries()];
}
