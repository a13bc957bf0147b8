import { conventionalKeys, type DiscoveredStream } from '../catalog-building.js';
import { SchemaInferrer } from '../schema-inference.js';
import type { StreamFile } from '../stream-files.js';
import { naturalRow } from './csv-cell-parsing.js';
import { readCsvRows } from './csv-rows.js';

/** Rows read to infer a CSV stream's types; the rest of the file is not opened at discovery. */
export const CSV_SAMPLE_ROWS = 1000;

export async function discoverCsvStream(file: StreamFile, delimiter: string): Promise<DiscoveredStream> {
  const inferrer = new SchemaInferrer({ textual: true });
  let sampled = 0;
  for await (const row of readCsvRows(file.file, delimiter, (header) => inferrer.declare(header))) {
    inferrer.observe(naturalRow(row));
    if (++sampled >= CSV_SAMPLE_ROWS) break;
  }
  const schema = inferrer.schema();
  return { stream: file.stream, schema, ...conventionalKeys(schema) };
}
