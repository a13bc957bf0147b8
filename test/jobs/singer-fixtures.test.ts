import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/singer-sdk-streams/', import.meta.url));

/** Streams Sinew refuses, and why: a RECORD before its SCHEMA fails the sync, naming line and stream. */
const REFUSED: Record<string, RegExp> = {
  'record_before_schema.singer': /RECORD before any SCHEMA of its stream at line 1 \(stream "test_record_before_schema"\)/,
};

async function recordCounts(file: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const line of (await fs.readFile(file, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    let msg: { type?: string; stream?: string };
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    if (msg.type === 'RECORD' && msg.stream) counts[msg.stream] = (counts[msg.stream] ?? 0) + 1;
  }
  return counts;
}

describe('the Singer SDK fixture streams through a whole job (tap prints the stream → Sinew → jsonl target)', () => {
  let h: Harness;
  let files: string[];
  before(async () => {
    h = await startHarness();
    files = (await fs.readdir(FIXTURES)).filter((f) => f.endsWith('.singer')).sort();
  });
  after(async () => h.stop());

  test('every fixture: completes with the right record counts, or is refused with a clear error', async () => {
    assert.ok(files.length >= 20, `expected the fixture streams in ${FIXTURES}`);
    const results = await Promise.all(
      files.map(async (file, i) => {
        const flow = `fx${i}`;
        const out = await h.tmp('fx');
        // A "tap" that prints the fixture: `sh -c 'cat <file>' --config …` ignores the Singer arguments.
        await h.api('PUT', `/${h.envId}/connectors/cat-${i}`, {
          kind: 'source',
          command: ['sh', '-c', `cat "${path.join(FIXTURES, file)}"`],
          capabilities: { discover: false },
        });
        await h.api('PUT', `/${h.envId}/flows/${flow}`, {
          name: file,
          type: 'v1-source',
          connectors: [`cat-${i}`],
          target: { connector: 'jsonl', config: { path: out } },
        });
        await h.api('POST', `/${h.envId}/${flow}/t/linkedSources`, { source: { tap: `cat-${i}`, config: {} } });
        const created = await h.api('POST', `/${h.envId}/${flow}/t/jobs`, {});
        const job = await h.waitForJob(flow, 't', created.body.job_id, { timeoutMs: 120_000 });
        return { file, job, out };
      }),
    );
    for (const { file, job, out } of results) {
      const refused = REFUSED[file];
      if (refused) {
        assert.equal(job.status, 'SYNC_FAILED', `${file}: ${job.status}`);
        assert.match(job.error, refused, file);
        continue;
      }
      assert.equal(job.status, 'JOB_COMPLETED', `${file}: ${job.error}`);
      const expected = await recordCounts(path.join(FIXTURES, file));
      assert.deepEqual(job.metrics.recordCount, expected, file);
      // The target names files after streams made safe for a file system; count all written lines.
      let written = 0;
      for (const name of await fs.readdir(out))
        written += (await fs.readFile(path.join(out, name), 'utf8')).trim().split('\n').filter(Boolean).length;
      assert.equal(
        written,
        Object.values(expected).reduce((a, b) => a + b, 0),
        file,
      );
    }
  });
});
