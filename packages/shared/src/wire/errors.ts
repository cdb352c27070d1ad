import { BridgeError } from '../errors.js';

export type WireErrorCode =
  | 'not_utf8'
  | 'malformed_json'
  | 'not_an_object'
  | 'unknown_event'
  | 'unsupported_version'
  | 'invalid_meta'
  | 'invalid_body'
  | 'malformed_line_protocol'
  | 'no_job_line'
  | 'multiple_events'
  | 'missing_function'
  | 'unknown_function';

/** One problem with a field, as data: where it is and what is wrong. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Why a message could not be decoded or an event not encoded. Never thrown by decoders: returned. */
export class WireError extends BridgeError<WireErrorCode> {
  readonly issues: readonly FieldIssue[];
  constructor(code: WireErrorCode, message: string, options?: { cause?: unknown; issues?: FieldIssue[] }) {
    super(code, message, options);
    this.issues = options?.issues ?? [];
  }
}
