import type { BuiltinConnector } from '../../sdk/connector.js';
import { mysqlConfigSchema, mysqlHosts } from './mysql-config.js';
import { mysqlSource } from './mysql-source.js';

/** `mysql`: reads the tables of a MySQL or MariaDB database as streams (full or incremental). */
export const mysqlConnector: BuiltinConnector = {
  definition: {
    id: 'mysql',
    kind: 'source',
    label: 'MySQL / MariaDB',
    config_schema: mysqlConfigSchema,
    capabilities: { discover: true, incremental: true, write: false, native_external_id: false },
  },
  source: mysqlSource,
  outboundHosts: mysqlHosts,
};
