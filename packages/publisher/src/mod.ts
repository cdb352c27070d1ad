/**
 * @cc-slurm-bridge/publisher — the daemon and its parts, for embedding and tests.
 */
export { publisherConfigSchema, publisherConfigShape, loadPublisherConfig, parsePublisherConfig, configSecrets, PUBLISHER_SECRET_KEYS, type PublisherConfig } from './config.js';
export { PublisherDaemon, type DaemonOptions } from './daemon.js';
export { Outbox, fsyncDir, type OutboxEntry, type OutboxOptions, type EventKind } from './outbox/outbox.js';
export { encodeFrame, encodeFrames, readFrames, type FrameScan } from './outbox/framing.js';
export { OutboxPublisher, type OutboxPublisherOptions } from './publish/publisher.js';
export { publishPipelined, type PipelineMessage, type PipelineResult } from './publish/pipeline.js';
export { StateFile, emptyState, type DaemonState } from './state/state.js';
export { SlurmRunner, SlurmCommandError, slurmTime, SACCT_ALL_STATES, type SlurmCommand, type SlurmResult } from './query/run-slurm.js';
export { SlurmSource, type ScontrolJson } from './query/slurm-source.js';
export { collectNew, ingestJobs, INGEST_CHUNK, toEntry, parseJobs, isEnded, hasStarted, FINAL_STATES, type EventContext, type Collected, type Ingested } from './events.js';
export { createMetrics, type PublisherMetrics } from './metrics.js';
export { startHttpServer, type HttpServer } from './http.js';
export { startHookServer, type HookServer } from './hook/server.js';
export { sendHookMessage, runHook, hookConnectPath, HOOK_CONNECT_TIMEOUT_MS, HOOK_OVERALL_TIMEOUT_MS, type HookOutcome } from './hook/client.js';
export { hookMessageFromEnv, parseHookMessage, type HookMessage } from './hook/message.js';
export { parseSockAddress, formatSockAddress, DEFAULT_PREP_SOCK, PREP_SOCK_ENV, type SockAddress } from './hook/address.js';
export { runBackfill, type BackfillOptions, type BackfillResult } from './backfill.js';
export { parseTimeArg } from './timearg.js';
export { main as cliMain } from './cli-main.js';
export { readSlurmJobs, type SlurmJob } from './slurm/mod.js';
export { jobEvents, type ValidatedEvent } from './mapping/mod.js';
export { convertFiles, formatConvertOutput } from './convert.js';
