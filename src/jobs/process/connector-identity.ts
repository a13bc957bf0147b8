import type { ConnectorUser } from '../../runtime/connector-user.js';
import { connectorSpawnIdentity } from '../../runtime/connector-user.js';
import type { PlannedConnector } from '../job-plan.js';
import type { SecretFiles } from './connector-files.js';

/** Where and as whom a connector process runs. */
export interface ConnectorIdentity {
  cwd: string;
  env: Record<string, string>;
  uid?: number;
  gid?: number;
}

/** The flags whose value is a file of the job root that the connector reads. */
const FILE_FLAGS = new Set(['--state', '--catalog', '--properties']);

/**
 * A registered connector under SINEW_CONNECTOR_USER runs as that account, which cannot enter the
 * data dir (0700): its working folder is the job's private folder (its own, removed with the job),
 * and the files it is handed — its config already there, the state and catalog copied in.
 * Built-in connectors are Sinew's own code and run as Sinew, with the job root as before.
 */
export async function connectorIdentity(
  connector: PlannedConnector,
  user: ConnectorUser | undefined,
  secrets: SecretFiles,
  as: { cwd: string; env: Record<string, string>; args?: string[] },
): Promise<ConnectorIdentity & { args: string[] }> {
  const args = as.args ?? [];
  if (!user || connector.builtin) return { cwd: as.cwd, env: as.env, args };
  const shared: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    shared.push(i > 0 && FILE_FLAGS.has(args[i - 1]!) ? await secrets.copyIn(arg) : arg);
  }
  return { cwd: secrets.dir, ...connectorSpawnIdentity(user, as.env), args: shared };
}
