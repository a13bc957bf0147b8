import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type AnyMessage, type ClassifiedLine, classifyLine } from '../singer/line-classifier.js';
import { readLineBatches } from '../singer/line-reader.js';

export type MessageLine = Extract<ClassifiedLine, { kind: 'message' }>;

/** The Singer files of a sync-output folder, in name order (today one: `data.singer`). */
async function singerFiles(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir))
      .filter((f) => f.endsWith('.singer'))
      .sort()
      .map((f) => path.join(dir, f));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Every Singer line of the sync output, classified (RECORD lines are parsed only when asked). */
export async function* readSyncLines(dir: string): AsyncGenerator<MessageLine> {
  for (const file of await singerFiles(dir)) {
    for await (const batch of readLineBatches(createReadStream(file, { highWaterMark: 1024 * 1024 }))) {
      for (const raw of batch) {
        const line = classifyLine(raw);
        if (line.kind === 'message') yield line;
      }
    }
  }
}

/** Every message of the sync output (SCHEMA, RECORD, STATE, …), numbers exact. */
export async function* readSyncMessages(dir: string, filter: { stream?: string; type?: string } = {}): AsyncGenerator<AnyMessage> {
  for await (const line of readSyncLines(dir)) {
    if (filter.stream !== undefined && line.stream !== filter.stream) continue;
    if (filter.type !== undefined && line.type !== filter.type) continue;
    yield line.message();
  }
}

/** The records of one stream, as plain objects. */
export async function* readSyncRecords(dir: string, stream: string): AsyncGenerator<Record<string, unknown>> {
  for await (const line of readSyncLines(dir)) {
    if (line.type !== 'RECORD' || line.stream !== stream) continue;
    yield (line.message() as unknown as { record: Record<string, unknown> }).record;
  }
}
