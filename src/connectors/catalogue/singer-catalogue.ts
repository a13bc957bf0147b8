import { readFileSync } from 'node:fs';
import { notFound } from '../../errors/sinew-error.js';
import { packageFile } from '../../runtime/package-file.js';

/** The fields of a registration body (connector-service.ts) an entry fills in. */
interface RegistrationFields {
  catalogue?: string;
  kind?: 'source' | 'target' | 'both';
  label?: string;
  install?: Record<string, string>;
  command?: string[];
  capabilities?: { incremental?: boolean };
}

/** One well-known Singer connector (catalogue/singer-connectors.json): facts from its public sources. */
export interface CatalogueEntry {
  id: string;
  name: string;
  kind: 'source' | 'target';
  install: Record<string, string>;
  /** The program the install provides. */
  command: string[];
  capabilities: string[];
  /** The settings it documents (names, types, which are required): a summary for forms, not enforced. */
  config_schema: Record<string, unknown>;
  icon: string;
  /** Where the facts come from. */
  docs: string;
}

let loaded: CatalogueEntry[] | undefined;

/** The catalogue shipped in the repository, read once. */
export function singerCatalogue(): CatalogueEntry[] {
  loaded ??= (
    JSON.parse(readFileSync(packageFile('catalogue/singer-connectors.json'), 'utf8')) as {
      connectors: CatalogueEntry[];
    }
  ).connectors;
  return loaded;
}

/**
 * A registration body with its catalogue entry filled in: the entry gives kind, label, install and
 * command, and `incremental` when it keeps state; what the body says itself wins.
 */
export function withCatalogueEntry<T extends RegistrationFields>(body: T): T {
  if (body.catalogue === undefined) return body;
  const entry = singerCatalogue().find((e) => e.id === body.catalogue);
  if (!entry) throw notFound('catalogue entry', { catalogue: body.catalogue });
  const { catalogue: _c, ...own } = body;
  return {
    kind: entry.kind,
    label: entry.name,
    install: entry.install,
    command: entry.command,
    ...own,
    capabilities: { ...(entry.kind === 'source' ? { incremental: entry.capabilities.includes('state') } : {}), ...own.capabilities },
  } as unknown as T;
}
