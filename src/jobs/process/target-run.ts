import type { PlannedConnector } from '../job-plan.js';
import type { ConnectorRun } from './running-connectors.js';
import type { AddressPolicy } from '../../outbound/address-policy.js';

/**
 * How a job runs its target: a built-in write target inside the job process (in-process-target.ts),
 * anything else as the Singer command with its config file. The built-in registry is loaded only
 * then, so job processes of other jobs do not pay for importing every connector.
 */
export async function targetRunOf(target: PlannedConnector, configPath: string, cwd: string, env: Record<string, string>, addressPolicy: AddressPolicy): Promise<ConnectorRun> {
  const run: ConnectorRun = { command: target.command, args: ['--config', configPath], cwd, env };
  if (!target.builtin) return run;
  const { getBuiltinConnector } = await import('../../connectors/builtin/registry.js');
  const factory = getBuiltinConnector(target.connector_id)?.writer;
  return factory ? { ...run, inProcess: { connectorId: target.connector_id, factory, config: target.config, addressPolicy } } : run;
}
