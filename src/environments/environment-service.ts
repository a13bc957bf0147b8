import { apiKeyRow, generateApiKey, hashApiKey } from '../crypto/api-key.js';
import { SecretBox } from '../crypto/secret-box.js';
import { invalid, SinewError } from '../errors/sinew-error.js';
import type { ApiKey, Environment } from '../model/environment.js';
import type { Store } from '../store/store.js';

const ENV_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface CreatedKeys {
  environmentKey: string;
  publicKey: string;
}

/** Environments and their keys. Keys are returned once, when created, and stored only as hashes. */
export class EnvironmentService {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
  ) {}

  async get(envId: string): Promise<Environment | undefined> {
    return this.store.environments.get(envId);
  }

  /**
   * Makes `envId` exist. With `apiKey`, makes that environment key valid for it (idempotent, for
   * automation). Returns the keys it generated (none when the environment already existed).
   */
  async ensure(envId: string, apiKey?: string): Promise<{ created: boolean; keys: Partial<CreatedKeys> }> {
    if (!ENV_ID.test(envId))
      throw invalid(`environment id ${JSON.stringify(envId)} must be 1-100 letters, digits, dots, dashes or underscores`);
    if (apiKey !== undefined && apiKey.length < 16) throw invalid('SINEW_API_KEY must be at least 16 characters');
    return this.store.transaction(async (tx) => {
      const existing = await tx.environments.get(envId);
      const keys: Partial<CreatedKeys> = {};
      if (!existing) {
        await tx.environments.put({
          env_id: envId,
          name: envId,
          settings: {},
          token_secret_encrypted: this.box.encrypt(SecretBox.generateSecret()),
          created_at: new Date().toISOString(),
        });
        keys.publicKey = generateApiKey('public');
        await tx.apiKeys.put(apiKeyRow(envId, 'public', keys.publicKey));
        if (apiKey === undefined) {
          keys.environmentKey = generateApiKey('environment');
          await tx.apiKeys.put(apiKeyRow(envId, 'environment', keys.environmentKey));
        }
      }
      if (apiKey !== undefined) {
        const found = await tx.apiKeys.get(hashApiKey(apiKey));
        if (found && found.env_id !== envId) throw new SinewError('CONFLICT', 'SINEW_API_KEY already belongs to another environment');
        if (!found) await tx.apiKeys.put(apiKeyRow(envId, 'environment', apiKey));
      }
      return { created: !existing, keys };
    });
  }

  async createPublicKey(envId: string): Promise<string> {
    return this.createKey(envId, 'public');
  }

  /** A new key of `kind` for the environment, which is created when it does not exist yet. */
  async createKey(envId: string, kind: ApiKey['kind']): Promise<string> {
    if (!(await this.store.environments.get(envId))) await this.ensure(envId);
    const key = generateApiKey(kind);
    await this.store.apiKeys.put(apiKeyRow(envId, kind, key));
    return key;
  }
}
