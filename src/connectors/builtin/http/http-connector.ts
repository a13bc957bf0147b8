import type { BuiltinConnector } from '../../sdk/connector.js';
import { httpConfigSchema } from './http-config.js';
import { httpWriter } from './http-target.js';
import { batchWriterTarget } from '../write/write-loop.js';

/** `http`: a generic JSON REST API as a write target. */
export const httpConnector: BuiltinConnector = {
  definition: {
    id: 'http',
    kind: 'target',
    label: 'HTTP API (JSON REST collection)',
    config_schema: httpConfigSchema,
    capabilities: { discover: false, incremental: false, write: true, native_external_id: false, write_results: true },
  },
  target: batchWriterTarget(httpWriter),
  writer: httpWriter,
};
