import { stat } from 'node:fs/promises';
import type { TargetConnector } from '../../sdk/connector.js';
import { writeStreams } from '../file-target.js';
import { streamFilePath } from '../stream-files.js';
import { readCsvTargetConfig } from './csv-config.js';
import { readCsvHeader } from './csv-rows.js';
import { CsvStreamWriter } from './csv-stream-writer.js';

async function existingHeader(path: string, delimiter: string): Promise<string[] | null> {
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  return size > 0 ? readCsvHeader(path, delimiter) : null;
}

/** Each stream appended to `<path>/<stream>.csv` (the directory created when missing), header written once per file. */
export const csvTarget: TargetConnector = {
  async write(ctx, messages) {
    const { directory, delimiter } = await readCsvTargetConfig(ctx.config);
    await writeStreams('csv', ctx, messages, async (schema) => {
      const file = await directory.checkedFile(streamFilePath(directory.path, schema.stream, '.csv'));
      return CsvStreamWriter.open(file, delimiter, await existingHeader(file, delimiter), schema, ctx.log);
    });
  },
};
