import type { BuiltinConnector } from '../../sdk/connector.js';
import { batchWriterTarget } from '../write/write-loop.js';
import { postgresConfigSchema, postgresHosts } from './postgres-config.js';
import { postgresSource } from './postgres-source.js';
import { postgresWriter } from './postgres-target.js';

/** `postgres`: reads tables as streams (COPY, full or incremental); upserts streams into tables (by key or by external id). */
export const postgresConnector: BuiltinConnector = {
  definition: {
    id: 'postgres',
    kind: 'both',
    label: 'PostgreSQL',
    config_schema: postgresConfigSchema,
    capabilities: { discover: true, incremental: true, write: true, native_external_id: true, write_results: true },
  },
  source: postgresSource,
  target: batchWriterTarget(postgresWriter),
  writer: postgresWriter,
  outboundHosts: postgresHosts,
};
