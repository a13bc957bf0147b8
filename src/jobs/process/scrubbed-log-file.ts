import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import type { SecretScrubber } from '../../crypto/secret-scrubber.js';

/**
 * Rewrites a log file with the job's secrets scrubbed, for output Sinew does not read as it comes
 * (an ETL script's stdout goes straight to its log). Streamed through a temp file beside it and
 * renamed over it, so a large log costs no memory and a reader never sees half a file.
 */
export async function scrubLogFile(file: string, scrubber: SecretScrubber): Promise<void> {
  if (scrubber.empty) return;
  const exists = await fs.stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!exists) return;
  const temp = `${file}.scrubbing`;
  const filter = scrubber.stream();
  const decoder = new StringDecoder('utf8');
  await pipeline(
    createReadStream(file),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) yield filter.write(decoder.write(chunk));
      yield filter.write(decoder.end()) + filter.end();
    },
    createWriteStream(temp),
  );
  await fs.rename(temp, file);
}
