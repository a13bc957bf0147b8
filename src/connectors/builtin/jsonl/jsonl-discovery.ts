import { conventionalKeys, type DiscoveredStream } from '../catalog-building.js';
import { SchemaInferrer } from '../schema-inference.js';
import type { StreamFile } from '../stream-files.js';
import { readJsonlRecords } from './jsonl-records.js';

/** Lines read to infer a JSON Lines stream's schema. */
export const JSONL_SAMPLE_LINES = 1000;

export async function discoverJsonlStream(file: StreamFile): Promise<DiscoveredStream> {
  const inferrer = new SchemaInferrer();
  let sampled = 0;
  for await (const record of readJsonlRecords(file.file)) {
    inferrer.observe(record);
    if (++sampled >= JSONL_SAMPLE_LINES) break;
  }
  const schema = inferrer.schema();
  return { stream: file.stream, schema, ...conventionalKeys(schema) };
}
