import { invalid, notFound, SinewError } from '../errors/sinew-error.js';
import type { CatalogFlag, ConnectorDefinition } from '../model/connector-definition.js';
import type { ConnectorInstall, InstallSpec } from '../model/connector-install.js';
import type { ConnectorCheck } from '../model/credential-check.js';
import type { ConnectorUser } from '../runtime/connector-user.js';
import type { Store } from '../store/store.js';
import { builtinConnectors } from './builtin/registry.js';
import { withCatalogueEntry } from './catalogue/singer-catalogue.js';
import { normalizeConnectorAuth } from './connector-auth-schema.js';
import { builtinDefinitions, resolveConnector } from './connector-resolver.js';
import type { ConnectorInstaller } from './install/connector-installer.js';
import { installedCommand, installHash, readInstallSpec } from './install/install-spec.js';
import { chooseProbedFields } from './probe/probe-choice.js';
import { probeConnector } from './probe/probe-connector.js';
import type { ProbeOutcome } from './probe/probe-findings.js';

export interface SingerConnectorInput {
  /** Required unless a catalogue entry gives it. */
  kind?: 'source' | 'target' | 'both';
  label?: string;
  /** Required unless Sinew installs the connector (then: the program in its environment, default the id). */
  command?: string[];
  /** pip, npm or path: Sinew installs the connector into an environment of its own (src/connectors/install). */
  install?: Record<string, string>;
  /** An entry of catalogue/singer-connectors.json, whose fields the body's own override. */
  catalogue?: string;
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
    /** Builds the environments of connectors registered with `install`; without it, such registrations are refused. */
    private readonly installer: ConnectorInstaller | null = null,
  ) {}

  async list(envId: string): Promise<ConnectorDefinition[]> {
    return [...builtinDefinitions(), ...(await this.store.connectors.list(envId))];
  }

  get(envId: string, id: string): Promise<ConnectorDefinition> {
    return resolveConnector(this.store, envId, id);
  }

  async put(envId: string, id: string, body: SingerConnectorInput): Promise<ConnectorDefinition> {
    if (builtinConnectors.has(id) || id === 'api') throw new SinewError('READ_ONLY', `connector ${id} is built in and cannot be replaced`);
    if (!CONNECTOR_ID.test(id) || id === 'catalogue')
      throw invalid('connector id must be 1-100 letters, digits, colons, dots, dashes or underscores, and not catalogue');
    const input = withCatalogueEntry(body);
    const kind = input.kind;
    if (!kind) throw invalid('kind is required (source, target or both)', { field: 'kind' });
    const auth = normalizeConnectorAuth(input.auth);
    const check = connectorCheckOf(input.check);
    const spec = input.install ? readInstallSpec(input.install) : undefined;
    const install = spec ? await this.installFor(envId, id, spec) : undefined;
    const command = this.commandOf(envId, id, input, install);
    // Ask the executable what it takes (an install not yet done: once it is); what the body says itself wins.
    const outcome: ProbeOutcome =
      install && install.status !== 'installed'
        ? { method: 'none', note: 'not probed yet: Sinew probes the connector once it is installed' }
        : await probeConnector(command, { user: this.connectorUser });
    const probed = chooseProbedFields(
      { kind, discover: input.capabilities?.discover, catalog_flag: input.catalog_flag, config_schema: input.config_schema },
      outcome,
      new Date().toISOString(),
    );
    const def: ConnectorDefinition = {
      id,
      kind,
      ...(input.label ? { label: input.label } : {}),
      config_schema: probed.configSchema,
      capabilities: {
        discover: probed.discover,
        incremental: input.capabilities?.incremental ?? false,
        write: input.capabilities?.write ?? kind !== 'source',
        native_external_id: input.capabilities?.native_external_id ?? false,
        write_results: input.capabilities?.write_results ?? false,
      },
      runtime: {
        runtime: 'singer',
        command,
        ...(input.install_uri ? { install_uri: input.install_uri } : {}),
        ...(probed.catalogFlag ? { catalog_flag: probed.catalogFlag } : {}),
        ...(probed.acceptsState === false ? { accepts_state: false } : {}),
      },
      builtin: false,
      probe: probed.probe,
      ...(auth ? { auth } : {}),
      ...(check ? { check } : {}),
      ...(install ? { install } : {}),
    };
    await this.store.connectors.put(envId, def);
    // A new spec, or one whose install did not finish, is (re)installed; an installed one is kept.
    if (install && install.status !== 'installed') return this.installer!.start(envId, id);
    return def;
  }

  /** (Re)starts installing a connector registered with `install`; the answer shows it `installing`. */
  async install(envId: string, id: string): Promise<ConnectorDefinition> {
    if (builtinConnectors.has(id)) throw new SinewError('READ_ONLY', `connector ${id} is built in and needs no install`);
    if (!this.installer) throw new SinewError('UNAVAILABLE', 'this process does not install connectors');
    return this.installer.start(envId, id);
  }

  /** The install state a registration keeps: the same spec already installed stays so, else a new install. */
  private async installFor(envId: string, id: string, spec: InstallSpec): Promise<ConnectorInstall> {
    if (!this.installer) throw new SinewError('UNAVAILABLE', 'this process does not install connectors');
    const hash = installHash(spec);
    const previous = (await this.store.connectors.get(envId, id))?.install;
    if (previous?.hash === hash && previous.status === 'installed') return previous;
    return { spec, hash, status: 'installing', requested_at: new Date().toISOString(), log_tail: [] };
  }

  private commandOf(envId: string, id: string, input: SingerConnectorInput, install: ConnectorInstall | undefined): string[] {
    if (install) return installedCommand(this.installer!.dirOf(envId, { id, install }), install.spec, input.command ?? [id]);
    if (!input.command)
      throw invalid('command is required, unless Sinew installs the connector (install) or a catalogue entry gives it', {
        field: 'command',
      });
    return input.command;
  }

  async remove(envId: string, id: string): Promise<void> {
    if (builtinConnectors.has(id)) throw new SinewError('READ_ONLY', `connector ${id} is built in and cannot be deleted`);
    if (!(await this.store.connectors.delete(envId, id))) throw notFound('connector', { connector_id: id });
  }
}
