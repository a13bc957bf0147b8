import { findInvalidTenants, removeInvalidTenant } from '../tenants/invalid-tenant-ids.js';
import { UsageError } from './cli-args.js';
import { withStoreOnDataDir } from './store-on-data-dir.js';

const USAGE = 'sinew tenants invalid-ids [--delete]';

/**
 * `sinew tenants invalid-ids [--delete]`: works on the store directly, as `sinew migrate` does, since
 * the API cannot name these tenants. On SQLite it takes the data dir's lock: stop the server first.
 */
export async function tenantsCommand(args: string[]): Promise<number> {
  const [sub, ...flags] = args;
  if (sub !== 'invalid-ids' || flags.some((f) => f !== '--delete')) throw new UsageError(`usage: ${USAGE}`);
  const remove = flags.includes('--delete');
  return withStoreOnDataDir(async (store) => {
    const invalid = await findInvalidTenants(store);
    for (const t of invalid) {
      if (remove) await removeInvalidTenant(store, t.env_id, t.tenant);
      // JSON strings: the ids are exactly what the API refuses to print as they are.
      process.stdout.write(`${t.env_id}\t${JSON.stringify(t.tenant)}\t${t.links} link(s)${remove ? '\tdeleted' : ''}\n`);
    }
    process.stderr.write(
      invalid.length === 0
        ? 'no tenant has an invalid id\n'
        : remove
          ? `${invalid.length} tenant(s) deleted (rows only: check each one's {tenant}/ folder in its environment's storage by hand)\n`
          : `${invalid.length} tenant(s) with an invalid id; --delete removes their links, schedules, jobs and record ids\n`,
    );
    return 0;
  });
}
