/** Commands of cc-slurm-forwarder: run | status | dlq list|replay|purge | check-config. */
import { hostname } from 'node:os';
import { Command, CommanderError } from 'commander';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats, createLogger, type Logger, CliExit, defaultCliIo, type CliIo } from '@cc-slurm-bridge/shared';
import { configSecrets, loadForwarderConfig, redactedConfig, type ForwarderConfig } from './config.js';
import { errText } from './consume.js';
import {
  deleteDeadLetter,
  dlqClients,
  hasFilter,
  listDeadLetters,
  replayDeadLetter,
  type DeadLetter,
  type DeadLetterFilter,
} from './dlq.js';
import { collectStatus, formatStatus } from './status.js';

export type { CliIo };

function loadOrFail(path: string, io: CliIo): ForwarderConfig {
  const r = loadForwarderConfig(path, io.env);
  if (!r.ok) {
    io.err(`${r.error.message}\n`);
    throw new CliExit(1);
  }
  return r.value;
}

/** A quiet logger for one-shot commands (warnings to stderr as JSON). */
function cliLogger(cfg: ForwarderConfig): Logger {
  return createLogger({
    name: 'cc-slurm-forwarder',
    level: 'warn',
    secrets: configSecrets(cfg),
    destination: { write: (s: string) => void process.stderr.write(s) },
  });
}

async function withNats<T>(cfg: ForwarderConfig, fn: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connectNats(cfg, { name: `cc-slurm-forwarder-cli@${hostname()}`, logger: cliLogger(cfg), failFast: true });
  try {
    return await fn(nc);
  } finally {
    await nc.close().catch(() => undefined);
  }
}

interface FilterOpts {
  cluster?: string;
  jobId?: string;
  reason?: string;
  event?: string;
  seq?: string;
}

function toFilter(o: FilterOpts): DeadLetterFilter {
  return {
    cluster: o.cluster,
    jobId: o.jobId,
    reason: o.reason,
    event: o.event,
    seq: o.seq !== undefined ? Number(o.seq) : undefined,
  };
}

function withFilterOptions(c: Command): Command {
  return c
    .requiredOption('-c, --config <file>', 'JSON config file')
    .option('--cluster <name>', 'only dead letters of this cluster')
    .option('--job-id <id>', 'only dead letters of this job id')
    .option('--reason <reason>', 'only this reason (bad_request, invalid_message, stop_not_found_timeout, max_deliveries, …)')
    .option('--event <event>', 'only start_job or stop_job')
    .option('--seq <n>', 'only the dead letter with this DLQ sequence');
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function formatDeadLetters(list: DeadLetter[]): string {
  if (list.length === 0) return 'no dead letters\n';
  const head = ['SEQ', 'DEAD-LETTERED', 'REASON', 'STATUS', 'EVENT', 'CLUSTER', 'JOB', 'START', 'DELIV', 'DETAIL'];
  const rows = list.map((d) => [
    String(d.seq),
    d.time.replace(/\.\d+Z$/, 'Z'),
    d.reason,
    d.status === undefined ? '-' : String(d.status),
    d.event ?? '-',
    d.cluster ?? '-',
    d.jobId ?? '-',
    d.startTime ?? '-',
    d.deliveries === undefined ? '-' : String(d.deliveries),
    clip((d.response ? `${d.detail} | ${d.response.trim()}` : d.detail).replace(/\s+/g, ' '), 100),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return `${[line(head), ...rows.map(line)].join('\n')}\n${list.length} dead letter(s)\n`;
}

function deadLetterJson(d: DeadLetter): Record<string, unknown> {
  const { data: _data, ...rest } = d;
  return rest;
}

export async function main(argv: string[], io: CliIo = defaultCliIo): Promise<number> {
  const program = new Command('cc-slurm-forwarder')
    .description('JetStream job events into cc-backend, with guaranteed delivery (cc-slurm-bridge)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command('run')
    .description('run the forwarder daemon')
    .requiredOption('-c, --config <file>', 'JSON config file')
    .action(async (o: { config: string }) => {
      const cfg = loadOrFail(o.config, io);
      const { startForwarder } = await import('./daemon.js');
      const logger = createLogger({ name: 'cc-slurm-forwarder', level: cfg.logLevel, secrets: configSecrets(cfg) });
      let stopSignal: (sig: string) => void = () => undefined;
      const stopped = new Promise<string>((resolve) => (stopSignal = resolve));
      const onSig = (sig: NodeJS.Signals): void => stopSignal(sig);
      process.on('SIGTERM', onSig);
      process.on('SIGINT', onSig);
      let handle;
      try {
        handle = await Promise.race([startForwarder(cfg, { logger }), stopped.then(() => undefined)]);
      } catch (e) {
        logger.fatal({ err: errText(e) }, 'could not start');
        throw new CliExit(1);
      }
      if (!handle) {
        logger.info('stopped before start-up completed');
        throw new CliExit(0);
      }
      const sig = await stopped;
      logger.info({ signal: sig }, 'signal received; shutting down');
      // A second signal skips the graceful part.
      const force = (): void => {
        logger.warn('second signal: exiting now');
        process.exit(130);
      };
      process.once('SIGTERM', force);
      process.once('SIGINT', force);
      await handle.stop();
    });

  program
    .command('status')
    .description('show stream, consumer and dead-letter state (and the daemon\'s, when httpListen is set)')
    .requiredOption('-c, --config <file>', 'JSON config file')
    .option('--json', 'machine-readable JSON')
    .action(async (o: { config: string; json?: boolean }) => {
      const cfg = loadOrFail(o.config, io);
      const report = await withNats(cfg, (nc) => collectStatus(cfg, nc));
      io.out(o.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatStatus(report)}\n`);
      if (report.stream.error || report.consumer.error) throw new CliExit(1);
    });

  const dlq = program.command('dlq').description('inspect, replay or purge dead letters');

  withFilterOptions(dlq.command('list').description('list dead letters (oldest first)'))
    .option('--json', 'one JSON object per line, with headers and payload')
    .action(async (o: FilterOpts & { config: string; json?: boolean }) => {
      const cfg = loadOrFail(o.config, io);
      const list = await withNats(cfg, async (nc) => listDeadLetters((await dlqClients(nc)).jsm, cfg, toFilter(o)));
      if (o.json) for (const d of list) io.out(`${JSON.stringify(deadLetterJson(d))}\n`);
      else io.out(formatDeadLetters(list));
    });

  withFilterOptions(dlq.command('replay').description('re-publish matching dead letters to the event stream, then remove them'))
    .option('--all', 'replay every dead letter (required when no filter is given)')
    .option('--dry-run', 'show what would be replayed')
    .action(async (o: FilterOpts & { config: string; all?: boolean; dryRun?: boolean }) => {
      const cfg = loadOrFail(o.config, io);
      const filter = toFilter(o);
      if (!hasFilter(filter) && !o.all) {
        io.err('refusing to replay every dead letter without --all (or give --cluster, --job-id, --reason, --event or --seq)\n');
        throw new CliExit(2);
      }
      const n = await withNats(cfg, async (nc) => {
        const { js, jsm } = await dlqClients(nc);
        const list = await listDeadLetters(jsm, cfg, filter);
        let done = 0;
        for (const d of list) {
          if (o.dryRun) {
            io.out(`would replay dlq seq ${d.seq} → ${d.originalSubject} (${d.reason})\n`);
            continue;
          }
          const r = await replayDeadLetter(js, jsm, cfg, d);
          io.out(`replayed dlq seq ${d.seq} → ${r.subject} seq ${r.seq} (msg id ${r.msgId})\n`);
          done++;
        }
        return o.dryRun ? list.length : done;
      });
      io.out(`${n} dead letter(s) ${o.dryRun ? 'would be ' : ''}replayed\n`);
    });

  withFilterOptions(dlq.command('purge').description('delete matching dead letters'))
    .option('--all', 'delete every dead letter (required when no filter is given)')
    .option('--dry-run', 'show what would be deleted')
    .action(async (o: FilterOpts & { config: string; all?: boolean; dryRun?: boolean }) => {
      const cfg = loadOrFail(o.config, io);
      const filter = toFilter(o);
      if (!hasFilter(filter) && !o.all) {
        io.err('refusing to purge every dead letter without --all (or give --cluster, --job-id, --reason, --event or --seq)\n');
        throw new CliExit(2);
      }
      const n = await withNats(cfg, async (nc) => {
        const { jsm } = await dlqClients(nc);
        const list = await listDeadLetters(jsm, cfg, filter);
        for (const d of list) {
          if (o.dryRun) io.out(`would delete dlq seq ${d.seq} (${d.reason} ${d.event ?? ''} ${d.cluster ?? ''}/${d.jobId ?? ''})\n`);
          else await deleteDeadLetter(jsm, cfg, d.seq);
        }
        return list.length;
      });
      io.out(`${n} dead letter(s) ${o.dryRun ? 'would be ' : ''}deleted\n`);
    });

  program
    .command('check-config')
    .description('validate a config file (exit 0 when valid, 1 with the errors)')
    .requiredOption('-c, --config <file>', 'JSON config file')
    .option('--print', 'print the effective config (secrets redacted)')
    .action((o: { config: string; print?: boolean }) => {
      const cfg = loadOrFail(o.config, io);
      if (o.print) io.out(`${JSON.stringify(redactedConfig(cfg), null, 2)}\n`);
      io.out(`config file ${o.config} is valid\n`);
    });

  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CliExit) return e.code;
    if (e instanceof CommanderError) return e.exitCode;
    io.err(`error: ${errText(e)}\n`);
    return 1;
  }
}
