// The stand-alone entry points: main.ts (pnpm fake-cc-backend) and jwt.ts.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { call, startBody } from './testkit.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fake-cc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function waitForLine(child: ChildProcess, re: RegExp, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`timeout waiting for ${re}; output so far:\n${out}`)), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (re.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${re}:\n${out}`));
    });
  });
}

// The three processes start in parallel: each pays tsx's start-up time.
describe('stand-alone entry points', { concurrency: true }, () => {
  test('main.ts --port 0 prints the URL and a valid JWT, writes --jwt-file, serves, and exits 0 on SIGTERM', async () => {
    const jwtFile = join(dir, 'jwt');
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'test/cc-backend/main.ts', '--port', '0', '--cluster', 'fritz:f[0101-0188],login', '--commit-interval', '0', '--jwt-file', jwtFile],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const out = await waitForLine(child, /JWT=\S+\n/);
      const port = Number(/PORT=(\d+)/.exec(out)?.[1]);
      const jwt = /JWT=(\S+)/.exec(out)?.[1] ?? '';
      assert.ok(port > 0);
      assert.match(out, new RegExp(`URL=http://127\\.0\\.0\\.1:${port}`));
      assert.equal(readFileSync(jwtFile, 'utf8').trim(), jwt);
      const cc = { port, jwt };
      assert.equal((await call(cc, 'POST', '/api/jobs/start_job/', { body: startBody({ cluster: 'fritz', resources: [{ hostname: 'f0101' }] }) })).status, 201);
      assert.equal((await call(cc, 'POST', '/api/jobs/start_job/', { body: startBody({ cluster: 'testcluster' }) })).status, 400);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  test('main.ts rejects unknown arguments with exit code 2', async () => {
    const code = await new Promise<number | null>((resolve) => {
      const c = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/cc-backend/main.ts', '--bogus'], { cwd: root, stdio: 'ignore' });
      c.on('exit', (x) => resolve(x));
    });
    assert.equal(code, 2);
  });

  test('jwt.ts run alone prints a key pair and a token that verifies', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/cc-backend/jwt.ts', '--sub', 'me'], { cwd: root }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    const pub = /JWT_PUBLIC_KEY=(\S+)/.exec(out)?.[1] ?? '';
    const priv = /JWT_PRIVATE_KEY=(\S+)/.exec(out)?.[1] ?? '';
    const jwt = /^JWT=(\S+)$/m.exec(out)?.[1] ?? '';
    assert.equal(Buffer.from(pub, 'base64').length, 32);
    assert.equal(Buffer.from(priv, 'base64').length, 64);
    const { keyPairFromPrivateBase64, verifyToken } = await import('./jwt.js');
    const v = verifyToken(jwt, keyPairFromPrivateBase64(priv).publicKey);
    assert.ok(v.ok);
    assert.equal(v.ok && v.claims['sub'], 'me');
    assert.deepEqual(v.ok && v.claims['roles'], ['api']);
  });
});
