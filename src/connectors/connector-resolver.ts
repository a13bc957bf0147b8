import { notFound, SinewError } from '../errors/sinew-error.js';
import type { CatalogFlag, ConnectorDefinition } from '../model/connector-definition.js';
import { sinewCommand } from '../runtime/self-command.js';
import type { StoreOps } from '../store/store.js';
import { builtinConnectors } from './builtin/registry.js';

export function builtinDefinitions(): ConnectorDefinition[] {
  return [...builtinConnectors.values()].map((c) => ({ ...c.definition, builtin: true, runtime: { runtime: 'builtin' } }));
}

/** Built-ins first (they cannot be shadowed), then the environment's registered Singer connectors. */
export async function resolveConnector(store: StoreOps, envId: string, id: string): Promise<ConnectorDefinition> {
  const builtin = builtinConnectors.get(id);
  if (builtin) return { ...builtin.definition, builtin: true, runtime: { runtime: 'builtin' } };
  const registered = await store.connectors.get(envId, id);
  if (!registered) throw notFound('connector', { connector_id: id });
  return registered;
}

/** The argv that runs a connector as a Singer tap or target. */
export function connectorCommand(def: ConnectorDefinition, role: 'tap' | 'target'): string[] {
  const acts = role === 'tap' ? ['source', 'both'] : ['target', 'both'];
  if (!acts.includes(def.kind)) {
    throw new SinewError('CONNECTOR_NOT_SUPPORTED', `connector ${def.id} cannot act as a ${role === 'tap' ? 'source' : 'target'}`, {
      connector_id: def.id,
    });
  }
  if (def.install && def.install.status !== 'installed') {
    throw new SinewError(
      'CONFLICT',
      `connector ${def.id} is not installed (its install is ${def.install.status}): see GET …/connectors/${def.id}`,
      { connector_id: def.id, install: def.install.status },
    );
  }
  return def.runtime.runtime === 'builtin' ? sinewCommand('singer', role, def.id) : def.runtime.command;
}

/** How a tap is given its catalog; built-ins and definitions that never said take `--catalog`. */
export function catalogFlagOf(def: ConnectorDefinition): CatalogFlag {
  return def.runtime.runtime === 'singer' ? (def.runtime.catalog_flag ?? '--catalog') : '--catalog';
}

/** Whether a tap takes `--state`: all do, unless probing found one that does not. */
export function acceptsStateOf(def: ConnectorDefinition): boolean {
  return def.runtime.runtime !== 'singer' || def.runtime.accepts_state !== false;
}
