#!/usr/bin/env node
// Runs the test suite with node's built-in runner. TypeScript is loaded through tsx and
// workspace packages resolve to their sources (the "source" export condition).
// Usage: node scripts/run-tests.mjs [all|unit|e2e] [filter-substring ...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const [mode = 'all', ...filters] = process.argv.slice(2);
if (!['all', 'unit', 'e2e'].includes(mode)) {
  console.error(`unknown mode ${mode}: use all, unit or e2e`);
  process.exit(2);
}

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const all = [...walk(join(root, 'packages'), []), ...walk(join(root, 'test'), [])].sort();
const isE2e = (f) => f.startsWith('test/e2e/');
let files = all.filter((f) => (mode === 'all' ? true : mode === 'e2e' ? isE2e(f) : !isE2e(f)));
if (filters.length) files = files.filter((f) => filters.some((s) => f.includes(s)));
if (!files.length) {
  console.error('no test files matched');
  process.exit(2);
}

const args = [
  '--conditions=source',
  '--import', 'tsx',
  '--test',
  `--test-concurrency=${process.env.TEST_CONCURRENCY ?? '2'}`,
  ...(process.env.TEST_REPORTER ? [`--test-reporter=${process.env.TEST_REPORTER}`] : []),
  ...files,
];
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : code ?? 1));
