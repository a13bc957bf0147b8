import type { SourceContext } from '../sdk/connector.js';
import { BookmarkTracker, withBookmark } from './bookmarks.js';
import type { StreamPlan } from './stream-plan.js';

/** How many emitted records between two STATE messages of a bookmarked stream. */
export const STATE_EVERY = 10_000;

function project(record: Record<string, unknown>, fields: ReadonlySet<string> | null): Record<string, unknown> {
  if (fields === null) return record;
  const projected: Record<string, unknown> = {};
  for (const name of Object.keys(record)) if (fields.has(name)) projected[name] = record[name];
  return projected;
}

/**
 * Emits one stream: SCHEMA, then its (new, projected) RECORDs with back-pressure, and for a
 * bookmarked stream STATE messages every STATE_EVERY records and at the end. Returns the state
 * with this stream's new bookmark, so the next stream's STATE keeps it.
 */
export async function syncRecordStream(
  ctx: SourceContext,
  plan: StreamPlan,
  records: AsyncIterable<Record<string, unknown>>,
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
  for await (const record of records) {
    if (tracker && replicationKey) {
      const value = record[replicationKey];
      if (!tracker.admits(value)) continue;
      tracker.observe(value);
    }
    await ctx.out.write({ type: 'RECORD', stream, record: project(record, plan.fields) });
    count += 1;
    if (tracker && replicationKey && count % STATE_EVERY === 0 && tracker.max !== undefined) {
      state = withBookmark(state, stream, replicationKey, tracker.max);
      await ctx.out.write({ type: 'STATE', value: state });
    }
  }
  if (tracker && replicationKey) {
    if (tracker.max !== undefined) state = withBookmark(state, stream, replicationKey, tracker.max);
    await ctx.out.write({ type: 'STATE', value: state });
  }
  ctx.log(`${stream}: ${count} records`);
  return { state, count };
}
