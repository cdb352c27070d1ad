#!/usr/bin/env node
// `pnpm bench <name> [args…]`: runs test/bench/<name>.ts with the TypeScript sources (tsx, the
// "source" export condition), e.g. `pnpm bench publisher`, `pnpm bench forwarder`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(root, 'test', 'bench');
const [name, ...args] = process.argv.slice(2);
const available = () =>
  existsSync(benchDir)
    ? readdirSync(benchDir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map((f) => f.slice(0, -3))
        .join(', ')
    : '';
if (!name || !/^[\w-]+$/.test(name)) {
  console.error(`usage: pnpm bench <name> [args…]   (available: ${available() || 'none'})`);
  process.exit(2);
}
const file = join(benchDir, `${name}.ts`);
if (!existsSync(file)) {
  console.error(`no benchmark test/bench/${name}.ts (available: ${available() || 'none'})`);
  process.exit(2);
}
const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file, ...args], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(signal ? 1 : code ?? 1));
