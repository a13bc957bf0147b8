import type { FromSchema } from 'json-schema-to-ts';
import { configReader } from '../config-from-schema.js';

const ID = 'mysql';

export const mysqlConfigSchema = {
  type: 'object',
  required: ['host', 'database'],
  properties: {
    host: { type: 'string' },
    port: { type: 'integer', minimum: 1, maximum: 65535, default: 3306 },
    user: { type: 'string', default: 'root' },
    password: { type: 'string', writeOnly: true },
    database: { type: 'string', description: 'The database whose tables are streams.' },
    replication_keys: {
      type: 'object',
      additionalProperties: { type: 'string' },
      default: {},
      description:
        'Stream (table) name → replication key column (a number, date or timestamp); those streams sync incrementally from their bookmark (>=).',
    },
  },
} as const;

type MysqlSchemaConfig = FromSchema<typeof mysqlConfigSchema>;
export const readMysqlConfig = configReader<MysqlSchemaConfig>(ID, mysqlConfigSchema);
export type MysqlConfig = MysqlSchemaConfig;

/** The host a config connects to, for the link-time address check. */
export function mysqlHosts(config: Record<string, unknown>): Array<{ field: string; host: string }> {
  return typeof config.host === 'string' && config.host !== '' ? [{ field: 'host', host: config.host }] : [];
}

/** A quoted MySQL identifier. */
export function mysqlIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}
