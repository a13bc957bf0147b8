import { pairResults } from '../connectors/builtin/write/batch-groups.js';
import { partialResultsOf } from '../connectors/builtin/write/write-failure.js';
import type { WriteRecord } from '../connectors/sdk/write-record.js';
import { succeeded, type WriteResult } from '../connectors/sdk/write-result.js';
import { SinewError } from '../errors/sinew-error.js';
import type { RecordIdEntry, RecordIdScope, RecordIdWrite } from '../store/record-id-ops.js';
import type { Store } from '../store/store.js';
import type { RecordWriter } from './record-writer.js';

/** The lock of one external id in one map (text only: PostgreSQL keys cannot hold NUL). */
const lockKey = (scope: RecordIdScope, externalId: string): string =>
  ['record-id', scope.env_id, scope.tenant, scope.flow_id, scope.stream, externalId].map(encodeURIComponent).join('/');

type Known = Pick<RecordIdEntry, 'remote_id' | 'record_hash'>;

/**
 * A real-time write's external-id upsert, the in-process twin of a job's RecordIdResolution: the
 * locks of the records' external ids are held from the lookup to the map update, so concurrent
 * writes of one id (any process on the store) happen one after the other and the second updates
 * what the first created. An unchanged record is answered `existing` without a call; an id twice
 * in one request is written in rounds (the second sees the first's remote id).
 */
export async function upsertByExternalId(args: {
  store: Store;
  scope: RecordIdScope;
  writer: RecordWriter;
  records: WriteRecord[];
  /** The target upserts by external id itself: no remote id is added to records. */
  native: boolean;
  /** Recorded as the creating job of new map entries, and in their CustomData. */
  writeId: string;
}): Promise<WriteResult[]> {
  const { store, scope, writer, records } = args;
  const ids = [...new Set(records.map((r) => r.externalId).filter((id): id is string => id !== null))];
  return store.locks.withKeys(
    ids.map((id) => lockKey(scope, id)),
    async (lost) => {
      const known = new Map<string, Known>(await store.recordIds.lookup(scope, ids));
      const results = new Array<WriteResult>(records.length);
      // Each record with its position in `records`, where its result goes.
      let pending = [...records.entries()];
      while (pending.length > 0) {
        const round: typeof pending = [];
        const later: typeof pending = [];
        const inRound = new Set<string>();
        for (const item of pending) {
          const [i, record] = item;
          const { externalId, hash } = record;
          if (externalId !== null && inRound.has(externalId)) {
            later.push(item);
            continue;
          }
          if (externalId !== null) inRound.add(externalId);
          const entry = externalId === null ? undefined : known.get(externalId);
          if (entry && entry.record_hash === hash && !record.delete) {
            results[i] = succeeded(record, entry.remote_id, { existing: true });
            continue;
          }
          round.push(item);
        }
        const sent = round.map(([, record]) => {
          const entry = record.externalId === null ? undefined : known.get(record.externalId);
          return entry && !args.native && record.remoteId === null ? { ...record, remoteId: entry.remote_id } : record;
        });
        // The locks went with their database session: another write of these ids may run now, so
        // nothing more is sent (what earlier rounds wrote is in the map already).
        if (lost.aborted && sent.length > 0) {
          throw new SinewError(
            'UNAVAILABLE',
            'the database connection holding the locks of these records was lost; nothing more was written, try again',
            { stream: scope.stream },
          );
        }
        let outcome: WriteResult[];
        try {
          outcome = sent.length > 0 ? await writer.write(scope.stream, sent) : [];
        } catch (error) {
          // What was written before the write became impossible still goes into the map.
          await remember(store, scope, args.writeId, known, sent, partialResultsOf(error));
          throw error;
        }
        // `sent` has one record per round item, in order, and pairResults one result per sent record.
        const written = pairResults(sent, outcome);
        for (const [k, [i]] of round.entries()) results[i] = written[k]![1];
        await remember(store, scope, args.writeId, known, sent, outcome);
        pending = later;
      }
      return results;
    },
  );
}

/** Puts what the target reported into the map (and into `known`, for the next round). */
async function remember(
  store: Store,
  scope: RecordIdScope,
  writeId: string,
  known: Map<string, Known>,
  sent: WriteRecord[],
  outcome: readonly WriteResult[],
): Promise<void> {
  const hashes = new Map(sent.filter((r) => r.externalId !== null).map((r) => [r.externalId!, r.hash]));
  const saves: RecordIdWrite[] = [];
  const removes: string[] = [];
  for (const result of outcome) {
    if (!result.success || result.externalId === null) continue;
    if (result.deleted) {
      removes.push(result.externalId);
      known.delete(result.externalId);
      continue;
    }
    if (result.id === null) continue;
    const hash = hashes.get(result.externalId) ?? result.hash;
    saves.push({ input_id: result.externalId, remote_id: result.id, record_hash: hash, job_id: writeId, custom_data: { job_id: writeId } });
    known.set(result.externalId, { remote_id: result.id, record_hash: hash });
  }
  if (saves.length > 0) await store.recordIds.upsertMany(scope, saves);
  if (removes.length > 0) await store.recordIds.deleteMany(scope, removes);
}
