import type { ConnectorDefinition } from '../model/connector-definition.js';
import { acceptsStateOf, catalogFlagOf } from './connector-resolver.js';

type DecidedField = 'discover' | 'catalog_flag' | 'state';

/** How a definition came by one of its tap flags: set at registration, found by a probe, or a default. */
export function howDecided(def: ConnectorDefinition, field: DecidedField): string {
  const probe = def.probe;
  if (!probe) return 'from the connector definition, registered before Sinew probed connectors';
  if (field !== 'state' && probe.overridden.includes(field)) return 'set in the connector definition';
  if (probe.method === 'none') return "Sinew's default, as no probe answered";
  return `found by the --${probe.method} probe`;
}

/**
 * One sentence for a failed job's error: which flags Sinew gave a registered tap and why, so the
 * owner can tell a wrong guess (e.g. `--catalog` for a tap reading `--properties`) from a tap's fault.
 */
export function describeTapCapabilities(def: ConnectorDefinition, ranDiscover: boolean): string {
  const flag = catalogFlagOf(def);
  const catalog = flag === 'none' ? 'no catalog' : flag === 'both' ? 'the catalog as --catalog and --properties' : `the catalog as ${flag}`;
  const used = `${ranDiscover ? 'after' : 'without'} --discover, with ${catalog}, ${acceptsStateOf(def) ? 'with' : 'without'} --state`;
  const fields: [DecidedField, string][] = [
    ['discover', 'discover'],
    ['catalog_flag', 'catalog flag'],
    ['state', 'state'],
  ];
  const how = fields.map(([field, name]) => [name, howDecided(def, field)] as const);
  const same = how.every(([, h]) => h === how[0]![1]);
  return `Sinew ran the tap ${used} (${same ? how[0]![1] : how.map(([name, h]) => `${name} ${h}`).join('; ')})`;
}
