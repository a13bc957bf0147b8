import type { BuiltinConnector } from '../../sdk/connector.js';
import { apiSource } from './api-source.js';

/** `api`: the source of write jobs, whose records arrive in the job request's `state`. */
export const apiConnector: BuiltinConnector = {
  definition: {
    id: 'api',
    kind: 'source',
    label: 'API (records in the job request)',
    config_schema: { type: 'object', properties: {} },
    capabilities: { discover: false, incremental: false, write: false, native_external_id: false },
  },
  source: apiSource,
};
