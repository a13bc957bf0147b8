/** Path parameter schemas shared by the route modules (one definition each). */
const id = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const envParams = { type: 'object', required: ['env'], properties: { env: id } } as const;
export const tenantParams = {
  type: 'object',
  required: ['env', 'flow', 'tenant'],
  properties: { env: id, flow: id, tenant: id },
} as const;
export const jobParams = {
  type: 'object',
  required: ['env', 'flow', 'tenant', 'job_id'],
  properties: { env: id, flow: id, tenant: id, job_id: id },
} as const;

export interface TenantPath {
  env: string;
  flow: string;
  tenant: string;
}
