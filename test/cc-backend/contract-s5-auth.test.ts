// CONTRACT.md §5: authentication and authorisation of /api/* (and §9.19).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair, mintToken } from './jwt.js';
import { type FakeCcBackend, startFakeCcBackend } from './mod.js';
import { call } from './testkit.js';

const NOW_MS = 1_800_000_000_000;
let cc: FakeCcBackend;
before(async () => {
  cc = await startFakeCcBackend({ commitIntervalMs: 0, now: () => NOW_MS });
});
after(() => cc.close());

const unauthorized = (error: string): string => JSON.stringify({ error, status: 'Unauthorized' }) + '\n';
const LIST = '/api/jobs/';
const get = (opts: Parameters<typeof call>[3]) => call(cc, 'GET', LIST, opts);
const token = (claims: Record<string, unknown>, header?: Record<string, unknown>): string => cc.mintToken(claims, header);

describe('§5.1 where the token is read from', () => {
  test('§5.1 X-Auth-Token (any header-name case) and Authorization: Bearer are both accepted', async () => {
    assert.equal((await get({})).status, 200);
    assert.equal((await get({ token: null, headers: { 'X-AUTH-TOKEN': cc.jwt } })).status, 200);
    assert.equal((await get({ token: null, headers: { Authorization: `Bearer ${cc.jwt}` } })).status, 200);
  });

  test('§5.1 the Bearer prefix is exact and case-sensitive', async () => {
    const lower = await get({ token: null, headers: { Authorization: `bearer ${cc.jwt}` } });
    assert.equal(lower.status, 401);
    assert.equal(lower.text, unauthorized('token is malformed: could not base64 decode header: illegal base64 data at input byte 6'));
    const twoSpaces = await get({ token: null, headers: { Authorization: `Bearer  ${cc.jwt}` } });
    assert.equal(twoSpaces.status, 401);
  });

  test('§5.1 X-Auth-Token present but invalid → Authorization is not tried', async () => {
    const r = await get({ token: 'garbage', headers: { Authorization: `Bearer ${cc.jwt}` } });
    assert.equal(r.status, 401);
    assert.equal(r.text, unauthorized('token is malformed: token contains an invalid number of segments'));
  });

  test('§5.1 an empty X-Auth-Token falls back to Authorization', async () => {
    assert.equal((await get({ token: '', headers: { Authorization: `Bearer ${cc.jwt}` } })).status, 200);
  });

  test('§5.4 / §9.19 no token at all → 401 no user for secured check, JSON with sorted keys', async () => {
    const r = await get({ token: null });
    assert.equal(r.status, 401);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.text, '{"error":"no user for secured check","status":"Unauthorized"}\n');
    // HTTP trims the trailing space, so "Bearer " arrives as "Bearer": not a prefix match, parsed as a token.
    assert.equal(
      (await get({ token: null, headers: { Authorization: 'Bearer ' } })).text,
      unauthorized('token is malformed: token contains an invalid number of segments'),
    );
  });

  test('§5 auth runs before body decoding (bad token and bad body → 401)', async () => {
    const r = await call(cc, 'POST', '/api/jobs/start_job/', { token: 'x.y.z', body: '{' });
    assert.equal(r.status, 401);
  });
});

describe('§5.2 token validation', () => {
  test('§5.2 alg must be EdDSA: HS256 and none → keyfunc error; unknown alg → unavailable; no alg → unspecified', async () => {
    const claims = { sub: 'a', roles: ['api'] };
    for (const alg of ['HS256', 'RS256', 'none']) {
      const r = await get({ token: token(claims, { alg, typ: 'JWT' }) });
      assert.equal(r.text, unauthorized('token is unverifiable: error while executing keyfunc: only Ed25519/EdDSA supported'), alg);
    }
    assert.equal((await get({ token: token(claims, { alg: 'EDDSA' }) })).text, unauthorized('token is unverifiable: signing method (alg) is unavailable'));
    assert.equal((await get({ token: token(claims, { typ: 'JWT' }) })).text, unauthorized('token is unverifiable: signing method (alg) is unspecified'));
  });

  test('§5.2 a token signed by another key → signature invalid', async () => {
    const other = generateKeyPair();
    const r = await get({ token: mintToken(other.privateKey, { sub: 'a', roles: ['api'] }) });
    assert.equal(r.text, unauthorized('token signature is invalid: ed25519: verification error'));
  });

  test('§5.2 exp optional; if present it must be in the future (no leeway)', async () => {
    const s = NOW_MS / 1000;
    assert.equal((await get({ token: token({ sub: 'a', roles: ['api'], exp: s + 60 }) })).status, 200);
    assert.equal((await get({ token: token({ sub: 'a', roles: ['api'], exp: s }) })).text, unauthorized('token has invalid claims: token is expired'));
    assert.equal((await get({ token: token({ sub: 'a', roles: ['api'], exp: s - 1 }) })).status, 401);
    assert.equal(
      (await get({ token: token({ sub: 'a', roles: ['api'], exp: 'tomorrow' }) })).text,
      unauthorized('token has invalid claims: invalid type for claim: exp is invalid'),
    );
  });

  test('§5.2 nbf checked if present; iat not checked', async () => {
    const s = NOW_MS / 1000;
    assert.equal((await get({ token: token({ sub: 'a', roles: ['api'], nbf: s + 60 }) })).text, unauthorized('token has invalid claims: token is not valid yet'));
    assert.equal((await get({ token: token({ sub: 'a', roles: ['api'], nbf: s }) })).status, 200);
    assert.equal((await get({ token: token({ sub: 'a', roles: ['api'], iat: s + 86400 }) })).status, 200);
    assert.equal(
      (await get({ token: token({ sub: 'a', roles: ['api'], exp: s - 1, nbf: s + 1 }) })).text,
      unauthorized('token has invalid claims: token is expired\ntoken is not valid yet'),
    );
  });

  test('§5.2 sub is required and must be a non-empty string', async () => {
    for (const claims of [{ roles: ['api'] }, { sub: '', roles: ['api'] }, { sub: 7, roles: ['api'] }]) {
      assert.equal((await get({ token: token(claims) })).text, unauthorized("missing 'sub' claim in JWT"), JSON.stringify(claims));
    }
  });

  test('§5.2 iss and aud are not checked on /api', async () => {
    assert.equal((await get({ token: token({ sub: 'a', roles: ['api'], iss: 'elsewhere', aud: 'nobody' }) })).status, 200);
  });
});

describe('§5.3 roles', () => {
  test('§5.3 admitted: exactly ["api"], or two or more roles including admin and api', async () => {
    for (const roles of [['api'], ['admin', 'api'], ['api', 'admin'], ['api', 'admin', 'user']]) {
      assert.equal((await get({ token: token({ sub: 'a', roles }) })).status, 200, JSON.stringify(roles));
    }
  });

  test('§5.3 / §9.19 wrong role set → 401 unauthorized, never 403', async () => {
    for (const roles of [['user'], ['api', 'user'], ['admin'], ['API'], ['api', 'admin', 'admin']]) {
      const r = await get({ token: token({ sub: 'a', roles }) });
      assert.equal(r.status, 401, JSON.stringify(roles));
      assert.equal(r.text, unauthorized('unauthorized'));
    }
  });

  test('§5.3 quirk: ["api","api"] counts as admin+api and is admitted', async () => {
    assert.equal((await get({ token: token({ sub: 'a', roles: ['api', 'api'] }) })).status, 200);
  });

  test('§5.3 / §9.19 empty or missing roles → 401 with the body written twice', async () => {
    for (const claims of [{ sub: 'a', roles: [] }, { sub: 'a' }, { sub: 'a', roles: 'api' }]) {
      const r = await get({ token: token(claims) });
      assert.equal(r.status, 401);
      assert.equal(r.text, unauthorized('unauthorized') + unauthorized('unauthorized'), JSON.stringify(claims));
    }
  });
});

describe('§5.4 IP allow-list', () => {
  test('§5.4 a non-empty list without "*" → 401 unknown ip; X-Real-Ip, then X-Forwarded-For (whole) are used', async () => {
    cc.setAllowedIps(['10.1.2.3']);
    try {
      assert.equal((await get({})).text, unauthorized('unknown ip: 127.0.0.1'));
      assert.equal((await get({ headers: { 'X-Real-Ip': '10.1.2.3' } })).status, 200);
      assert.equal((await get({ headers: { 'X-Forwarded-For': '10.1.2.3' } })).status, 200);
      assert.equal((await get({ headers: { 'X-Forwarded-For': '10.1.2.3, 10.9.9.9' } })).text, unauthorized('unknown ip: 10.1.2.3, 10.9.9.9'));
      // token errors come before the IP check, the IP check before roles
      assert.equal((await get({ token: 'a.b' })).text, unauthorized('token is malformed: token contains an invalid number of segments'));
      assert.equal((await get({ token: token({ sub: 'a', roles: ['user'] }) })).text, unauthorized('unknown ip: 127.0.0.1'));
      cc.setAllowedIps(['*', '10.1.2.3']);
      assert.equal((await get({})).status, 200);
    } finally {
      cc.setAllowedIps([]);
    }
  });
});
