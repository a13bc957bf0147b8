/**
 * What a flow's tenants may do with what they send: how much of a field map they may shape, and how
 * often a schedule they set may fire. The owner sets these per flow (`tenant_limits`); the
 * environment key is never limited by them (docs/security.md).
 *
 * Field-map rights:
 * - `selection` (the default): choose streams and fields (`selected`, `fields: { f: true|false }`,
 *   replication key and method) — not rename streams or fields, nor fix values: a rename could
 *   land in another stream's table of the owner's target, a fixed value could claim another
 *   tenant's key (`values: { tenant: "other" }`).
 * - `full`: anything a field map says.
 * - `none`: no field map at all; the flow's own applies.
 */
export type TenantFieldMapRights = 'selection' | 'full' | 'none';

export interface TenantLimits {
  field_map?: TenantFieldMapRights;
  /** The shortest time between two ticks of a schedule a tenant sets (minutes, 1–10080). */
  min_schedule_interval_minutes?: number;
}

export const DEFAULT_TENANT_LIMITS: Required<TenantLimits> = { field_map: 'selection', min_schedule_interval_minutes: 15 };

/** The limits of a flow: its own, field by field over the defaults. */
export function tenantLimitsOf(flowLimits: TenantLimits | undefined): Required<TenantLimits> {
  return { ...DEFAULT_TENANT_LIMITS, ...flowLimits };
}

export const tenantLimitsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    field_map: { type: 'string', enum: ['selection', 'full', 'none'] },
    min_schedule_interval_minutes: { type: 'integer', minimum: 1, maximum: 10080 },
  },
  description: "What this flow's tenants may put in a field map, and how often a schedule they set may fire",
} as const;
