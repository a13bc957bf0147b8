import { readRuntimeConfig } from '../config/runtime-config.js';
import { openStore } from '../store/open-store.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import { loadSecretKey } from '../app/secret-key.js';
import { SecretBox } from '../crypto/secret-box.js';
import { EnvironmentService } from '../environments/environment-service.js';
import { DEFAULT_ENV_ID } from '../app/bootstrap.js';
import { SinewError } from '../errors/sinew-error.js';
import { parseCliArgs, UsageError } from './cli-args.js';

const USAGE = 'sinew keys create [--kind environment|public] [--env ENV]';

/**
 * `sinew keys create`: mints a key on the data dir or database directly — the way back in when the
 * key printed at the first start was lost (or never printed). On SQLite it takes the data dir's
 * lock, as a server does: stop the server first. The key goes to stdout, alone on its line.
 */
export async function keysCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, { kind: { type: 'string' }, env: { type: 'string' } });
  if (positionals.length !== 1 || positionals[0] !== 'create') throw new UsageError(`usage: ${USAGE}`);
  const kind = values.kind ?? 'environment';
  if (kind !== 'environment' && kind !== 'public') throw new UsageError(`--kind is environment or public, not ${kind}`);
  const config = readRuntimeConfig();
  const lock = config.databaseUrl ? undefined : await lockDataDir(config.dataDir);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
  try {
    await store.migrate();
    const environments = new EnvironmentService(store, new SecretBox(await loadSecretKey(config.dataDir, config.secretKey)));
    const existing = (await store.listEnvironments()).map((e) => e.env_id);
    const envId = values.env ?? config.bootstrapEnvId ?? (existing.length <= 1 ? (existing[0] ?? DEFAULT_ENV_ID) : undefined);
    if (envId === undefined) {
      throw new SinewError('VALIDATION_FAILED', `there are ${existing.length} environments (${existing.join(', ')}): name one with --env`, { environments: existing });
    }
    const key = await environments.createKey(envId, kind);
    process.stdout.write(`${key}\n`);
    process.stderr.write(`a new ${kind} key for ${envId} (shown once, keep it; the keys made before still work)\n`);
    return 0;
  } finally {
    await store.close();
    lock?.release();
  }
}
