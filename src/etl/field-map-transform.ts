import type { Catalog } from '../model/catalog.js';
import type { FieldMap, StreamFieldMap } from '../model/field-map.js';
import type { ClassifiedLine } from '../singer/line-classifier.js';
import { stringifyJson } from '../singer/lossless-json.js';
import { StreamSelection } from '../singer/stream-selection.js';

type MessageLine = Extract<ClassifiedLine, { kind: 'message' }>;
export type LineTransform = (line: MessageLine) => Buffer | null;

/** `fields` keeps only its non-false entries when it has any; a map of only `false` entries drops just those. */
function fieldPlan(map: StreamFieldMap): { keep: Map<string, string> | null; drop: Set<string> } {
  const entries = Object.entries(map.fields ?? {});
  const drop = new Set(entries.filter(([, v]) => v === false).map(([k]) => k));
  const kept = entries.filter(([, v]) => v !== false);
  const keep = kept.length > 0 ? new Map(kept.map(([k, v]) => [k, typeof v === 'string' ? v : k])) : null;
  return { keep, drop };
}

function reshape<T>(obj: Record<string, T>, plan: ReturnType<typeof fieldPlan>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (plan.drop.has(key)) continue;
    if (plan.keep) {
      const name = plan.keep.get(key);
      if (name !== undefined) out[name] = value;
    } else out[key] = value;
  }
  return out;
}

function fixedValueSchema(value: unknown): Record<string, unknown> {
  if (typeof value === 'number' || (value && typeof value === 'object' && 'isLosslessNumber' in value)) return { type: ['number', 'null'] };
  if (typeof value === 'boolean') return { type: ['boolean', 'null'] };
  if (value && typeof value === 'object') return { type: ['object', 'array', 'null'] };
  return { type: ['string', 'null'] };
}

/**
 * The ETL step without a script: selects streams and fields, renames them, adds fixed values.
 * Streams are found by any of their names (StreamSelection), with the same answer the catalog
 * handed to the tap got. Returns null when nothing is chosen, so the caller copies raw bytes (and
 * numbers stay exact).
 */
export function buildFieldMapTransform(
  fieldMap: FieldMap | null,
  context: { catalog?: Catalog | null; streams?: string[] | null } = {},
): LineTransform | null {
  return buildSelectionTransform(new StreamSelection(context.catalog ?? null, { fieldMap, streams: context.streams ?? null }));
}

export function buildSelectionTransform(selection: StreamSelection): LineTransform | null {
  if (!selection.hasChoice) return null;
  const plans = new Map<StreamFieldMap, ReturnType<typeof fieldPlan>>();
  const planOf = (m: StreamFieldMap) => plans.get(m) ?? plans.set(m, fieldPlan(m)).get(m)!;
  return (line) => {
    if (line.stream === null) return line.raw;
    if (selection.chosen(line.stream) === false) return null;
    const streamMap = selection.entry(line.stream)?.entry;
    if (!streamMap) return line.raw;
    const plan = planOf(streamMap);
    const changesShape = plan.keep !== null || plan.drop.size > 0 || streamMap.values !== undefined;
    if (!changesShape && !streamMap.rename) return line.raw;
    const message = { ...(line.message() as unknown as Record<string, unknown>) };
    if (streamMap.rename) message.stream = streamMap.rename;
    if (line.type === 'RECORD') {
      const record = reshape(message.record as Record<string, unknown>, plan);
      message.record = { ...record, ...(streamMap.values ?? {}) };
    } else if (line.type === 'SCHEMA') {
      const schema = { ...(message.schema as Record<string, unknown>) };
      const props = reshape((schema.properties ?? {}) as Record<string, unknown>, plan);
      for (const [k, v] of Object.entries(streamMap.values ?? {})) props[k] = fixedValueSchema(v);
      schema.properties = props;
      message.schema = schema;
      if (Array.isArray(message.key_properties)) {
        message.key_properties = (message.key_properties as string[])
          .filter((k) => !plan.drop.has(k) && (!plan.keep || plan.keep.has(k)))
          .map((k) => plan.keep?.get(k) ?? k);
      }
    }
    return Buffer.from(stringifyJson(message));
  };
}
