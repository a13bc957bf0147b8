import { createHash } from 'node:crypto';
import { stringifyJson } from '../../singer/lossless-json.js';

/** Fields Sinew adds to a record for the target; never written to the remote system. */
const SINEW_FIELD_PREFIX = '__sinew_';

/** One record of a write, as a target acts on it. */
export interface WriteRecord {
  stream: string;
  /** The record without its `__sinew_*` fields: what gets written (and hashed). */
  record: Record<string, unknown>;
  /** sha256 hex of `record` serialized as received (numbers byte for byte). */
  hash: string;
  /** The owner's id of the record (`externalId`), as text. */
  externalId: string | null;
  /** The id in the target system, when Sinew's record-id map knows it (`__sinew_remote_id`). */
  remoteId: string | null;
  /** `__sinew_delete: true`: remove the remote record `remoteId` (rollback). */
  delete: boolean;
}

/** An id as text (`externalId`, `__sinew_remote_id`): numbers as written, objects as JSON; null when absent or empty. */
export function recordIdText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'object' ? stringifyJson(value) : String(value);
}

/** Reads Sinew's write fields off a RECORD's record and strips them. */
export function toWriteRecord(stream: string, raw: Record<string, unknown>): WriteRecord {
  let record = raw;
  for (const key of Object.keys(raw)) {
    if (key.startsWith(SINEW_FIELD_PREFIX)) {
      record = {};
      for (const [k, v] of Object.entries(raw)) if (!k.startsWith(SINEW_FIELD_PREFIX)) record[k] = v;
      break;
    }
  }
  return {
    stream,
    record,
    hash: createHash('sha256').update(stringifyJson(record)).digest('hex'),
    externalId: recordIdText(raw.externalId),
    remoteId: recordIdText(raw.__sinew_remote_id),
    delete: raw.__sinew_delete === true,
  };
}

/** The record without `externalId`, for systems where it is not a field of the object. */
export function fieldsWithoutExternalId(record: Record<string, unknown>): Record<string, unknown> {
  if (!('externalId' in record)) return record;
  const { externalId: _externalId, ...fields } = record;
  return fields;
}
