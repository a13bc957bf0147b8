import { apiKeyId, apiKeyRow, generateApiKey } from '../crypto/api-key.js';
import { notFound, SinewError } from '../errors/sinew-error.js';
import type { ApiKey, ApiKeyKind } from '../model/environment.js';
import type { Store } from '../store/store.js';

/** A key as the API shows it: never the key, never its hash — its id (as the audit log names it) and prefix. */
export interface ApiKeyView {
  key_id: string;
  kind: ApiKeyKind;
  name: string | null;
  prefix: string;
  created_at: string;
}

export const apiKeyView = (k: ApiKey): ApiKeyView => ({
  key_id: apiKeyId(k.key_hash),
  kind: k.kind,
  name: k.name ?? null,
  prefix: k.prefix,
  created_at: k.created_at,
});

/**
 * An environment's API keys (`GET/POST /{env}/keys`, `DELETE /{env}/keys/{key_id}`): environment
 * keys for the owner's backend, public keys for the widget (with tenant tokens). A key is shown
 * once, when made; the store keeps its hash.
 */
export class ApiKeyService {
  constructor(private readonly store: Store) {}

  async list(envId: string): Promise<ApiKeyView[]> {
    return (await this.store.apiKeys.list(envId)).map(apiKeyView);
  }

  async create(envId: string, kind: ApiKeyKind, name: string | null): Promise<ApiKeyView & { key: string }> {
    if (!(await this.store.environments.get(envId))) throw notFound('environment', { env_id: envId });
    const key = generateApiKey(kind);
    const row = apiKeyRow(envId, kind, key, name);
    await this.store.apiKeys.put(row);
    return { ...apiKeyView(row), key };
  }

  /**
   * Revokes a key at once (the next request with it is 401). The environment's last environment key
   * is refused: nobody could manage the environment through the API any more. Under the
   * environment's key lock, so two revokes at once cannot remove the last two.
   */
  async revoke(envId: string, keyId: string): Promise<void> {
    await this.store.locks.withKeys([`api-keys:${envId}`], async () => {
      const keys = await this.store.apiKeys.list(envId);
      const key = keys.find((k) => apiKeyId(k.key_hash) === keyId);
      if (!key) throw notFound('key', { key_id: keyId });
      if (key.kind === 'environment' && keys.filter((k) => k.kind === 'environment').length === 1) {
        throw new SinewError('CONFLICT', 'this is the last environment key of the environment: create another before revoking it', {
          key_id: keyId,
        });
      }
      await this.store.apiKeys.delete(envId, key.key_hash);
    });
  }
}
