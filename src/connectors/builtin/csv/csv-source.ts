import type { SourceConnector } from '../../sdk/connector.js';
import { discoverFiles, type FileFormat, syncFiles } from '../file-source.js';
import { rowTyper } from './csv-cell-parsing.js';
import { readCsvConfig } from './csv-config.js';
import { discoverCsvStream } from './csv-discovery.js';
import { readCsvRows } from './csv-rows.js';

function csvFormat(delimiter: string): FileFormat {
  return {
    connectorId: 'csv',
    extension: '.csv',
    discoverStream: (file) => discoverCsvStream(file, delimiter),
    async *readRecords(file, schema) {
      const typeRow = rowTyper(schema);
      for await (const row of readCsvRows(file, delimiter)) yield typeRow(row);
    },
  };
}

export const csvSource: SourceConnector = {
  async discover(config) {
    const { directory, delimiter } = await readCsvConfig(config);
    return discoverFiles(csvFormat(delimiter), directory);
  },
  async sync(ctx) {
    const { directory, delimiter } = await readCsvConfig(ctx.config);
    await syncFiles(csvFormat(delimiter), directory, ctx);
  },
};
