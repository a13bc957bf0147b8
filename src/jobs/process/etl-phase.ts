import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FieldMap } from '../../model/field-map.js';
import { readLineBatches } from '../../singer/line-reader.js';
import { classifyLine } from '../../singer/line-classifier.js';
import { JOB_FILES } from '../job-root.js';
import { buildFieldMapTransform } from './field-map-transform.js';
import { LineBatchWriter } from './line-batch-writer.js';

/**
 * ETL without a script: `sync-output/data.singer` → `etl-output/data.singer`, shaped by the field map.
 * With no map the bytes are copied as they are (numbers and all), line by line, never whole.
 */
export async function runPassThroughEtl(jobRoot: string, fieldMap: FieldMap | null): Promise<void> {
  const transform = buildFieldMapTransform(fieldMap);
  if (!transform) {
    // Nothing to shape: the sync output holds only valid Singer lines already, so a copy is exact.
    await fs.copyFile(path.join(jobRoot, JOB_FILES.syncData), path.join(jobRoot, JOB_FILES.etlData));
    return;
  }
  const input = createReadStream(path.join(jobRoot, JOB_FILES.syncData), { highWaterMark: 1024 * 1024 });
  const out = new LineBatchWriter([createWriteStream(path.join(jobRoot, JOB_FILES.etlData))]);
  for await (const batch of readLineBatches(input)) {
    for (const raw of batch) {
      const classified = classifyLine(raw);
      const line = classified.kind === 'message' ? transform(classified) : null;
      if (line) {
        const wait = out.write(line);
        if (wait) await wait;
      }
    }
  }
  await out.end();
}
