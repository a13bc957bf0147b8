import type { BuiltinConnector } from '../../sdk/connector.js';
import { urlHosts } from '../url-hosts.js';
import { batchWriterTarget } from '../write/write-loop.js';
import { fillUrl, httpConfigSchema } from './http-config.js';
import { httpWriter } from './http-target.js';

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
  // Templates may name another host than `url`: each is filled as a call would fill it.
  outboundHosts: (config) => {
    const url = typeof config.url === 'string' ? config.url.replace(/\/+$/, '') : '';
    return urlHosts(config, ['url', 'create_url', 'update_url', 'delete_url', 'batch_url'], (t) => fillUrl(t, url, 'id'));
  },
};
