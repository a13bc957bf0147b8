import type { FastifyRequest } from 'fastify';
import { checkTenantLimits } from '../auth/tenant-limits-check.js';
import { type TenantLimits, tenantLimitsOf } from '../model/tenant-limits.js';

/** The `tenant_limits` of a flow, or undefined (defaults) when it has none or does not exist. */
export type TenantLimitsLookup = (envId: string, flowId: string) => Promise<TenantLimits | undefined>;

const LIMITED_FIELDS = ['field_map', 'override_field_map', 'schedule_expression'];

/**
 * Holds a tenant's field maps and schedules to its flow's `tenant_limits` (src/model/tenant-limits.ts).
 * After validation, so only well-formed bodies are judged; the owner's key is never limited.
 */
export function tenantLimitsHook(limitsOf: TenantLimitsLookup) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.principal?.kind !== 'tenant') return;
    const body = request.body as Record<string, unknown> | null | undefined;
    if (typeof body !== 'object' || body === null || !LIMITED_FIELDS.some((f) => f in body)) return;
    const flowId = (request.params as Record<string, string | undefined> | undefined)?.flow;
    if (flowId === undefined) return;
    checkTenantLimits(tenantLimitsOf(await limitsOf(request.principal.env_id, flowId)), body);
  };
}
