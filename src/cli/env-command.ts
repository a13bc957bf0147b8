import { loadSecretKey } from '../app/secret-key.js';
import { SecretBox } from '../crypto/secret-box.js';
import { EnvironmentService } from '../environments/environment-service.js';
import { SinewError } from '../errors/sinew-error.js';
import { UsageError } from './cli-args.js';
import { withStoreOnDataDir } from './store-on-data-dir.js';

const USAGE = 'sinew env list | sinew env create <env_id>   (on the data dir or database directly; on SQLite with the server stopped)';

/**
 * `sinew env list|create`: the environments of one server, managed by whoever runs it (no API key
 * may make environments: a key belongs to one). Works on the store directly, as `sinew migrate`
 * does. `create` prints the new environment's key on stdout, alone on its line, once.
 */
export async function envCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!((sub === 'list' && rest.length === 0) || (sub === 'create' && rest.length === 1))) throw new UsageError(`usage: ${USAGE}`);
  return withStoreOnDataDir(async (store, config) => {
    if (sub === 'list') {
      for (const env of await store.environments.list()) process.stdout.write(`${env.env_id}\t${env.created_at}\n`);
      return 0;
    }
    const envId = rest[0]!;
    const environments = new EnvironmentService(store, new SecretBox(await loadSecretKey(config.dataDir, config.secretKey)));
    const { created, keys } = await environments.ensure(envId);
    if (!created)
      throw new SinewError('CONFLICT', `environment ${envId} exists already (a new key for it: sinew keys create --env ${envId})`, {
        env_id: envId,
      });
    process.stdout.write(`${keys.environmentKey}\n`);
    process.stderr.write(`environment ${envId} created; its environment key is above (shown once); public key: ${keys.publicKey}\n`);
    return 0;
  });
}
