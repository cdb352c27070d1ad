// Runs the cc-backend test double alone:
//   pnpm fake-cc-backend --port 8080 --cluster testcluster[:hostlist] [--cluster other:...]
//        [--commit-interval 60] [--host 127.0.0.1] [--jwt-file F] [--nats-mode] [--allowed-ips a,b]
// Prints the URL and a valid api JWT (also to --jwt-file), then serves until SIGTERM/SIGINT.
// Observation and faults: http://<host>:<port>/__test__/ (requests, jobs, counters, faults, commit, ...).

import { writeFileSync } from 'node:fs';
import { startFakeCcBackend } from './mod.js';

const USAGE = `usage: fake-cc-backend [--port N] [--host ADDR] [--cluster NAME[:HOSTLIST]]... [--commit-interval SECONDS]
                       [--jwt-file FILE] [--nats-mode] [--allowed-ips IP,IP]
  --port             TCP port, 0 picks a free one (default 8080)
  --host             listen address (default 127.0.0.1)
  --cluster          cluster and host list of its single sub-cluster "main" (default hostlist "*"),
                     e.g. fritz:f[0101-0188],login ; repeatable (default: testcluster)
                     NAME:SC1=LIST1;SC2=LIST2 names several sub-clusters
  --commit-interval  job_cache commit interval in seconds (default 60, 0 = no cache window)
  --jwt-file         also write the JWT to this file
  --nats-mode        act as if main.api-subjects were set: REST start_job/stop_job answer 404
  --allowed-ips      main.api-allowed-ips`;

interface CliOptions {
  port: number;
  host: string;
  clusters: string[];
  commitIntervalSec: number;
  jwtFile: string | null;
  natsMode: boolean;
  allowedIps: string[];
}

function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { port: 8080, host: '127.0.0.1', clusters: [], commitIntervalSec: 60, jwtFile: null, natsMode: false, allowedIps: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const p = Number(value());
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error('--port must be an integer 0..65535');
        o.port = p;
        break;
      }
      case '--host':
        o.host = value();
        break;
      case '--cluster':
        o.clusters.push(value());
        break;
      case '--commit-interval': {
        const s = Number(value());
        if (!Number.isFinite(s) || s < 0) throw new Error('--commit-interval must be a number of seconds >= 0');
        o.commitIntervalSec = s;
        break;
      }
      case '--jwt-file':
        o.jwtFile = value();
        break;
      case '--nats-mode':
        o.natsMode = true;
        break;
      case '--allowed-ips':
        o.allowedIps = value().split(',').filter((x) => x !== '');
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${a}`);
    }
  }
  if (o.clusters.length === 0) o.clusters.push('testcluster');
  return o;
}

async function main(): Promise<void> {
  let o: CliOptions;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`fake-cc-backend: ${(e as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const cc = await startFakeCcBackend({
    port: o.port,
    host: o.host,
    clusters: o.clusters,
    commitIntervalMs: Math.round(o.commitIntervalSec * 1000),
    natsMode: o.natsMode,
    allowedIps: o.allowedIps,
  });
  const jwt = cc.jwt;
  if (o.jwtFile !== null) writeFileSync(o.jwtFile, jwt + '\n', { mode: 0o600 });
  process.stdout.write(`fake cc-backend listening on ${cc.url}\n`);
  process.stdout.write(`URL=${cc.url}\nPORT=${cc.port}\nJWT=${jwt}\nJWT_PUBLIC_KEY=${cc.publicKeyBase64}\n`);
  process.stdout.write(`clusters: ${o.clusters.join(' ')}; commit interval ${o.commitIntervalSec}s; test API ${cc.url}/__test__/\n`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`fake cc-backend: ${signal}, shutting down\n`);
    cc.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`fake cc-backend: shutdown failed: ${String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`fake-cc-backend: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
