import type { FromSchema } from 'json-schema-to-ts';
import { invalid } from '../../../errors/sinew-error.js';
import { configReader } from '../config-from-schema.js';

const ID = 'postgres';

export const postgresConfigSchema = {
  type: 'object',
  properties: {
    connection_string: {
      type: 'string',
      writeOnly: true,
      description: 'postgres://user:password@host:port/database (or the fields below).',
    },
    host: { type: 'string' },
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 5432 },
    user: { type: 'string', default: 'postgres' },
    password: { type: 'string', writeOnly: true },
    database: { type: 'string', default: 'postgres' },
    schema: {
      type: 'string',
      default: 'public',
      description: 'Target: the schema written to. Source: the schema read, unless `schemas` is set.',
    },
    schemas: {
      type: 'array',
      items: { type: 'string' },
      minItems: 1,
      description:
        'Source: the schemas whose tables are streams (default: [schema]); with more than one, streams are named <schema>-<table>.',
    },
    replication_keys: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      description:
        'Source: stream name → replication key column (a number, date or timestamp); those streams sync incrementally from their bookmark (>=).',
    },
    table: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      description: 'Stream name → table name; default: the stream name.',
    },
    key_properties: {
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'string' } },
      default: {},
      description: 'Stream name → key columns, overriding the SCHEMA message key_properties.',
    },
    external_id_column: { type: 'string', default: 'external_id', description: "Unique column holding the records' externalId." },
    batch_size: { type: 'integer', minimum: 1, maximum: 10000, default: 500, description: 'Records per INSERT (load: insert).' },
    load: {
      enum: ['copy', 'insert'],
      default: 'copy',
      description:
        'copy: batches of copy_batch_size records go in with COPY FROM STDIN (merged by key through a staging table); results then carry no existing/updated flags. insert: multi-row INSERT … ON CONFLICT of batch_size records, with the flags.',
    },
    copy_batch_size: { type: 'integer', minimum: 1000, maximum: 1000000, default: 50000, description: 'Records per COPY (load: copy).' },
  },
} as const;

export interface PostgresTargetConfig {
  connection: { connectionString: string } | { host?: string; port?: number; user?: string; password?: string; database?: string };
  schema: string;
  tables: Record<string, string>;
  keyProperties: Record<string, string[]>;
  externalIdColumn: string;
  batchSize: number;
  load: 'copy' | 'insert';
  copyBatchSize: number;
}

/** The config as the schema reads it, defaults filled in. */
type PostgresSchemaConfig = FromSchema<typeof postgresConfigSchema>;
const readSchemaConfig = configReader<PostgresSchemaConfig>(ID, postgresConfigSchema);

function connectionOf(c: PostgresSchemaConfig): PostgresTargetConfig['connection'] {
  if (c.connection_string === undefined && c.host === undefined)
    throw invalid(`${ID}: config.connection_string or config.host is required`, { field: 'connection_string' });
  return c.connection_string !== undefined
    ? { connectionString: c.connection_string }
    : { host: c.host, port: c.port, user: c.user, password: c.password, database: c.database };
}

export interface PostgresSourceConfig {
  connection: PostgresTargetConfig['connection'];
  schemas: string[];
  replicationKeys: Record<string, string>;
}

/** The source's reading of the same config: where to connect and which schemas' tables are streams. */
export function readPostgresSourceConfig(config: Record<string, unknown>): PostgresSourceConfig {
  const c = readSchemaConfig(config);
  return {
    connection: connectionOf(c),
    schemas: c.schemas ? [...c.schemas] : [c.schema],
    replicationKeys: c.replication_keys as Record<string, string>,
  };
}

export function readPostgresConfig(config: Record<string, unknown>): PostgresTargetConfig {
  const c = readSchemaConfig(config);
  return {
    connection: connectionOf(c),
    schema: c.schema,
    tables: c.table as Record<string, string>,
    keyProperties: c.key_properties as Record<string, string[]>,
    externalIdColumn: c.external_id_column,
    batchSize: c.batch_size,
    load: c.load,
    copyBatchSize: c.copy_batch_size,
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
