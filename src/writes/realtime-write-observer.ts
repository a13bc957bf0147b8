import type { RealtimeWriteState } from '../model/write-task.js';

/** How a real-time write ended, as the metrics count it: no tenant, flow or id (bounded labels). */
export interface EndedRealtimeWrite {
  env_id: string;
  mode: 'sync' | 'async';
  outcome: 'completed' | 'failed';
  /** Per-record sums over the write's streams (0 when it failed as a whole). */
  success: number;
  fail: number;
}

/** Hears every real-time write that ends in this process (implemented by the metrics module). */
export interface RealtimeWriteObserver {
  countWrite(write: EndedRealtimeWrite): void;
}

export function recordSums(state: RealtimeWriteState | null): { success: number; fail: number } {
  let success = 0;
  let fail = 0;
  for (const sums of Object.values(state?.summary ?? {})) {
    success += sums.success;
    fail += sums.fail;
  }
  return { success, fail };
}
