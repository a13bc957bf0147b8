import { invalid } from '../errors/sinew-error.js';

// A tenant id becomes part of storage keys and folder names ({tenant}/snapshots/…): no slashes,
// no leading dot (`.`, `..`, hidden names), nothing a log or page would render as markup.
const TENANT_ID = /^(?!\.)[A-Za-z0-9._@-]{1,200}$/;

export const TENANT_ID_RULE = '1-200 letters, digits, dots, underscores, @ or dashes, not starting with a dot';

export function isTenantId(text: string): boolean {
  return TENANT_ID.test(text);
}

/** Throws a 400 naming the rule unless `tenant` is a valid tenant id. */
export function checkTenantId(tenant: string): void {
  if (!isTenantId(tenant)) throw invalid(`invalid tenant id: a tenant id is ${TENANT_ID_RULE}`, { tenant: tenant.slice(0, 200) });
}
