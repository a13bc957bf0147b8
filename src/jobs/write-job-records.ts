import { invalid } from '../errors/sinew-error.js';

/**
 * Checks a write job's records before the job exists: `state` is `{ "<Stream>": [ {record}, … ] }`
 * (`bookmarks` is real Singer state and passes). A stream whose value is not an array would be
 * skipped by the api source, so the job would complete having written nothing of it; a non-object
 * record would fail the job later, in SYNC. Both are a 400 naming the stream (and the record).
 */
export function checkWriteJobRecords(state: Record<string, unknown>): void {
  for (const [stream, value] of Object.entries(state)) {
    if (stream === 'bookmarks') continue;
    if (!Array.isArray(value)) {
      throw invalid(`state.${stream} must be an array of records (JSON objects), got ${value === null ? 'null' : typeof value}`, {
        stream,
        field: `state.${stream}`,
      });
    }
    const index = value.findIndex((r) => r === null || typeof r !== 'object' || Array.isArray(r));
    if (index >= 0) {
      throw invalid(`state.${stream}[${index}] must be a record (a JSON object), got ${JSON.stringify(value[index])?.slice(0, 50)}`, {
        stream,
        index,
        field: `state.${stream}[${index}]`,
      });
    }
  }
}
