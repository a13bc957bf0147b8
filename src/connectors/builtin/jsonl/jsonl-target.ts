import type { TargetConnector } from '../../sdk/connector.js';
import { writeStreams } from '../file-target.js';
import { streamFilePath } from '../stream-files.js';
import { readJsonlTargetConfig } from './jsonl-config.js';
import { JsonlStreamWriter } from './jsonl-stream-writer.js';

/**
 * Each stream written to `<path>/<stream>.jsonl` (the directory created when missing): appended to,
 * or with `mode: "overwrite"` emptied when the run first writes the stream.
 */
export const jsonlTarget: TargetConnector = {
  async write(ctx, messages) {
    const { directory, mode } = await readJsonlTargetConfig(ctx.config);
    // A file is emptied once per run: two stream names that map to one file name must not empty
    // what the other already wrote. (writeStreams opens a stream's writer only on its first SCHEMA.)
    const emptied = new Set<string>();
    await writeStreams('jsonl', ctx, messages, async (schema) => {
      const file = await directory.checkedFile(streamFilePath(directory.path, schema.stream, '.jsonl'));
      const emptyFirst = mode === 'overwrite' && !emptied.has(file);
      emptied.add(file);
      return JsonlStreamWriter.open(file, emptyFirst);
    });
  },
};
