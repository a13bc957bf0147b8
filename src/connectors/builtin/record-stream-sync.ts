import { parseJson } from '../../singer/lossless-json.js';
import type { SourceContext } from '../sdk/connector.js';
import { BookmarkTracker, withBookmark } from './bookmarks.js';
import type { StreamPlan } from './stream-plan.js';

/** How many emitted records between two STATE messages of a bookmarked stream. */
export const STATE_EVERY = 10_000;

/**
 * A record a source already printed as JSON (only the fields the plan selects), with its
 * replication key's value beside it for the bookmark: written as it is, never parsed again.
 */
export class EncodedRecord {
  constructor(
    readonly json: string,
    readonly replicationValue: unknown,
  ) {}
}

function project(record: Record<string, unknown>, fields: ReadonlySet<string> | null): Record<string, unknown> {
  if (fields === null) return record;
  const projected: Record<string, unknown> = {};
  for (const name of Object.keys(record)) if (fields.has(name)) projected[name] = record[name];
  return projected;
}

/**
 * Emits one stream: SCHEMA, then its (new, projected) RECORDs with back-pressure, and for a
 * bookmarked stream STATE messages every STATE_EVERY records and at the end. Returns the state
 * with this stream's new bookmark, so the next stream's STATE keeps it. Records may come a batch
 * at a time (arrays of EncodedRecord); a batch's lines go to the sink in one write.
 */
export async function syncRecordStream(
  ctx: SourceContext,
  plan: StreamPlan,
  records: AsyncIterable<Record<string, unknown> | EncodedRecord | EncodedRecord[]>,
  state: Record<string, unknown>,
): Promise<{ state: Record<string, unknown>; count: number }> {
  const { stream, replicationKey } = plan;
  await ctx.out.write({
    type: 'SCHEMA',
    stream,
    schema: plan.schema,
    key_properties: plan.keyProperties,
    ...(replicationKey ? { bookmark_properties: [replicationKey] } : {}),
  });
  const tracker = replicationKey ? new BookmarkTracker(plan.bookmark) : null;
  let count = 0;
  const prefix = `{"type":"RECORD","stream":${JSON.stringify(stream)},"record":`;
  // Encoded records' lines not yet written: they go out at the end of their batch, or before a STATE.
  let lines = '';
  const writeLines = async (): Promise<void> => {
    if (lines === '') return;
    const text = lines;
    lines = '';
    await ctx.out.writeRaw!(Buffer.from(text));
  };
  for await (const item of records) {
    const batch = Array.isArray(item) ? item : [item];
    for (const record of batch) {
      const encoded = record instanceof EncodedRecord;
      if (tracker && replicationKey) {
        const value = encoded ? record.replicationValue : record[replicationKey];
        if (!tracker.admits(value)) continue;
        tracker.observe(value);
      }
      if (encoded && ctx.out.writeRaw) lines += lines === '' ? `${prefix}${record.json}}` : `\n${prefix}${record.json}}`;
      else if (encoded) await ctx.out.write({ type: 'RECORD', stream, record: parseJson(record.json) as Record<string, unknown> });
      else await ctx.out.write({ type: 'RECORD', stream, record: project(record, plan.fields) });
      count += 1;
      if (tracker && replicationKey && count % STATE_EVERY === 0 && tracker.max !== undefined) {
        await writeLines();
        state = withBookmark(state, stream, replicationKey, tracker.max);
        await ctx.out.write({ type: 'STATE', value: state });
      }
    }
    await writeLines();
  }
  if (tracker && replicationKey) {
    if (tracker.max !== undefined) state = withBookmark(state, stream, replicationKey, tracker.max);
    await ctx.out.write({ type: 'STATE', value: state });
  }
  ctx.log(`${stream}: ${count} records`);
  return { state, count };
}
