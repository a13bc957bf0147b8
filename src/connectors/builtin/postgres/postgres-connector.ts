import type { BuiltinConnector } from '../../sdk/connector.js';
import { postgresConfigSchema, postgresHosts } from './postgres-config.js';
import { postgresWriter } from './postgres-target.js';
import { batchWriterTarget } from '../write/write-loop.js';

/** `postgres`: upserts streams into PostgreSQL tables (by key or by external id). */
export const postgresConnector: BuiltinConnector = {
  definition: {
    id: 'postgres',
    kind: 'target',
    label: 'PostgreSQL',
    config_schema: postgresConfigSchema,
    capabilities: { discover: false, incremental: false, write: true, native_external_id: true, write_results: true },
  },
  target: batchWriterTarget(postgresWriter),
  writer: postgresWriter,
  outboundHosts: postgresHosts,
};
