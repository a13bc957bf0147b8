import fs from 'node:fs/promises';
import path from 'node:path';
import type { SinewServices } from '../api/sinew-services.js';

export const EXAMPLE_FLOW_ID = 'example';
export const EXAMPLE_TENANT = 'example-tenant';

const CUSTOMERS = `id,name,email,plan,updated_at
1,Ada Lovelace,ada@example.com,pro,2026-01-05T10:00:00Z
2,Grace Hopper,grace@example.com,team,2026-02-11T09:30:00Z
3,Alan Turing,alan@example.com,free,2026-03-20T16:45:00Z
4,Katherine Johnson,katherine@example.com,pro,2026-04-02T08:15:00Z
`;
const ORDERS = `id,customer_id,amount,currency,updated_at
1001,1,129.90,EUR,2026-01-06T11:00:00Z
1002,2,49.00,USD,2026-02-12T12:00:00Z
1003,1,310.25,EUR,2026-03-01T13:30:00Z
1004,4,12345678901234567890.12,USD,2026-04-03T09:00:00Z
`;

/**
 * The example shipped with the embedded default: a v1 source flow from the `csv` connector (the
 * tenant's "system", a folder of CSV files) to the `jsonl` target (the owner's side), and one tenant
 * linked to it — so a newcomer can run a job in the first minute. Idempotent.
 */
export async function installExample(s: SinewServices, envId: string, dataDir: string): Promise<{ input: string; output: string }> {
  const base = path.join(dataDir, 'example');
  const input = path.join(base, 'tenant-data');
  const output = path.join(base, 'warehouse');
  await fs.mkdir(input, { recursive: true });
  await fs.mkdir(output, { recursive: true });
  for (const [name, body] of [
    ['customers.csv', CUSTOMERS],
    ['orders.csv', ORDERS],
  ] as const) {
    await fs.writeFile(path.join(input, name), body, { flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
  if (!(await s.store.flows.get(envId, EXAMPLE_FLOW_ID))) {
    await s.flows.put(envId, EXAMPLE_FLOW_ID, {
      name: 'Example: tenant CSV files → warehouse JSONL',
      type: 'v1-source',
      connectors: ['csv', 'jsonl'],
      target: { connector: 'jsonl', config: { path: output } },
    });
  }
  const linked = await s.store.links.get({
    env_id: envId,
    flow_id: EXAMPLE_FLOW_ID,
    tenant: EXAMPLE_TENANT,
    role: 'source',
    connector_id: 'csv',
  });
  // Sinew links the example as the owner: its path (in the data dir) is not a tenant's, so it is
  // not confined to a files root (docs/security.md).
  if (!linked)
    await s.links.put(envId, EXAMPLE_FLOW_ID, EXAMPLE_TENANT, 'source', { connector_id: 'csv', config: { path: input }, set_by: 'owner' });
  else if (linked.path_set_by === undefined && s.links.configOf(linked).path === input) {
    // Linked by an older Sinew, before links recorded who set them: still the example's own path, so the owner's.
    await s.store.links.put({ ...linked, path_set_by: 'owner' });
  }
  return { input, output };
}
