// Unit tests of the double's building blocks: host lists (§1.2 b), Go JSON decoding details (§0.3),
// golang-jwt parsing details (§5.2).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseClusterSpec } from './clusters.js';
import { goDecodeBody, T } from './decode.js';
import { goMarshal, GoStruct } from './gojson.js';
import { nodeListContains, parseNodeList } from './hostlist.js';
import { apiClaims, generateKeyPair, goRawUrlBase64Decode, keyPairFromPrivateBase64, mintToken, verifyToken } from './jwt.js';
import { JobType } from './schema.js';

describe('§1.2b host lists', () => {
  test('§1.2b f[0101-0188],login: zero-padded ranges, exact prefixes, whole-name match', () => {
    const nl = parseNodeList('f[0101-0188],login');
    for (const h of ['f0101', 'f0150', 'f0188', 'login']) assert.ok(nodeListContains(nl, h), h);
    for (const h of ['f101', 'f0189', 'f0100', 'f01010', 'login1', 'xlogin', 'f', '']) assert.ok(!nodeListContains(nl, h), h);
  });

  test('§1.2b several ranges in one bracket, dashes in prefixes, digits in prefixes', () => {
    const nl = parseNodeList('cn-00[10-20,50-60],gpu01');
    assert.ok(nodeListContains(nl, 'cn-0015'));
    assert.ok(nodeListContains(nl, 'cn-0055'));
    assert.ok(!nodeListContains(nl, 'cn-0030'));
    assert.ok(nodeListContains(nl, 'gpu01'));
  });

  test('§1.2b invalid host lists are configuration errors', () => {
    assert.throws(() => parseNodeList('a[1-9'), /unclosed/);
    assert.throws(() => parseNodeList('a[01-9]'), /not of equal length/);
    assert.throws(() => parseNodeList('a[0109]'), /no '-' found/);
    assert.throws(() => parseNodeList('a.b'), /invalid character: 46/);
  });

  test('--cluster syntax: name, name:hostlist, name:sc=list;sc2=list', () => {
    assert.deepEqual(parseClusterSpec('testcluster'), { name: 'testcluster', subClusters: [{ name: 'main', nodes: '*' }] });
    assert.deepEqual(parseClusterSpec('fritz:f[0101-0188],login'), { name: 'fritz', subClusters: [{ name: 'main', nodes: 'f[0101-0188],login' }] });
    assert.deepEqual(parseClusterSpec('alex:a=a[01-02];b=*').subClusters, [
      { name: 'a', nodes: 'a[01-02]' },
      { name: 'b', nodes: '*' },
    ]);
  });
});

describe('§0.3 Go decoding internals', () => {
  const body = (s: string): Buffer => Buffer.from(s);

  test('§0.3 a duplicate array key overwrites element-wise into the old elements (Go reuses pointers)', () => {
    const r = goDecodeBody<{ resources: Array<{ hostname: string; hwthreads: bigint[] | null }> }>(
      body('{"resources":[{"hostname":"a","hwthreads":[1]},{"hostname":"b"}],"resources":[{"hostname":"c"}]}'),
      JobType,
    );
    assert.ok(r.ok);
    assert.equal(r.value.resources.length, 1);
    assert.equal(r.value.resources[0]?.hostname, 'c');
    assert.deepEqual(r.value.resources[0]?.hwthreads, [1n], 'fields of the reused element survive');
  });

  test('§0.3 null resets slices, maps and pointers; empty array is an empty (not nil) slice', () => {
    const r = goDecodeBody<{ resources: unknown; metaData: unknown }>(body('{"resources":[{"hostname":"a"}],"resources":null,"metaData":null}'), JobType);
    assert.ok(r.ok);
    assert.equal(r.value.resources, null);
    assert.equal(r.value.metaData, null);
    const e = goDecodeBody<{ resources: unknown }>(body('{"resources":[]}'), JobType);
    assert.ok(e.ok);
    assert.deepEqual(e.value.resources, []);
  });

  test('§0.3 Kelvin sign folds to k (Unicode simple folding)', () => {
    const t = T.struct('x.K', [{ json: 'kind', type: T.string }]);
    const r = goDecodeBody<{ kind: string }>(body('{"\u212aIND":"v"}'), t);
    assert.ok(r.ok);
    assert.equal(r.value.kind, 'v');
  });

  test('§0.3 invalid UTF-8 in strings becomes U+FFFD; the encoder escapes <>& and U+2028', () => {
    const r = goDecodeBody<{ user: string }>(Buffer.concat([body('{"user":"a'), Buffer.from([0xff]), body('b"}')]), JobType);
    assert.ok(r.ok);
    assert.equal(r.value.user, 'a\ufffdb');
    assert.equal(goMarshal(new GoStruct([['s', '<a>&\u2028\n\t\u0001']])), '{"s":"\\u003ca\\u003e\\u0026\\u2028\\n\\t\\u0001"}');
    assert.equal(goMarshal(new Map([['b', 1], ['a', 2]])), '{"a":2,"b":1}');
  });

  test('§0.3 float fields reject overflow; exponents are fine there', () => {
    assert.ok(goDecodeBody(body('{"energy":1e3}'), JobType).ok);
    const r = goDecodeBody(body('{"energy":1e400}'), JobType);
    assert.ok(!r.ok);
    assert.equal(r.error, 'json: cannot unmarshal number 1e400 into Go struct field Job.energy of type float64');
  });
});

describe('§5.2 JWT details', () => {
  test('§5.2 keys in cc-backend env format round-trip (JWT_PRIVATE_KEY = seed ‖ public)', () => {
    const k = generateKeyPair();
    assert.equal(Buffer.from(k.publicKeyBase64, 'base64').length, 32);
    assert.equal(Buffer.from(k.privateKeyBase64, 'base64').length, 64);
    const again = keyPairFromPrivateBase64(k.privateKeyBase64);
    const tok = mintToken(again.privateKey, apiClaims('x'));
    assert.ok(verifyToken(tok, k.publicKey).ok);
  });

  test('§5.2 base64url like Go RawURLEncoding: padding is illegal, newlines are skipped', () => {
    assert.deepEqual(goRawUrlBase64Decode('YWJj'), { ok: true, bytes: Buffer.from('abc') });
    assert.deepEqual(goRawUrlBase64Decode('YWI='), { ok: false, error: 'illegal base64 data at input byte 3' });
    assert.deepEqual(goRawUrlBase64Decode('YW\nJj'), { ok: true, bytes: Buffer.from('abc') });
    assert.deepEqual(goRawUrlBase64Decode('YWJjZ'), { ok: false, error: 'illegal base64 data at input byte 4' });
  });

  test('§5.2 malformed header and claims JSON give golang-jwt texts', () => {
    const k = generateKeyPair();
    const b64 = (s: string): string => Buffer.from(s).toString('base64url');
    assert.deepEqual(verifyToken(`${b64('{"alg":')}.${b64('{}')}.x`, k.publicKey), {
      ok: false,
      error: 'token is malformed: could not JSON decode header: unexpected end of JSON input',
    });
    assert.deepEqual(verifyToken(`${b64('{"alg":"EdDSA"}')}.${b64('[1]')}.x`, k.publicKey), {
      ok: false,
      error: 'token is malformed: could not JSON decode claim: json: cannot unmarshal array into Go value of type jwt.MapClaims',
    });
    assert.deepEqual(verifyToken(`${b64('{"alg":"EdDSA"} x')}.${b64('{}')}.x`, k.publicKey), {
      ok: false,
      error: "token is malformed: could not JSON decode header: invalid character 'x' after top-level value",
    });
  });

  test('§5.2 exp 0 counts as absent; fractional exp is truncated to whole seconds', () => {
    const k = generateKeyPair();
    assert.ok(verifyToken(mintToken(k.privateKey, { sub: 'a', exp: 0 }), k.publicKey, 5_000_000).ok);
    const tok = mintToken(k.privateKey, { sub: 'a', exp: 100.9 });
    assert.ok(verifyToken(tok, k.publicKey, 99_999).ok);
    assert.ok(!verifyToken(tok, k.publicKey, 100_000).ok);
  });
});
