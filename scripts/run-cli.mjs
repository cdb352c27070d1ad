#!/usr/bin/env node
// `pnpm publisher …` / `pnpm forwarder …`: build (incremental, a no-op when up to date), then
// run the package's compiled CLI with the remaining arguments.
import { spawnSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const [pkg, ...args] = process.argv.slice(2);
if (pkg !== 'publisher' && pkg !== 'forwarder') {
  console.error('usage: run-cli.mjs publisher|forwarder [args…]');
  process.exit(2);
}
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const build = spawnSync(process.execPath, [tsc, '-b', join(root, 'packages', pkg)], { stdio: ['ignore', 2, 2] });
if (build.status !== 0) {
  console.error(`build of packages/${pkg} failed`);
  process.exit(build.status ?? 1);
}
// Node 20 does not forward signals to a spawned child by itself; do it so the daemons shut down gracefully.
const child = spawn(process.execPath, [join(root, 'packages', pkg, 'dist', 'cli.js'), ...args], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(signal ? 128 + 1 : code ?? 1));
