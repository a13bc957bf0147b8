import { invalid, SinewError } from '../errors/sinew-error.js';
import type { TenantFieldMapRights, TenantLimits } from '../model/tenant-limits.js';
import { parseScheduleExpression } from '../schedules/schedule-expression.js';
import { firesMoreOftenThan } from '../schedules/schedule-interval.js';

/** The body fields that carry a field map (links: `field_map`; jobs and schedules: `override_field_map`). */
const FIELD_MAP_FIELDS = ['field_map', 'override_field_map'] as const;
/** What `selection` lets a tenant say about a stream; anything else renames or fixes values. */
const SELECTION_KEYS = new Set(['selected', 'fields', 'replication_key', 'replication_method']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The paths in one field map that the rights do not allow, e.g. `field_map.contacts.values`. */
function fieldMapBreaches(name: string, map: unknown, rights: TenantFieldMapRights): string[] {
  if (rights === 'full') return [];
  if (rights === 'none') return [name];
  if (!isObject(map)) return [];
  const breaches: string[] = [];
  for (const [stream, entry] of Object.entries(map)) {
    if (!isObject(entry)) continue;
    for (const [key, value] of Object.entries(entry)) {
      if (!SELECTION_KEYS.has(key)) breaches.push(`${name}.${stream}.${key}`);
      else if (key === 'fields' && isObject(value)) {
        for (const [field, choice] of Object.entries(value))
          if (typeof choice !== 'boolean') breaches.push(`${name}.${stream}.fields.${field}`);
      }
    }
  }
  return breaches;
}

/**
 * Throws when a tenant's body goes beyond its flow's limits: 403 FORBIDDEN_FIELD naming each field
 * map part it may not set, 400 VALIDATION_FAILED for a schedule that fires too often. A body the
 * route's schema will refuse anyway (a bad cron) is left to that check.
 */
export function checkTenantLimits(limits: Required<TenantLimits>, body: unknown): void {
  if (!isObject(body)) return;
  const breaches = FIELD_MAP_FIELDS.filter((f) => f in body).flatMap((f) => fieldMapBreaches(f, body[f], limits.field_map));
  if (breaches.length > 0) {
    const what =
      limits.field_map === 'none' ? 'no field map' : 'a field map that only selects streams and fields (no renames, no fixed values)';
    throw new SinewError('FORBIDDEN_FIELD', `this flow lets a tenant send ${what}; refused: ${breaches.join(', ')}`, {
      fields: breaches,
      tenant_limits: { field_map: limits.field_map },
    });
  }
  if (typeof body.schedule_expression !== 'string') return;
  let expression: ReturnType<typeof parseScheduleExpression>;
  try {
    expression = parseScheduleExpression(body.schedule_expression);
  } catch {
    return;
  }
  if (firesMoreOftenThan(expression, limits.min_schedule_interval_minutes)) {
    throw invalid(
      `schedule_expression fires more often than every ${limits.min_schedule_interval_minutes} minutes, the shortest this flow allows a tenant`,
      {
        field: 'schedule_expression',
        min_schedule_interval_minutes: limits.min_schedule_interval_minutes,
      },
    );
  }
}
