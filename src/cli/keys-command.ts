import { DEFAULT_ENV_ID } from '../app/bootstrap.js';
import { loadSecretKey } from '../app/secret-key.js';
import { SecretBox } from '../crypto/secret-box.js';
import { EnvironmentService } from '../environments/environment-service.js';
import { SinewError } from '../errors/sinew-error.js';
import { type ApiTarget, callApi } from './api-client.js';
import { apiTargetFrom, hasApiKey } from './api-target.js';
import { parseCliArgs, UsageError } from './cli-args.js';
import { withStoreOnDataDir } from './store-on-data-dir.js';

const USAGE = `sinew keys list|create|revoke … with --key/SINEW_API_KEY: through the API (--url/SINEW_URL, --env/SINEW_ENV_ID)
  sinew keys list
  sinew keys create [--kind environment|public] [--name N]     the key on stdout, shown once
  sinew keys revoke <key_id>
sinew keys create [--kind environment|public] [--env ENV]      without a key: on the data dir or database directly (server stopped on SQLite)`;

/**
 * `sinew keys list|create|revoke`: through the API when a key is at hand; `sinew keys create`
 * without one mints a key on the data dir or database directly — the way back in when the key
 * printed at the first start was lost. The key goes to stdout, alone on its line.
 */
export async function keysCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    kind: { type: 'string' },
    env: { type: 'string' },
    name: { type: 'string' },
    url: { type: 'string' },
    key: { type: 'string' },
  });
  const [sub, ...rest] = positionals;
  const kind = values.kind ?? 'environment';
  if (kind !== 'environment' && kind !== 'public') throw new UsageError(`--kind is environment or public, not ${kind}`);
  if (hasApiKey(values)) return throughApi(apiTargetFrom(values), sub, rest, kind, values.name);
  if (sub === undefined) throw new UsageError(`usage: ${USAGE}`);
  if (sub !== 'create' || rest.length > 0)
    throw new UsageError(`keys ${sub} needs an API key (--key or SINEW_API_KEY); without one only \`keys create\` works\nusage: ${USAGE}`);
  return createOnStore(kind, values.env);
}

async function throughApi(
  t: ApiTarget,
  sub: string | undefined,
  rest: string[],
  kind: 'environment' | 'public',
  name: string | undefined,
): Promise<number> {
  if (sub === 'list' && rest.length === 0) {
    for (const k of await callApi(t, 'get', '/{env}/keys'))
      process.stdout.write(`${k.key_id}\t${k.kind}\t${k.prefix}…\t${k.created_at}\t${k.name ?? ''}\n`);
    return 0;
  }
  if (sub === 'create' && rest.length === 0) {
    const made = await callApi(t, 'post', '/{env}/keys', { body: { kind, ...(name ? { name } : {}) } });
    process.stdout.write(`${made.key}\n`);
    process.stderr.write(`a new ${kind} key for ${t.env}, id ${made.key_id} (shown once, keep it)\n`);
    return 0;
  }
  if (sub === 'revoke' && rest.length === 1) {
    await callApi(t, 'delete', '/{env}/keys/{key_id}', { path: { key_id: rest[0]! } });
    process.stderr.write(`key ${rest[0]} revoked\n`);
    return 0;
  }
  throw new UsageError(`usage: ${USAGE}`);
}

async function createOnStore(kind: 'environment' | 'public', env: string | undefined): Promise<number> {
  return withStoreOnDataDir(async (store, config) => {
    const environments = new EnvironmentService(store, new SecretBox(await loadSecretKey(config.dataDir, config.secretKey)));
    const existing = (await store.environments.list()).map((e) => e.env_id);
    const envId = env ?? config.bootstrapEnvId ?? (existing.length <= 1 ? (existing[0] ?? DEFAULT_ENV_ID) : undefined);
    if (envId === undefined) {
      throw new SinewError('VALIDATION_FAILED', `there are ${existing.length} environments (${existing.join(', ')}): name one with --env`, {
        environments: existing,
      });
    }
    const key = await environments.createKey(envId, kind);
    process.stdout.write(`${key}\n`);
    process.stderr.write(`a new ${kind} key for ${envId} (shown once, keep it; the keys made before still work)\n`);
    return 0;
  });
}
