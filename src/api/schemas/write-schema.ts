import { writeResultSchema, writeSummarySchema } from './job-schema.js';
import { dateTime, text } from './schema-parts.js';

/** Results of a real-time write: per-record results under `bookmarks`, sums under `summary`, per stream. */
const writeState = {
  type: 'object',
  additionalProperties: false,
  required: ['bookmarks', 'summary'],
  properties: {
    bookmarks: { type: 'object', additionalProperties: { type: 'array', items: writeResultSchema } },
    summary: writeSummarySchema,
  },
} as const;

/** `POST …/connectors/{connector_id}/{stream}`: the results (`async: false`) or the task to poll (`async: true`). */
export const realtimeWriteAnswerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['async', 'jobId'],
  properties: {
    async: { type: 'boolean' },
    jobId: text,
    state: { ...writeState, description: 'async false: the results' },
    taskId: { type: 'string', description: 'async true: poll it at …/connectors/status?taskId=' },
    status: { type: 'string', enum: ['QUEUED'], description: 'async true' },
  },
} as const;

/** `GET …/connectors/status?taskId=` */
export const writeTaskStatusSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['taskId', 'jobId', 'status', 'stream', 'connector_id', 'created_at', 'updated_at', 'state', 'error'],
  properties: {
    taskId: text,
    jobId: text,
    status: { type: 'string', enum: ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'] },
    stream: text,
    connector_id: text,
    created_at: dateTime,
    updated_at: dateTime,
    state: { anyOf: [writeState, { type: 'null' }] },
    error: {
      anyOf: [
        { type: 'object', additionalProperties: false, required: ['code', 'message'], properties: { code: text, message: text } },
        { type: 'null' },
      ],
    },
  },
} as const;
