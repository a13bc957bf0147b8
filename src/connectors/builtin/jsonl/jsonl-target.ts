import type { TargetConnector } from '../../sdk/connector.js';
import { writeStreams } from '../file-target.js';
import { streamFilePath } from '../stream-files.js';
import { readJsonlConfig } from './jsonl-config.js';
import { JsonlStreamWriter } from './jsonl-stream-writer.js';

/** Each stream appended to `<path>/<stream>.jsonl`. */
export const jsonlTarget: TargetConnector = {
  async write(ctx, messages) {
    const { path } = readJsonlConfig(ctx.config);
    await writeStreams('jsonl', ctx, messages, (schema) =>
      JsonlStreamWriter.open(streamFilePath(path, schema.stream, '.jsonl')),
    );
  },
};
