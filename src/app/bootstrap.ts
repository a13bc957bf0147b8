import type { SinewServices } from '../api/sinew-services.js';
import type { RuntimeConfig } from '../config/runtime-config.js';
import { installExample } from './example-setup.js';

export const DEFAULT_ENV_ID = 'dev.sinew.local';

export interface BootstrapResult {
  envId: string;
  /** Keys generated now (shown once, never stored in clear). */
  environmentKey?: string;
  publicKey?: string;
  example?: { flowId: string; tenant: string; input: string; output: string };
}

/**
 * Start-up: SINEW_ENV_ID + SINEW_API_KEY make that environment and key exist (idempotent, for
 * automation); with neither and no environment at all, a development environment is created and its
 * key printed once. The embedded default also installs the example flow into it.
 */
export async function bootstrapEnvironment(s: SinewServices, config: RuntimeConfig): Promise<BootstrapResult> {
  let envId = config.bootstrapEnvId;
  let result: BootstrapResult;
  if (envId) {
    const { keys } = await s.environments.ensure(envId, config.bootstrapApiKey);
    result = { envId, environmentKey: keys.environmentKey, publicKey: keys.publicKey };
  } else {
    const [first] = await s.store.environments.list();
    if (first) {
      envId = first.env_id;
      result = { envId };
      if (config.bootstrapApiKey) await s.environments.ensure(envId, config.bootstrapApiKey);
    } else {
      envId = DEFAULT_ENV_ID;
      const { keys } = await s.environments.ensure(envId, config.bootstrapApiKey);
      result = { envId, environmentKey: keys.environmentKey, publicKey: keys.publicKey };
    }
  }
  if (config.example && s.store.dialect === 'sqlite') {
    const { input, output } = await installExample(s, envId, config.dataDir);
    result.example = { flowId: 'example', tenant: 'example-tenant', input, output };
  }
  return result;
}
