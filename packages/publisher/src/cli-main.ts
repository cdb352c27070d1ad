/** Commands of cc-slurm-publisher other than `hook` (see cli.ts). */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { createLogger, natsSettingsProblems, redactSecrets, type ConfigError, CliExit, defaultCliIo, type CliIo } from '@cc-slurm-bridge/shared';
import { configSecrets, loadPublisherConfig, parsePublisherConfig, type PublisherConfig } from './config.js';
import { parseTimeArg } from './timearg.js';

export type { CliIo };

function loadOrFail(path: string, io: CliIo): PublisherConfig {
  const r = loadPublisherConfig(path, io.env);
  if (!r.ok) {
    io.err(`${(r.error as ConfigError).message}\n`);
    throw new CliExit(1);
  }
  const problems = natsSettingsProblems(r.value);
  if (problems.length) {
    io.err(`config file ${path} is invalid:\n  ${problems.join('\n  ')}\n`);
    throw new CliExit(1);
  }
  return r.value;
}

/** Defaults only (for convert/backfill without --config). */
function defaultConfig(io: CliIo): PublisherConfig {
  const r = parsePublisherConfig({}, io.env);
  if (!r.ok) throw r.error;
  return r.value;
}

function readInput(path: string, what: string, io: CliIo): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    io.err(`cannot read ${what} file ${path}: ${(e as Error).message}\n`);
    throw new CliExit(1);
  }
}

export async function main(argv: string[], io: CliIo = defaultCliIo): Promise<number> {
  const program = new Command('cc-slurm-publisher')
    .description('Slurm job starts and stops into NATS JetStream, durably (cc-slurm-bridge)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command('run')
    .description('run the publisher daemon')
    .requiredOption('-c, --config <file>', 'JSON config file')
    .action(async (o: { config: string }) => {
      const cfg = loadOrFail(o.config, io);
      const { PublisherDaemon } = await import('./daemon.js');
      const logger = createLogger({ name: 'cc-slurm-publisher', level: cfg.logLevel, secrets: configSecrets(cfg) });
      const daemon = new PublisherDaemon({ config: cfg, logger });
      let stopSignal: (sig: string) => void = () => undefined;
      const stopped = new Promise<string>((resolve) => (stopSignal = resolve));
      const onSig = (sig: NodeJS.Signals): void => stopSignal(sig);
      process.on('SIGTERM', onSig);
      process.on('SIGINT', onSig);
      try {
        await daemon.start();
      } catch (err) {
        logger.fatal({ err: (err as Error).message }, 'could not start');
        await daemon.stop().catch(() => undefined);
        throw new CliExit(1);
      }
      const sig = await stopped;
      logger.info({ signal: sig }, 'shutting down');
      await daemon.stop();
      process.off('SIGTERM', onSig);
      process.off('SIGINT', onSig);
    });

  program
    .command('hook')
    .description('PrologSlurmctld/EpilogSlurmctld hook: tell the daemon about a job (always exits 0)')
    .option('-c, --config <file>', 'JSON config file (for prepSockConnectPath)')
    .action(async (o: { config?: string }) => {
      const { runHook } = await import('./hook/client.js');
      await runHook(o.config ? { config: o.config, env: io.env } : { env: io.env });
    });

  program
    .command('convert')
    .description('print the events the publisher would publish for Slurm JSON files, one JSON object per line')
    .requiredOption('--cluster <name>', 'cluster name')
    .option('--squeue <file>', 'squeue --json output (- for stdin)')
    .option('--scontrol <file>', 'scontrol show job --json output')
    .option('--sacct <file>', 'sacct --json output')
    .option('-c, --config <file>', 'config file (gpuPciAddrs, ignoreHosts)')
    .action(async (o: { cluster: string; squeue?: string; scontrol?: string; sacct?: string; config?: string }) => {
      const cfg = o.config ? loadOrFail(o.config, io) : defaultConfig(io);
      const { assertClusterToken } = await import('@cc-slurm-bridge/shared');
      try {
        assertClusterToken(o.cluster);
      } catch (e) {
        io.err(`${(e as Error).message}\n`);
        throw new CliExit(2);
      }
      if (!o.squeue && !o.scontrol && !o.sacct) {
        io.err('convert: give at least one of --squeue, --scontrol, --sacct\n');
        throw new CliExit(2);
      }
      const { readSlurmJobs } = await import('./slurm/mod.js');
      const { convertFiles, formatConvertOutput } = await import('./convert.js');
      const inputs: { squeue?: string; scontrol?: string; sacct?: string } = {};
      for (const k of ['squeue', 'scontrol', 'sacct'] as const) {
        const path = o[k];
        if (!path) continue;
        const text = readInput(path, k, io);
        const r = readSlurmJobs(text, { cluster: o.cluster });
        if (!r.ok) {
          io.err(`convert: ${k} file ${path} is not a Slurm job list: ${r.error.message}\n`);
          throw new CliExit(1);
        }
        inputs[k] = text;
      }
      let result;
      try {
        result = convertFiles({
          cluster: o.cluster,
          ...inputs,
          gpuPciAddrs: cfg.gpuPciAddrs,
          ...(cfg.ignoreHosts ? { ignoreHosts: cfg.ignoreHosts } : {}),
          ...(cfg.source ? { source: cfg.source } : {}),
        });
      } catch (e) {
        io.err(`convert: ${(e as Error).message}\n`);
        throw new CliExit(1);
      }
      for (const w of result.warnings) io.err(`warning: ${w.jobId !== undefined ? `job ${w.jobId}: ` : ''}${w.field}: ${w.message}\n`);
      io.out(formatConvertOutput(result.events));
    });

  program
    .command('backfill')
    .description('publish a cluster\'s job history from sacct (safe to repeat: events are deduplicated by Nats-Msg-Id)')
    .requiredOption('--cluster <name>', 'cluster name')
    .requiredOption('--since <time>', 'start: epoch s, YYYY-MM-DD[THH:MM[:SS]] (UTC), now, or -7d/-12h')
    .option('--until <time>', 'end (default now)', 'now')
    .option('-c, --config <file>', 'JSON config file (NATS settings, slurmBinDir, …)')
    .action(async (o: { cluster: string; since: string; until: string; config?: string }) => {
      const cfg = o.config ? loadOrFail(o.config, io) : defaultConfig(io);
      let since: number;
      let until: number;
      try {
        since = parseTimeArg(o.since);
        until = parseTimeArg(o.until);
      } catch (e) {
        io.err(`${(e as Error).message}\n`);
        throw new CliExit(2);
      }
      const { runBackfill } = await import('./backfill.js');
      const logger = createLogger({ name: 'cc-slurm-publisher', level: cfg.logLevel === 'info' ? 'warn' : cfg.logLevel, secrets: configSecrets(cfg), destination: process.stderr });
      try {
        const r = await runBackfill({ config: cfg, cluster: o.cluster, since, until, logger, env: io.env, progress: (l) => io.err(`${l}\n`) });
        io.err(`backfill done: ${r.windows} windows, ${r.jobs} jobs, ${r.events} events (${r.acked - r.duplicates} new, ${r.duplicates} already in the stream)\n`);
      } catch (e) {
        io.err(`backfill failed: ${redactSecrets((e as Error).message, configSecrets(cfg))}\n`);
        throw new CliExit(1);
      }
    });

  program
    .command('check-config')
    .description('validate a config file and print the effective settings (exit 1 when invalid)')
    .requiredOption('-c, --config <file>', 'JSON config file')
    .action((o: { config: string }) => {
      const cfg = loadOrFail(o.config, io);
      const shown: Record<string, unknown> = { ...cfg };
      if (shown.natsPassword !== undefined) shown.natsPassword = '[REDACTED]';
      io.out(`config file ${o.config} is valid\n${JSON.stringify(shown, null, 2)}\n`);
    });

  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CliExit) return e.code;
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    io.err(`${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
