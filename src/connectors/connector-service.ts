import type { Store } from '../store/store.js';
import type { CatalogFlag, ConnectorDefinition } from '../model/connector-definition.js';
import { SinewError, invalid, notFound } from '../errors/sinew-error.js';
import { builtinConnectors } from './builtin/registry.js';
import { builtinDefinitions, resolveConnector } from './connector-resolver.js';
import { probeConnector } from './probe/probe-connector.js';
import type { ConnectorUser } from '../runtime/connector-user.js';
import { chooseProbedFields } from './probe/probe-choice.js';
import { normalizeConnectorAuth } from './connector-auth-schema.js';
import type { ConnectorCheck } from '../model/credential-check.js';

export interface SingerConnectorInput {
  kind: 'source' | 'target' | 'both';
  label?: string;
  command: string[];
  config_schema?: Record<string, unknown>;
  catalog_flag?: CatalogFlag;
  install_uri?: string;
  capabilities?: Partial<ConnectorDefinition['capabilities']>;
  /** How a tenant authenticates (src/model/connector-auth.ts). */
  auth?: Record<string, unknown>;
  /** How a link's credentials are checked (src/model/credential-check.ts). */
  check?: { run: 'discover' | 'command'; command?: string[] };
}

/** A check by command names its command; a check by discover needs a tap that discovers. */
function connectorCheckOf(input: SingerConnectorInput['check']): ConnectorCheck | undefined {
  if (!input) return undefined;
  if (input.run === 'discover') return { run: 'discover' };
  if (!input.command) throw invalid('check.command is required when check.run is command', { field: 'check.command' });
  return { run: 'command', command: input.command };
}

const CONNECTOR_ID = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,99}$/;

/** Connector definitions: built-ins (read-only) and the environment's registered Singer executables. */
export class ConnectorService {
  constructor(
    private readonly store: Store,
    /** SINEW_CONNECTOR_USER: the account a registered executable is probed as. */
    private readonly connectorUser: ConnectorUser | null = null,
  ) {}

  async list(envId: string): Promise<ConnectorDefinition[]> {
    return [...builtinDefinitions(), ...(await this.store.connectors.list(envId))];
  }

  get(envId: string, id: string): Promise<ConnectorDefinition> {
    return resolveConnector(this.store, envId, id);
  }

  async put(envId: string, id: string, input: SingerConnectorInput): Promise<ConnectorDefinition> {
    if (builtinConnectors.has(id) || id === 'api') throw new SinewError('READ_ONLY', `connector ${id} is built in and cannot be replaced`);
    if (!CONNECTOR_ID.test(id)) throw invalid('connector id must be 1-100 letters, digits, colons, dots, dashes or underscores');
    const auth = normalizeConnectorAuth(input.auth);
    const check = connectorCheckOf(input.check);
    // Ask the executable what it takes; what the body says itself wins over what it answers.
    const outcome = await probeConnector(input.command, { user: this.connectorUser });
    const probed = chooseProbedFields(
      { kind: input.kind, discover: input.capabilities?.discover, catalog_flag: input.catalog_flag, config_schema: input.config_schema },
      outcome,
      new Date().toISOString(),
    );
    const def: ConnectorDefinition = {
      id,
      kind: input.kind,
      ...(input.label ? { label: input.label } : {}),
      config_schema: probed.configSchema,
      capabilities: {
        discover: probed.discover,
        incremental: input.capabilities?.incremental ?? false,
        write: input.capabilities?.write ?? input.kind !== 'source',
        native_external_id: input.capabilities?.native_external_id ?? false,
        write_results: input.capabilities?.write_results ?? false,
      },
      runtime: {
        runtime: 'singer',
        command: input.command,
        ...(input.install_uri ? { install_uri: input.install_uri } : {}),
        ...(probed.catalogFlag ? { catalog_flag: probed.catalogFlag } : {}),
        ...(probed.acceptsState === false ? { accepts_state: false } : {}),
      },
      builtin: false,
      probe: probed.probe,
      ...(auth ? { auth } : {}),
      ...(check ? { check } : {}),
    };
    await this.store.connectors.put(envId, def);
    return def;
  }

  async remove(envId: string, id: string): Promise<void> {
    if (builtinConnectors.has(id)) throw new SinewError('READ_ONLY', `connector ${id} is built in and cannot be deleted`);
    if (!(await this.store.connectors.delete(envId, id))) throw notFound('connector', { connector_id: id });
  }
}
