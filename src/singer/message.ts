import type { JsonSchema } from '../model/json-schema.js';

/** The Singer message types Sinew understands; any other `type` is passed through untouched. */
export interface SchemaMessage {
  type: 'SCHEMA';
  stream: string;
  schema: JsonSchema;
  key_properties?: string[];
  bookmark_properties?: string[];
}
export interface RecordMessage {
  type: 'RECORD';
  stream: string;
  record: Record<string, unknown>;
  version?: number;
  time_extracted?: string;
}
export interface StateMessage {
  type: 'STATE';
  value: Record<string, unknown>;
}
export interface ActivateVersionMessage {
  type: 'ACTIVATE_VERSION';
  stream: string;
  version: number;
}
export interface BatchMessage {
  type: 'BATCH';
  stream: string;
  encoding: { format: string; compression?: string | null };
  manifest: string[];
}
export interface OtherMessage {
  type: string;
  [key: string]: unknown;
}

export type SingerMessage = SchemaMessage | RecordMessage | StateMessage | ActivateVersionMessage | BatchMessage;
