/**
 * The record-id map over the job process's IPC channel. A job process never opens the store: it
 * asks its worker, which answers lookups and applies saves in the order they were sent (so a
 * lookup sees every save sent before it).
 */
export interface RecordIdSave {
  input_id: string;
  remote_id: string;
  record_hash: string | null;
}

export type RecordIdRequest =
  | { t: 'recordIds'; op: 'lookup'; req: number; stream: string; ids: string[] }
  | { t: 'recordIds'; op: 'save'; req: number; stream: string; entries: RecordIdSave[] }
  | { t: 'recordIds'; op: 'remove'; req: number; stream: string; ids: string[] };

/** The answer to one request: `found` for lookups as [input id, remote id, record hash]. */
export interface RecordIdReply {
  t: 'recordIds';
  req: number;
  found?: Array<[string, string, string | null]>;
  error?: string;
}
