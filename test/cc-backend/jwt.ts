// Ed25519 (EdDSA) JWTs as cc-backend issues and checks them (CONTRACT.md §5.2):
// key pairs in cc-backend's env format, minting, and verification with golang-jwt v5's error texts.
//
// Run alone to print a fresh key pair and an api token:
//   node --conditions=source --import tsx test/cc-backend/jwt.ts [--sub name] [--roles api,admin] [--exp-in 3600]

import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { goUnmarshalObject } from './decode.js';

export interface KeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
  /** JWT_PUBLIC_KEY: standard base64 of the 32 raw public key bytes. */
  publicKeyBase64: string;
  /** JWT_PRIVATE_KEY: standard base64 of seed ‖ public key (64 bytes, Go ed25519.PrivateKey layout). */
  privateKeyBase64: string;
}

export function generateKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return describeKeys(publicKey, privateKey);
}

function describeKeys(publicKey: KeyObject, privateKey: KeyObject): KeyPair {
  const jwk = privateKey.export({ format: 'jwk' });
  const pub = Buffer.from(jwk.x ?? '', 'base64url');
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  return {
    publicKey,
    privateKey,
    publicKeyBase64: pub.toString('base64'),
    privateKeyBase64: Buffer.concat([seed, pub]).toString('base64'),
  };
}

/** Rebuilds a pair from cc-backend's JWT_PRIVATE_KEY format (64 bytes: seed ‖ public). */
export function keyPairFromPrivateBase64(b64: string): KeyPair {
  const raw = Buffer.from(b64, 'base64');
  if (raw.length !== 64) throw new Error('JWT private key must be 64 bytes (seed followed by public key)');
  const x = raw.subarray(32).toString('base64url');
  const d = raw.subarray(0, 32).toString('base64url');
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x, d }, format: 'jwk' });
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  return describeKeys(publicKey, privateKey);
}

export type Claims = Record<string, unknown>;

/**
 * Signs `claims` with header {"alg":"EdDSA","typ":"JWT"}, like `cc-backend -jwt <user>`.
 * `header` overrides the header (to test wrong algorithms); the signature is always Ed25519.
 */
export function mintToken(privateKey: KeyObject, claims: Claims, header: Record<string, unknown> = { alg: 'EdDSA', typ: 'JWT' }): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = sign(null, Buffer.from(`${h}.${p}`), privateKey).toString('base64url');
  return `${h}.${p}.${sig}`;
}

/** The claims cc-backend would put into an api token for `sub`. */
export function apiClaims(sub = 'cc-slurm-bridge', roles: unknown = ['api'], nowSec = Math.floor(Date.now() / 1000)): Claims {
  return { sub, roles, iat: nowSec };
}

/** Go base64.RawURLEncoding.DecodeString (non-strict; \r and \n are skipped). */
export function goRawUrlBase64Decode(s: string): { ok: true; bytes: Buffer } | { ok: false; error: string } {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const vals: number[] = [];
  let lastIndex = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '\r' || c === '\n') continue;
    const v = alphabet.indexOf(c);
    if (v < 0) return { ok: false, error: `illegal base64 data at input byte ${i}` };
    vals.push(v);
    lastIndex = i;
  }
  if (vals.length % 4 === 1) return { ok: false, error: `illegal base64 data at input byte ${lastIndex}` };
  const out: number[] = [];
  for (let i = 0; i < vals.length; i += 4) {
    const q = vals.slice(i, i + 4);
    const n = ((q[0] ?? 0) << 18) | ((q[1] ?? 0) << 12) | ((q[2] ?? 0) << 6) | (q[3] ?? 0);
    out.push((n >> 16) & 0xff);
    if (q.length > 2) out.push((n >> 8) & 0xff);
    if (q.length > 3) out.push(n & 0xff);
  }
  return { ok: true, bytes: Buffer.from(out) };
}

/** Algorithms golang-jwt v5 registers (anything else is "unavailable"). */
const KNOWN_ALGS = new Set(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'none']);

export type VerifyResult = { ok: true; claims: Claims } | { ok: false; error: string };

/**
 * jwt.Parse with cc-backend's keyfunc (EdDSA only) and the default validator:
 * exp and nbf optional but checked (no leeway), iat/iss/aud not checked.
 */
export function verifyToken(raw: string, publicKey: KeyObject, nowMs = Date.now()): VerifyResult {
  const malformed = (m: string): VerifyResult => ({ ok: false, error: `token is malformed: ${m}` });
  const parts = raw.split('.');
  if (parts.length !== 3) return malformed('token contains an invalid number of segments');
  const [h64, p64, s64] = parts as [string, string, string];

  const hb = goRawUrlBase64Decode(h64);
  if (!hb.ok) return malformed(`could not base64 decode header: ${hb.error}`);
  const header = goUnmarshalObject(hb.bytes, 'map[string]interface {}');
  if (!header.ok) return malformed(`could not JSON decode header: ${header.error}`);
  const cb = goRawUrlBase64Decode(p64);
  if (!cb.ok) return malformed(`could not base64 decode claim: ${cb.error}`);
  const claimsRes = goUnmarshalObject(cb.bytes, 'jwt.MapClaims');
  if (!claimsRes.ok) return malformed(`could not JSON decode claim: ${claimsRes.error}`);

  const alg = header.value['alg'];
  if (typeof alg !== 'string') return { ok: false, error: 'token is unverifiable: signing method (alg) is unspecified' };
  if (!KNOWN_ALGS.has(alg)) return { ok: false, error: 'token is unverifiable: signing method (alg) is unavailable' };

  const sb = goRawUrlBase64Decode(s64);
  if (!sb.ok) return malformed(`could not base64 decode signature: ${sb.error}`);
  if (alg !== 'EdDSA') {
    return { ok: false, error: 'token is unverifiable: error while executing keyfunc: only Ed25519/EdDSA supported' };
  }
  let good = false;
  try {
    good = sb.bytes.length === 64 && verify(null, Buffer.from(`${h64}.${p64}`, 'latin1'), publicKey, sb.bytes);
  } catch {
    good = false;
  }
  if (!good) return { ok: false, error: 'token signature is invalid: ed25519: verification error' };

  const claims = claimsRes.value;
  const errs: string[] = [];
  const exp = numericDate(claims, 'exp');
  if (exp === 'invalid') errs.push('invalid type for claim: exp is invalid');
  else if (exp !== null && !(nowMs < exp * 1000)) errs.push('token is expired');
  const nbf = numericDate(claims, 'nbf');
  if (nbf === 'invalid') errs.push('invalid type for claim: nbf is invalid');
  else if (nbf !== null && nowMs < nbf * 1000) errs.push('token is not valid yet');
  if (errs.length > 0) return { ok: false, error: `token has invalid claims: ${errs.join('\n')}` };
  return { ok: true, claims };
}

/** MapClaims.parseNumericDate: absent or 0 → null, non-number → invalid, else whole seconds. */
function numericDate(claims: Claims, key: string): number | null | 'invalid' {
  if (!(key in claims)) return null;
  const v = claims[key];
  if (typeof v !== 'number') return 'invalid';
  if (v === 0) return null;
  return Math.floor(v);
}

function cli(argv: string[]): void {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const keys = generateKeyPair();
  const claims = apiClaims(arg('--sub') ?? 'cc-slurm-bridge', (arg('--roles') ?? 'api').split(',').filter((r) => r !== ''));
  const expIn = arg('--exp-in');
  if (expIn !== undefined) claims['exp'] = Math.floor(Date.now() / 1000) + Number(expIn);
  const token = mintToken(keys.privateKey, claims);
  process.stdout.write(
    `JWT_PUBLIC_KEY=${keys.publicKeyBase64}\nJWT_PRIVATE_KEY=${keys.privateKeyBase64}\nJWT=${token}\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) cli(process.argv.slice(2));
