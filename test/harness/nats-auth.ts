// Test-only credentials for nats-server: NKey users, a decentralised-auth (operator / account /
// user JWT) setup with a `.creds` file, and a throw-away TLS CA with server and client
// certificates. Everything is generated locally per server; nothing here is for production use.
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { nkeys } from '@nats-io/transport-node';

const execFileP = promisify(execFile);
const enc = new TextEncoder();
const dec = new TextDecoder();

export function randomSecret(bytes = 18): string {
  return randomBytes(bytes).toString('base64url');
}

export interface NKeyUser {
  publicKey: string;
  /** The seed (`SU…`), i.e. the contents of the seed file. */
  seed: string;
  seedFile: string;
}

export async function createNKeyUser(dir: string, fileName = 'user.nk'): Promise<NKeyUser> {
  const kp = nkeys.createUser();
  const seed = dec.decode(kp.getSeed());
  const seedFile = join(dir, fileName);
  await writeFile(seedFile, `${seed}\n`, { mode: 0o600 });
  return { publicKey: kp.getPublicKey(), seed, seedFile };
}

// --- JWT (decentralised auth) -----------------------------------------------------------------

type KeyPair = ReturnType<typeof nkeys.createUser>;

function b64url(data: Uint8Array | string): string {
  return Buffer.from(typeof data === 'string' ? enc.encode(data) : data).toString('base64url');
}

function base32NoPad(buf: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** Encodes and signs a NATS JWT (`alg: ed25519-nkey`) the way nats-io/jwt v2 does. */
export function encodeJwt(issuer: KeyPair, claims: Record<string, unknown>): string {
  const header = { typ: 'JWT', alg: 'ed25519-nkey' };
  const body: Record<string, unknown> = {
    iat: Math.floor(Date.now() / 1000),
    iss: issuer.getPublicKey(),
    ...claims,
  };
  body.jti = base32NoPad(createHash('sha256').update(JSON.stringify(body)).digest());
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(body))}`;
  const sig = issuer.sign(enc.encode(signingInput));
  return `${signingInput}.${b64url(sig)}`;
}

export function formatCreds(userJwt: string, userSeed: string): string {
  return [
    '-----BEGIN NATS USER JWT-----',
    userJwt,
    '------END NATS USER JWT------',
    '',
    '************************* IMPORTANT *************************',
    'NKEY Seed printed below can be used to sign and prove identity.',
    'NKEYs are sensitive and should be treated as secrets.',
    '',
    '-----BEGIN USER NKEY SEED-----',
    userSeed,
    '------END USER NKEY SEED------',
    '',
    '*************************************************************',
    '',
  ].join('\n');
}

export interface OperatorSetup {
  /** nats-server config lines (operator, system_account, resolver, resolver_preload). */
  serverConfig: string;
  accountPublicKey: string;
  userPublicKey: string;
  credsFile: string;
  /** Writes another user of the same account (e.g. a second service) and returns its creds path. */
  addUser(name: string): Promise<string>;
}

const UNLIMITED_ACCOUNT = {
  subs: -1,
  data: -1,
  payload: -1,
  imports: -1,
  exports: -1,
  wildcards: true,
  conn: -1,
  leaf: -1,
};

/** Operator + system account + one JetStream-enabled application account + one user (creds). */
export async function createOperatorSetup(dir: string): Promise<OperatorSetup> {
  const op = nkeys.createOperator();
  const sys = nkeys.createAccount();
  const acct = nkeys.createAccount();
  const opJwt = encodeJwt(op, {
    name: 'ccsb-test-operator',
    sub: op.getPublicKey(),
    nats: { system_account: sys.getPublicKey(), type: 'operator', version: 2 },
  });
  const sysJwt = encodeJwt(op, {
    name: 'SYS',
    sub: sys.getPublicKey(),
    nats: { limits: UNLIMITED_ACCOUNT, default_permissions: { pub: {}, sub: {} }, type: 'account', version: 2 },
  });
  const acctJwt = encodeJwt(op, {
    name: 'CCSB',
    sub: acct.getPublicKey(),
    nats: {
      limits: {
        ...UNLIMITED_ACCOUNT,
        mem_storage: -1,
        disk_storage: -1,
        streams: -1,
        consumer: -1,
      },
      default_permissions: { pub: {}, sub: {} },
      type: 'account',
      version: 2,
    },
  });
  const addUser = async (name: string): Promise<string> => {
    const user = nkeys.createUser();
    const userJwt = encodeJwt(acct, {
      name,
      sub: user.getPublicKey(),
      nats: { pub: {}, sub: {}, subs: -1, data: -1, payload: -1, type: 'user', version: 2 },
    });
    const file = join(dir, `${name}.creds`);
    await writeFile(file, formatCreds(userJwt, dec.decode(user.getSeed())), { mode: 0o600 });
    return file;
  };
  const user = nkeys.createUser();
  const userJwt = encodeJwt(acct, {
    name: 'bridge',
    sub: user.getPublicKey(),
    nats: { pub: {}, sub: {}, subs: -1, data: -1, payload: -1, type: 'user', version: 2 },
  });
  const credsFile = join(dir, 'bridge.creds');
  await writeFile(credsFile, formatCreds(userJwt, dec.decode(user.getSeed())), { mode: 0o600 });
  const serverConfig = [
    `operator: ${JSON.stringify(opJwt)}`,
    `system_account: ${sys.getPublicKey()}`,
    'resolver: MEMORY',
    'resolver_preload: {',
    `  ${sys.getPublicKey()}: ${JSON.stringify(sysJwt)}`,
    `  ${acct.getPublicKey()}: ${JSON.stringify(acctJwt)}`,
    '}',
  ].join('\n');
  return {
    serverConfig,
    accountPublicKey: acct.getPublicKey(),
    userPublicKey: user.getPublicKey(),
    credsFile,
    addUser,
  };
}

// --- TLS ----------------------------------------------------------------------------------------

export interface TestTls {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await execFileP('openssl', args, { cwd });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? e.message}`);
  }
}

/** A CA, a server certificate for 127.0.0.1/localhost and a client certificate (needs `openssl`). */
export async function createTestTls(dir: string): Promise<TestTls> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(
    [
      'req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=ccsb-test-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await writeFile(
    join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n',
  );
  await writeFile(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n');
  for (const who of ['server', 'client'] as const) {
    await openssl(['req', ...ec, '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=ccsb-test-${who}`], dir);
    await openssl(
      [
        'x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
        '-out', `${who}.pem`, '-days', '2', '-extfile', `${who}.ext`,
      ],
      dir,
    );
  }
  return {
    caFile: join(dir, 'ca.pem'),
    serverCertFile: join(dir, 'server.pem'),
    serverKeyFile: join(dir, 'server.key'),
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client.key'),
  };
}
