import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { csvConnector } from '../../src/connectors/builtin/csv/csv-connector.js';
import { STATE_EVERY } from '../../src/connectors/builtin/record-stream-sync.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const ROWS = 200_000;

async function writeBigCsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('id,name,amount,updated_at,note\n');
  const base = Date.UTC(2024, 0, 1);
  for (let i = 1; i <= ROWS; i++) {
    const line = `${i},user ${i},${(i % 1000) / 4},${new Date(base + i * 1000).toISOString()},"some, quoted text ${i}"\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

test('a 200k-row CSV syncs in bounded memory, with periodic STATE', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sinew-csv-mem-'));
  try {
    await writeBigCsv(join(dir, 'big.csv'));
    assert.ok((await stat(join(dir, 'big.csv'))).size > 10_000_000);
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let records = 0;
    let states = 0;
    let lastId = 0;
    await csvConnector.source!.sync({
      config: { path: dir },
      catalog: null,
      state: {},
      log: () => {},
      out: {
        write(message) {
          if (message.type === 'STATE') states += 1;
          if (message.type !== 'RECORD') return;
          records += 1;
          lastId = message.record.id as number;
          if (records % 20_000 === 0) {
            gc();
            peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
            // A slow consumer now and then: the source must wait, not buffer.
            return new Promise((resolve) => setTimeout(resolve, 5));
          }
        },
      },
    });
    assert.equal(records, ROWS);
    assert.equal(lastId, ROWS);
    assert.equal(states, ROWS / STATE_EVERY + 1);
    // Holding the rows would take well over 100 MB; streaming stays within a few parser buffers.
    assert.ok(peak < 30 * 1024 * 1024, `heap grew by ${(peak / 1048576).toFixed(1)} MiB`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
