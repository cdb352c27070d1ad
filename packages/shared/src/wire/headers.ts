/** NATS header names of wire format v1 (DESIGN §2). */
export const HEADER = {
  msgId: 'Nats-Msg-Id',
  event: 'Cc-Event',
  cluster: 'Cc-Cluster',
  jobId: 'Cc-Job-Id',
  startTime: 'Cc-Start-Time',
  contentType: 'Content-Type',
} as const;

export const CONTENT_TYPE = {
  json: 'application/json',
  lineProtocol: 'text/plain; format=influx',
} as const;

export const EVENT_TYPES = ['start_job', 'stop_job'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const WIRE_VERSION = 1 as const;
