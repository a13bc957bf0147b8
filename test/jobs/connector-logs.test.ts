import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expectedLog, LOUD_TAP, loudStderr } from '../support/loud-stderr.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const KIB = 1024;
const MIB = 1024 * KIB;

/** One section (`==> tap <==`…) of the text the job logs endpoint answers. */
function logSection(text: string, name: string): string {
  const start = text.indexOf(`==> ${name} <==\n`);
  assert.ok(start >= 0, `the logs have a ${name} section`);
  const body = text.slice(start + `==> ${name} <==\n`.length);
  const next = body.search(/\n==> \w+ <==\n/);
  return next < 0 ? body : body.slice(0, next);
}

describe("a job's connector logs are bounded by the job settings connector_log_head_mb / connector_log_tail_mb", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    const tap = await h.api('PUT', `/${h.envId}/connectors/tap-loud`, { kind: 'source', command: [process.execPath, LOUD_TAP] });
    assert.equal(tap.status, 200, tap.text);
  });
  after(async () => h.stop());

  test("the environment's head and the flow's tail apply to the tap's log; the job still completes", async () => {
    const env = await h.api('PUT', `/${h.envId}/settings`, { job_settings: { connector_log_head_mb: 0.25, connector_log_tail_mb: 2 } });
    assert.equal(env.status, 200, env.text);
    const out = await h.tmp('out');
    const flow = await h.api('PUT', `/${h.envId}/flows/loud`, {
      name: 'loud',
      type: 'v1-source',
      connectors: ['tap-loud'],
      target: { connector: 'jsonl', config: { path: out } },
      // Field by field: the flow's tail, the environment's head.
      job_settings: { connector_log_tail_mb: 0.125 },
    });
    assert.equal(flow.status, 200, flow.text);
    const total = 8 * MIB;
    const link = await h.api('POST', `/${h.envId}/loud/t/linkedSources`, { source: { tap: 'tap-loud', config: { stderr_bytes: total } } });
    assert.equal(link.status, 200, link.text);

    const job = await h.waitForJob('loud', 't', (await h.api('POST', `/${h.envId}/loud/t/jobs`, {})).body.job_id);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    assert.equal(await fs.readFile(path.join(out, 'noise.jsonl'), 'utf8'), '{"id":1}\n');

    const logs = await h.api('GET', `/${h.envId}/loud/t/jobs/${job.job_id}/logs`);
    assert.equal(logs.status, 200, logs.text);
    const tapLog = logSection(logs.text, 'tap');
    const expected = expectedLog(loudStderr(total), 256 * KIB, 128 * KIB).toString();
    assert.equal(tapLog.length, expected.length, 'head + notice + tail, not the 8 MiB the tap wrote');
    assert.ok(tapLog === expected, 'the first 256 KiB, the notice, then the last 128 KiB');
    assert.match(tapLog, new RegExp(`\\[sinew: ${total - 384 * KIB} bytes of stderr dropped here\\]`));
  });

  test('the limits must be numbers of at least 0', async () => {
    for (const job_settings of [{ connector_log_head_mb: -1 }, { connector_log_tail_mb: 'big' }]) {
      const res = await h.api('PUT', `/${h.envId}/settings`, { job_settings });
      assert.equal(res.status, 400, res.text);
    }
  });
});
