import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { stringifyJson } from '../../singer/lossless-json.js';
import { recordIdSnapshotFile, snapshotPrefix } from '../../snapshots/snapshot-name.js';
import type { BlobStorage } from '../../storage/blob-storage.js';
import type { RecordIdScope } from '../../store/record-id-ops.js';
import type { Store } from '../../store/store.js';

const PAGE = 5000;

async function* rows(store: Store, scope: RecordIdScope): AsyncGenerator<[string, string, string]> {
  let after: string | undefined;
  for (;;) {
    const page = await store.recordIds.list(scope, PAGE, after);
    for (const entry of page) yield [entry.input_id, entry.remote_id, stringifyJson(entry.custom_data)];
    const last = page.at(-1);
    if (page.length < PAGE || !last) return;
    after = last.input_id;
  }
}

/**
 * *Save record ids in snapshots*: each stream's record-id map, whole, as
 * `{tenant}/snapshots/{Stream}_{flow_id}.snapshot.csv` (InputId, RemoteId, CustomData), read
 * page by page from the store and streamed to storage (one atomic put per file), so a map of
 * millions of ids never sits in memory.
 */
export async function saveRecordIdSnapshots(
  store: Store,
  storage: BlobStorage,
  base: Omit<RecordIdScope, 'stream'>,
  streams: Iterable<string>,
): Promise<string[]> {
  const written: string[] = [];
  for (const stream of streams) {
    const file = recordIdSnapshotFile(stream, base.flow_id);
    const csv = stringify({ header: true, columns: ['InputId', 'RemoteId', 'CustomData'] });
    const source = Readable.from(rows(store, { ...base, stream }));
    // pipe() does not pass errors on: a failing store read must fail the upload, not stall it.
    source.on('error', (e) => csv.destroy(e));
    const body = source.pipe(csv);
    await storage.putStream(`${snapshotPrefix(base.tenant)}${file}`, body);
    written.push(file);
  }
  return written;
}
