// cc-backend's AuthAPI middleware for /api/* (CONTRACT.md §5): token lookup, JWT validation,
// the secured (IP) check and the role rule, with the exact 401 bodies.

import type { KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { goEncode } from './gojson.js';
import { verifyToken } from './jwt.js';

export interface ApiUser {
  username: string;
  roles: string[];
}

export type AuthOutcome =
  | { ok: true; user: ApiUser }
  /** `body` is what the middleware writes: one 401 JSON line, or two for the empty-roles quirk. */
  | { ok: false; error: string; body: string };

export interface AuthConfig {
  publicKey: KeyObject;
  /** main.api-allowed-ips; empty or starting with "*" allows everyone. */
  allowedIps: string[];
  nowMs?: () => number;
}

/** Go's Header.Get: the first value of the header, '' when absent. */
export function headerGet(headers: IncomingHttpHeaders | Record<string, string[] | undefined>, name: string): string {
  const v = (headers as Record<string, string | string[] | undefined>)[name.toLowerCase()];
  if (v === undefined) return '';
  return Array.isArray(v) ? (v[0] ?? '') : v;
}

const failureBody = (msg: string): string => goEncode(new Map([['error', msg], ['status', 'Unauthorized']]));

/** HasAllRoles of cc-lib: counts the user's roles that are among the queried ones. */
function hasAllRoles(roles: string[], query: string[]): boolean {
  let matches = 0;
  for (const r of roles) if (query.includes(r)) matches++;
  return matches === query.length;
}

/** Host part of a "host:port" string like net.SplitHostPort, or the input when it has no port. */
function stripPort(addr: string): string {
  const m = /^\[([^\]]*)\]:[^:]*$/.exec(addr) ?? /^([^:]*):[^:]*$/.exec(addr);
  return m?.[1] ?? addr;
}

/** JWT lookup and validation shared by both /api auth groups: user, no token (null), or the 401 text. */
function userFromToken(headers: Record<string, string[] | undefined>, cfg: AuthConfig): { ok: true; user: ApiUser | null } | { ok: false; error: string } {
  let raw = headerGet(headers, 'X-Auth-Token');
  if (raw === '') {
    raw = headerGet(headers, 'Authorization');
    if (raw.startsWith('Bearer ')) raw = raw.slice('Bearer '.length);
  }
  if (raw === '') return { ok: true, user: null };
  const v = verifyToken(raw, cfg.publicKey, cfg.nowMs ? cfg.nowMs() : Date.now());
  if (!v.ok) return v;
  const sub = v.claims['sub'];
  if (typeof sub !== 'string' || sub === '') return { ok: false, error: "missing 'sub' claim in JWT" };
  const rawRoles = v.claims['roles'];
  const roles = Array.isArray(rawRoles) ? rawRoles.filter((r): r is string => typeof r === 'string') : [];
  return { ok: true, user: { username: sub, roles } };
}

const fail = (error: string, times = 1): AuthOutcome => ({ ok: false, error, body: failureBody(error).repeat(times) });

/**
 * AuthAPI (the main /api group). `headers` must hold arrays (req.headersDistinct) so that the FIRST
 * value is used as Go does. `remoteAddr` is Go's r.RemoteAddr form ("127.0.0.1:5432", "[::1]:5432").
 */
export function authenticateApi(headers: Record<string, string[] | undefined>, remoteAddr: string, cfg: AuthConfig): AuthOutcome {
  const t = userFromToken(headers, cfg);
  if (!t.ok) return fail(t.error);
  const user = t.user;
  if (user === null) return fail('no user for secured check');
  let ip = headerGet(headers, 'X-Real-Ip');
  if (ip === '') ip = headerGet(headers, 'X-Forwarded-For');
  if (ip === '') ip = remoteAddr;
  ip = stripPort(ip);
  if (cfg.allowedIps.length > 0 && cfg.allowedIps[0] !== '*' && !cfg.allowedIps.includes(ip)) return fail(`unknown ip: ${ip}`);

  if (user.roles.length === 1) {
    if (user.roles[0] === 'api') return { ok: true, user };
    return fail('unauthorized');
  }
  if (user.roles.length >= 2) {
    if (hasAllRoles(user.roles, ['admin', 'api'])) return { ok: true, user };
    return fail('unauthorized');
  }
  // No roles: the default branch writes the failure and falls through to a second write.
  return fail('unauthorized', 2);
}

/** AuthMetricStoreAPI (/api/healthcheck): no IP check; `api` alone, or `api` with user/manager/admin. */
export function authenticateMetricStore(headers: Record<string, string[] | undefined>, cfg: AuthConfig): AuthOutcome {
  const t = userFromToken(headers, cfg);
  if (!t.ok) return fail(t.error);
  const user = t.user;
  if (user === null) return fail('unauthorized');
  if (user.roles.length === 1 && user.roles[0] === 'api') return { ok: true, user };
  if (user.roles.length >= 2 && user.roles.includes('api') && user.roles.some((r) => ['user', 'manager', 'admin'].includes(r))) {
    return { ok: true, user };
  }
  return fail('unauthorized', user.roles.length === 0 ? 2 : 1);
}
