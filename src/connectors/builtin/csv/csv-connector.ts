import type { BuiltinConnector } from '../../sdk/connector.js';
import { csvConfigSchema } from './csv-config.js';
import { csvSource } from './csv-source.js';
import { csvTarget } from './csv-target.js';

/** `csv`: a directory of CSV files, one stream per file; reads (with bookmarks) and writes. */
export const csvConnector: BuiltinConnector = {
  definition: {
    id: 'csv',
    kind: 'both',
    label: 'CSV files',
    config_schema: csvConfigSchema,
    capabilities: { discover: true, incremental: true, write: true, native_external_id: false },
  },
  localFiles: true,
  source: csvSource,
  target: csvTarget,
};
