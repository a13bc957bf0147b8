import type { SourceConnector } from '../../sdk/connector.js';
import { discoverFiles, type FileFormat, syncFiles } from '../file-source.js';
import { readJsonlConfig } from './jsonl-config.js';
import { discoverJsonlStream } from './jsonl-discovery.js';
import { readJsonlRecords } from './jsonl-records.js';

const jsonlFormat: FileFormat = {
  connectorId: 'jsonl',
  extension: '.jsonl',
  discoverStream: discoverJsonlStream,
  // JSON carries its own types, so values are emitted as parsed, not re-typed by the schema.
  readRecords: (file) => readJsonlRecords(file),
};

export const jsonlSource: SourceConnector = {
  async discover(config) {
    return discoverFiles(jsonlFormat, (await readJsonlConfig(config)).directory);
  },
  async sync(ctx) {
    await syncFiles(jsonlFormat, (await readJsonlConfig(ctx.config)).directory, ctx);
  },
};
