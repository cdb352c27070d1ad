/**
 * @cc-slurm-bridge/forwarder — durable JetStream consumer → cc-backend REST with guaranteed
 * delivery. Programmatic API: `startForwarder(config, { logger })` → handle with `stop()`.
 */
export { startForwarder, type ForwarderHandle, type StartForwarderOptions, type ForwarderStatusSnapshot, type ConsumerSnapshot } from './daemon.js';
export {
  forwarderConfigSchema,
  forwarderConfigShape,
  loadForwarderConfig,
  parseForwarderConfig,
  configSecrets,
  redactedConfig,
  FORWARDER_SECRET_KEYS,
  type ForwarderConfig,
  type ForwarderConfigInput,
  type ForwarderFileConfig,
} from './config.js';
export { classify, isFinal, RULES, ENDPOINT_MISSING_TEXT, STOP_NOT_FOUND_TEXT, type Action, type PauseCause, type PostResult, type Rule } from './classify.js';
export { ForwardingEngine, type EngineStatus, type LastError } from './consume.js';
export { Lanes, ParkedStops, jobKey } from './order.js';
export { createPostClient, endpointPath, type PostClient, type PostClientOptions } from './post.js';
export {
  DLQ_HEADER,
  MAX_RESPONSE_BYTES,
  buildDeadLetter,
  publishDeadLetter,
  listDeadLetters,
  replayDeadLetter,
  deleteDeadLetter,
  deadLetterCount,
  type DeadLetter,
  type DeadLetterFilter,
  type DeadLetterInfo,
} from './dlq.js';
export { ForwarderMetrics, type Outcome } from './metrics.js';
export { collectStatus, formatStatus, type StatusReport } from './status.js';
export { backoffDelay, type BackoffPolicy } from './backoff.js';
export { main as cliMain } from './cli-main.js';
