/**
 * @cc-slurm-bridge/shared — the public surface: cc-backend payload schemas, wire format v1,
 * NATS settings and stream setup, configuration loading and a secret-redacting logger.
 */
export { BridgeError, ok, err, type Result } from './errors.js';

// cc-backend payloads (CONTRACT §1, §2, §8)
export { JOB_STATES, FINAL_JOB_STATES, jobStateSchema, finalJobStateSchema, isJobState, type JobState, type FinalJobState } from './cc-backend/job-state.js';
export { resourceSchema, sharedSchema, SHARED_VALUES, startJobBodySchema, type Resource, type Shared, type StartJobBody } from './cc-backend/start-job.js';
export { stopJobBodySchema, type StopJobBody } from './cc-backend/stop-job.js';

// wire format v1 (DESIGN §2)
export { HEADER, CONTENT_TYPE, EVENT_TYPES, WIRE_VERSION, type EventType } from './wire/headers.js';
export { startJobEvent, stopJobEvent, eventKey, ENVELOPE_KEYS, eventMetaReadSchema, eventMetaWriteSchema, type JobEvent, type StartJobEvent, type StopJobEvent, type EventMeta } from './wire/envelope.js';
export { WireError, type WireErrorCode, type FieldIssue } from './wire/errors.js';
export { encodeJson, decodeJson, decodeBody, validateEvent, type ValidatedEvent } from './wire/json-codec.js';
export { encodeLineProtocol, decodeLineProtocol, parseLineProtocol, escapeStringField, escapeTag, type ParsedLine } from './wire/line-protocol.js';
export { eventSubject, eventMsgId, assertClusterToken, assertSubjectPrefix, isValidSubjectToken, SubjectError } from './wire/subject.js';
export { encodeEventMessage, decodeEventMessage, type EventMessage, type MessageFormat } from './wire/message.js';

// configuration and logging
export { parseConfig, loadConfigFile, readSecretFile, envVarFor, ConfigError, type ConfigErrorCode, type ParseConfigOptions } from './config/load.js';
export { nearestKey } from './config/suggest.js';
export { createLogger, silentLogger, redactSecrets, type Logger, type CreateLoggerOptions } from './log.js';

// NATS settings, connection and stream/consumer setup (DESIGN §4)
export * from './nats/mod.js';

// CLI plumbing shared by the publisher and forwarder commands
export { defaultCliIo, CliExit, type CliIo } from './cli.js';
