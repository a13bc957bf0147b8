import { invalid } from '../../errors/sinew-error.js';
import type { Catalog, CatalogStream } from '../../model/catalog.js';
import type { JsonSchema } from '../../model/json-schema.js';
import type { SourceContext } from '../sdk/connector.js';
import { catalogStream, type DiscoveredStream } from './catalog-building.js';
import type { FileDirectory } from './directory-config.js';
import { syncRecordStream } from './record-stream-sync.js';
import { listStreamFiles, type StreamFile } from './stream-files.js';
import { planStream } from './stream-plan.js';

/** What differs between the one-file-per-stream sources (csv, jsonl): how a file is read. */
export interface FileFormat {
  connectorId: string;
  /** With the dot, lower case: `.csv`. */
  extension: string;
  discoverStream(file: StreamFile): Promise<DiscoveredStream>;
  /** Typed records of the file, read as a stream (never the whole file in memory). */
  readRecords(file: string, schema: JsonSchema): AsyncIterable<Record<string, unknown>>;
}

/** A listed file, checked (a confined directory's symlinks may not lead out) right before it is opened. */
async function checked(directory: FileDirectory, file: StreamFile): Promise<StreamFile> {
  return { stream: file.stream, file: await directory.checkedFile(file.file) };
}

export async function discoverFiles(format: FileFormat, directory: FileDirectory): Promise<Catalog> {
  const streams: CatalogStream[] = [];
  for (const file of await listStreamFiles(directory.path, format.extension)) {
    streams.push(catalogStream(await format.discoverStream(await checked(directory, file))));
  }
  return { streams };
}

/** The catalog streams to sync, each with its file: all files when there is no catalog. */
async function streamsToSync(
  format: FileFormat,
  directory: FileDirectory,
  catalog: Catalog | null,
): Promise<Array<{ entry: CatalogStream; file: string }>> {
  const files = await listStreamFiles(directory.path, format.extension);
  if (catalog === null) {
    const out = [];
    for (const file of files)
      out.push({ entry: catalogStream(await format.discoverStream(await checked(directory, file))), file: file.file });
    return out;
  }
  return catalog.streams.map((entry) => {
    const file = files.find((f) => f.stream === entry.tap_stream_id || f.stream === entry.stream);
    return { entry, file: file?.file ?? '' };
  });
}

export async function syncFiles(format: FileFormat, directory: FileDirectory, ctx: SourceContext): Promise<void> {
  let state = ctx.state;
  for (const { entry, file } of await streamsToSync(format, directory, ctx.catalog)) {
    const plan = planStream(entry, state);
    if (plan === null) continue;
    if (file === '') {
      throw invalid(`${format.connectorId}: stream "${plan.stream}" is selected but ${directory.path} has no such file`, {
        stream: plan.stream,
      });
    }
    const opened = await directory.checkedFile(file);
    ({ state } = await syncRecordStream(ctx, plan, format.readRecords(opened, plan.sourceSchema), state));
  }
}
