import type { BuiltinConnector } from '../../sdk/connector.js';
import { jsonlConfigSchema } from './jsonl-config.js';
import { jsonlSource } from './jsonl-source.js';
import { jsonlTarget } from './jsonl-target.js';

/** `jsonl`: a directory of JSON Lines files, one stream per file; reads (with bookmarks) and writes. */
export const jsonlConnector: BuiltinConnector = {
  definition: {
    id: 'jsonl',
    kind: 'both',
    label: 'JSON Lines files',
    config_schema: jsonlConfigSchema,
    capabilities: { discover: true, incremental: true, write: true, native_external_id: false },
  },
  localFiles: true,
  source: jsonlSource,
  target: jsonlTarget,
};
