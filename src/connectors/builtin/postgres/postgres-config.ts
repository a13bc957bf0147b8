import { invalid } from '../../../errors/sinew-error.js';
import { optionalString, positiveInteger } from '../write/config-reading.js';

const ID = 'postgres';

export const postgresConfigSchema = {
  type: 'object',
  properties: {
    connection_string: { type: 'string', writeOnly: true, description: 'postgres://user:password@host:port/database (or the fields below).' },
    host: { type: 'string' },
    port: { type: 'integer', default: 5432 },
    user: { type: 'string' },
    password: { type: 'string', writeOnly: true },
    database: { type: 'string' },
    schema: { type: 'string', default: 'public' },
    table: { type: 'object', additionalProperties: { type: 'string' }, description: 'Stream name → table name; default: the stream name.' },
    key_properties: {
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'string' } },
      description: 'Stream name → key columns, overriding the SCHEMA message key_properties.',
    },
    external_id_column: { type: 'string', default: 'external_id', description: 'Unique column holding the records\' externalId.' },
    batch_size: { type: 'integer', minimum: 1, maximum: 10000, default: 500 },
  },
} as const;

export interface PostgresTargetConfig {
  connection: { connectionString: string } | { host?: string; port?: number; user?: string; password?: string; database?: string };
  schema: string;
  tables: Record<string, string>;
  keyProperties: Record<string, string[]>;
  externalIdColumn: string;
  batchSize: number;
}

export function readPostgresConfig(config: Record<string, unknown>): PostgresTargetConfig {
  const connectionString = optionalString(config, 'connection_string', '', ID);
  const tables = config.table ?? {};
  if (typeof tables !== 'object' || Array.isArray(tables) || Object.values(tables as object).some((v) => typeof v !== 'string')) {
    throw invalid(`${ID}: config.table must map stream names to table names`, { field: 'table' });
  }
  const keys = config.key_properties ?? {};
  if (typeof keys !== 'object' || Array.isArray(keys) || Object.values(keys as object).some((v) => !Array.isArray(v) || v.some((k) => typeof k !== 'string'))) {
    throw invalid(`${ID}: config.key_properties must map stream names to arrays of column names`, { field: 'key_properties' });
  }
  const host = optionalString(config, 'host', '', ID);
  if (connectionString === '' && host === '') throw invalid(`${ID}: config.connection_string or config.host is required`, { field: 'connection_string' });
  return {
    connection: connectionString !== ''
      ? { connectionString }
      : {
          host,
          port: positiveInteger(config, 'port', 5432, ID, 65535),
          user: optionalString(config, 'user', 'postgres', ID),
          password: optionalString(config, 'password', '', ID) || undefined,
          database: optionalString(config, 'database', 'postgres', ID),
        },
    schema: optionalString(config, 'schema', 'public', ID),
    tables: tables as Record<string, string>,
    keyProperties: keys as Record<string, string[]>,
    externalIdColumn: optionalString(config, 'external_id_column', 'external_id', ID),
    batchSize: positiveInteger(config, 'batch_size', 500, ID, 10_000),
  };
}

/** A quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The hosts a config connects to, for the link-time address check: `host`, or the host of
 * `connection_string` (its `host=` parameter wins, as node-postgres reads it; a Unix socket path
 * counts as loopback). No host at all means node-postgres's default, localhost.
 */
export function postgresHosts(config: Record<string, unknown>): Array<{ field: string; host: string }> {
  const text = typeof config.connection_string === 'string' ? config.connection_string : '';
  if (text !== '') {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return [];
    }
    const host = parsed.searchParams.get('host') || decodeURIComponent(parsed.hostname).replace(/^\[|\]$/g, '') || 'localhost';
    return [{ field: 'connection_string', host }];
  }
  return typeof config.host === 'string' && config.host !== '' ? [{ field: 'host', host: config.host }] : [];
}
