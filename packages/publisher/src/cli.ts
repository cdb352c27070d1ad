#!/usr/bin/env node
/**
 * cc-slurm-publisher: run | hook | convert | backfill | check-config.
 *
 * `hook` runs inside slurmctld's PrologSlurmctld / EpilogSlurmctld for every job, so its path
 * imports nothing but node built-ins and two tiny modules; everything else is loaded lazily.
 */
const argv = process.argv.slice(2);
if (argv[0] === 'hook') {
  const { runHook } = await import('./hook/client.js');
  let config: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--config' || a === '-c') config = argv[++i];
    else if (a.startsWith('--config=')) config = a.slice('--config='.length);
  }
  const code = await runHook(config ? { config } : {});
  process.exit(code);
} else {
  const { main } = await import('./cli-main.js');
  process.exitCode = await main(process.argv);
}
