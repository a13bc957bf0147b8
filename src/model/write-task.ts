/** What a real-time write (`POST …/connectors/{connector_id}/{stream}`) answers, and an async task holds once done. */
export interface RealtimeWriteState {
  bookmarks: Record<string, readonly unknown[]>;
  summary: Record<string, { success: number; fail: number; existing: number; updated: number }>;
}

export type WriteTaskStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

/**
 * An asynchronous real-time write (`async: true`), polled at `…/connectors/status?taskId=`. Its
 * records stay in the task until it has run; `lease_until` is renewed while a process works on
 * it, so a task whose process died reads as failed instead of running for ever.
 */
export interface WriteTask {
  task_id: string;
  env_id: string;
  flow_id: string;
  tenant: string;
  connector_id: string;
  stream: string;
  status: WriteTaskStatus;
  created_at: string;
  updated_at: string;
  /** epoch ms; null once the task has ended. */
  lease_until: number | null;
  /** The records to write; dropped when the task ends. */
  records: Array<Record<string, unknown>> | null;
  state: RealtimeWriteState | null;
  error: { code: string; message: string } | null;
}
