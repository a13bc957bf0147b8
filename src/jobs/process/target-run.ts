import { type AccessTokenSource, heldTokenIn, RefreshingTokenSource } from '../../connectors/sdk/access-token.js';
import type { AddressPolicy } from '../../outbound/address-policy.js';
import type { PlannedConnector } from '../job-plan.js';
import type { ConnectorRun } from './running-connectors.js';
import { TokenChannel } from './token-channel.js';

/**
 * How a job runs its target: a built-in write target inside the job process (in-process-target.ts),
 * anything else as the Singer command with its config file. The built-in registry is loaded only
 * then, so job processes of other jobs do not pay for importing every connector.
 */
export async function targetRunOf(
  target: PlannedConnector,
  configPath: string,
  cwd: string,
  env: Record<string, string>,
  addressPolicy: AddressPolicy,
): Promise<ConnectorRun> {
  const run: ConnectorRun = { command: target.command, args: ['--config', configPath], cwd, env };
  if (!target.builtin) return run;
  const { getBuiltinConnector } = await import('../../connectors/builtin/registry.js');
  const factory = getBuiltinConnector(target.connector_id)?.writer;
  if (!factory) return run;
  const tokens = linkTokenSource(target);
  return {
    ...run,
    inProcess: { connectorId: target.connector_id, factory, config: target.config, addressPolicy, ...(tokens ? { tokens } : {}) },
  };
}

/**
 * The link's token as the run goes (access-token.ts): a long export gets fresh tokens from the
 * worker, and a 401 one refresh, instead of failing with the token it started with.
 */
function linkTokenSource(target: PlannedConnector): AccessTokenSource | null {
  const held = target.link_tokens ? heldTokenIn(target.config, target.link_tokens) : null;
  return held ? new RefreshingTokenSource(held, TokenChannel.ofProcess()) : null;
}
