import { invalid } from '../../../errors/sinew-error.js';
import type { SourceConnector, SourceContext } from '../../sdk/connector.js';
import { catalogStream } from '../catalog-building.js';
import { findCatalogStream } from '../catalog-reading.js';
import { syncRecordStream } from '../record-stream-sync.js';
import { SchemaInferrer } from '../schema-inference.js';
import { planStream } from '../stream-plan.js';
import { apiKeyProperties } from './api-key-properties.js';

function recordsOf(stream: string, values: unknown[]): Array<Record<string, unknown>> {
  values.forEach((value, index) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw invalid(`api: state.${stream}[${index}] must be a JSON object (a record)`, { stream, index });
    }
  });
  return values as Array<Record<string, unknown>>;
}

async function* each<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

async function syncStream(ctx: SourceContext, stream: string, records: Array<Record<string, unknown>>): Promise<void> {
  const inferrer = new SchemaInferrer();
  for (const record of records) inferrer.observe(record);
  const discovered = catalogStream({ stream, schema: inferrer.schema(), keyProperties: apiKeyProperties(records) });
  // A catalog entry for the stream may deselect it or some of its fields; types and keys come
  // from the records themselves.
  const chosen = ctx.catalog ? findCatalogStream(ctx.catalog, stream) : undefined;
  const plan = planStream(chosen ? { ...discovered, metadata: chosen.metadata ?? [] } : discovered, {});
  if (plan === null) return;
  // Write-job records are not replicated incrementally: whatever the metadata, no bookmarks.
  const { replicationKey: _key, bookmark: _bookmark, ...fullTable } = plan;
  await syncRecordStream(ctx, fullTable, each(records), {});
}

/**
 * `api`: the records of a write job, handed in as the job's `state`:
 * `{ "<Stream>": [ {record}, … ] }`. Keys whose value is not an array (e.g. `bookmarks`) are
 * real Singer state and are ignored.
 */
export const apiSource: SourceConnector = {
  async discover() {
    return { streams: [] };
  },
  async sync(ctx) {
    for (const [stream, value] of Object.entries(ctx.state)) {
      if (Array.isArray(value)) await syncStream(ctx, stream, recordsOf(stream, value));
    }
  },
};
