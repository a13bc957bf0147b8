/**
 * The job and schedule fields that replace what the owner configured — the flow target's config,
 * the linked source's config as the owner accepted it, where lifecycle events go. Only the owner
 * may send them, unless a flow lists some in `tenant_overrides` (docs/security.md).
 */
export const OWNER_ONLY_JOB_FIELDS = ['override_source_config', 'override_target_config', 'override_lifecycle_webhook'] as const;

export type OwnerOnlyJobField = (typeof OWNER_ONLY_JOB_FIELDS)[number];
