// pnpm slurm-cluster up|down|status [--base DIR] [--nodes N] [--cluster NAME] [--purge]
// Default base dir: /tmp/cc-slurm-bridge-cluster (or $SLURM_TEST_BASE), so `up` and `down` find each other.
import { existsSync } from 'node:fs';
import { DEFAULT_CLI_BASE, SlurmCluster, stopCluster, type SlurmClusterOptions } from './cluster.js';

const USAGE = `usage: pnpm slurm-cluster up|down|status [--base DIR] [--nodes N] [--cluster NAME] [--min-job-age S]
                                       [--prolog-ctld SCRIPT] [--epilog-ctld SCRIPT] [--purge] [--verbose]
  up      start (idempotently) a single-host Slurm cluster; prints the base dir and the export line
  down    stop every daemon named by the pid files in the base dir (--purge: delete the base dir)
  status  show which daemons run
default base: $SLURM_TEST_BASE or ${DEFAULT_CLI_BASE}`;

function parse(argv: string[]): { cmd: string; flags: Map<string, string | true> } {
  const [cmd = '', ...rest] = argv;
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (['purge', 'verbose', 'help'].includes(a.slice(2))) flags.set(a.slice(2), true);
    else {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      flags.set(a.slice(2), v);
    }
  }
  return { cmd, flags };
}

async function main(): Promise<number> {
  const { cmd, flags } = parse(process.argv.slice(2));
  if (flags.has('help') || !['up', 'down', 'status'].includes(cmd)) {
    console.error(USAGE);
    return cmd === '' || flags.has('help') ? 0 : 2;
  }
  const str = (k: string) => {
    const v = flags.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const base = str('base') ?? process.env.SLURM_TEST_BASE ?? DEFAULT_CLI_BASE;
  const log = flags.has('verbose') || process.env.SLURM_TEST_VERBOSE ? (m: string) => console.error(`[slurm-cluster ${new Date().toISOString().slice(11, 23)}] ${m}`) : () => {};

  if (cmd === 'down') {
    if (!existsSync(base)) {
      console.log(`nothing to stop: ${base} does not exist`);
      return 0;
    }
    const r = await stopCluster(base, { purge: flags.has('purge'), log });
    const names = Object.entries(r.signalled).map(([n, p]) => `${n}(${p})`);
    console.log(`stopped ${names.length ? names.join(' ') : 'nothing (no live pid files)'} in ${r.totalMs} ms`);
    if (flags.has('purge')) console.log(`removed ${base}`);
    if (r.survivors.length) {
      console.error(`still alive: ${r.survivors.join(' ')}`);
      return 1;
    }
    return 0;
  }

  const opts: SlurmClusterOptions = { base, log };
  const nodes = str('nodes');
  if (nodes !== undefined) opts.nodes = Number(nodes);
  const cluster = str('cluster');
  if (cluster !== undefined) opts.clusterName = cluster;
  const mja = str('min-job-age');
  if (mja !== undefined) opts.minJobAge = Number(mja);
  if (str('prolog-ctld') !== undefined) opts.prologSlurmctld = str('prolog-ctld');
  if (str('epilog-ctld') !== undefined) opts.epilogSlurmctld = str('epilog-ctld');
  const c = new SlurmCluster(opts);

  if (cmd === 'status') {
    const s = c.status();
    console.log(`base ${s.base} (${s.configured ? 'configured' : 'not configured'})`);
    for (const d of s.daemons) console.log(`  ${d.name.padEnd(16)} ${d.alive ? `running  pid ${d.pid}` : 'stopped'}`);
    if (s.configured) console.log(`export SLURM_CONF=${c.confPath}`);
    return s.allAlive ? 0 : 3;
  }

  const r = await c.start();
  const t = Object.entries(r.timings)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(`base ${c.base}`);
  console.log(
    r.alreadyRunning
      ? `already running (checked in ${r.totalMs} ms)`
      : `cluster up in ${r.totalMs} ms (started ${r.started.join(' ')}; ${t}) gpus=${r.gpus} mariadb=${r.mariadb}`,
  );
  for (const w of r.warnings) console.log(`warning: ${w}`);
  console.log(`export SLURM_CONF=${c.confPath}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`slurm-cluster: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
