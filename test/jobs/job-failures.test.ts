import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { fixture, registerTestConnectors, sourceFlow } from '../support/singer-flow.js';
import { until } from '../support/until.js';

describe('jobs whose connectors misbehave', () => {
  let h: Harness;
  let tap: string;
  let target: string;
  before(async () => {
    h = await startHarness();
    ({ tap, target } = await registerTestConnectors(h, 'python'));
  });
  after(async () => h.stop());

  test('a tap that dies fails the job SYNC_FAILED with its last stderr lines, and nothing is exported', async () => {
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'tapdies', tap, target, outDir: out, tenant: 't', sourceConfig: { records: 50, fail_after: 7 } });
    const job = await h.waitForJob('tapdies', 't', (await h.api('POST', `/${h.envId}/tapdies/t/jobs`, {})).body.job_id);
    assert.equal(job.status, 'SYNC_FAILED');
    assert.match(job.error, /tap exited with code 1/);
    assert.match(job.error, /fail_after|failing|error/i);
    assert.equal(job.metrics.recordCount.users, 7);
    assert.deepEqual(await fs.readdir(out), []);
    assert.ok(job.status_timestamp.SYNC_FAILED >= job.status_timestamp.SYNC_STARTED);
    assert.equal(job.status_timestamp.EXPORT_STARTED, undefined);
  });

  test('a target that dies halfway fails the job EXPORT_FAILED with its stderr', async () => {
    const out = await h.tmp('out');
    await sourceFlow(h, {
      flow: 'targetdies',
      tap,
      target,
      outDir: out,
      tenant: 't',
      sourceConfig: { records: 3000 },
      targetConfig: { fail_after: 100 },
    });
    const job = await h.waitForJob('targetdies', 't', (await h.api('POST', `/${h.envId}/targetdies/t/jobs`, {})).body.job_id);
    assert.equal(job.status, 'EXPORT_FAILED');
    assert.match(job.error, /target exited with code/);
    const logs = await h.api('GET', `/${h.envId}/targetdies/t/jobs/${job.job_id}/logs`);
    assert.equal(logs.status, 200);
    assert.match(logs.text, /==> target <==/);
  });

  test('streaming: a dying tap fails the sync, a dying target fails the export', async () => {
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'stream-tapdies', tap, target, outDir: out, tenant: 't', sourceConfig: { records: 500, fail_after: 50 } });
    const tapDies = await h.waitForJob(
      'stream-tapdies',
      't',
      (await h.api('POST', `/${h.envId}/stream-tapdies/t/jobs`, { streaming_job: true })).body.job_id,
    );
    assert.equal(tapDies.status, 'SYNC_FAILED');
    assert.match(tapDies.error, /tap exited with code 1/);
    assert.ok(tapDies.status_timestamp.EXPORT_STARTED, 'tap and target ran together');

    const out2 = await h.tmp('out');
    await sourceFlow(h, {
      flow: 'stream-targetdies',
      tap,
      target,
      outDir: out2,
      tenant: 't',
      sourceConfig: { records: 20000 },
      targetConfig: { fail_after: 100 },
    });
    const targetDies = await h.waitForJob(
      'stream-targetdies',
      't',
      (await h.api('POST', `/${h.envId}/stream-targetdies/t/jobs`, { streaming_job: true })).body.job_id,
    );
    assert.equal(targetDies.status, 'EXPORT_FAILED', targetDies.error);
    assert.match(targetDies.error, /target/);
  });

  test('log lines a tap prints on stdout are counted and reported, not fatal', async () => {
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'chatty', tap, target, outDir: out, tenant: 't', sourceConfig: { records: 20, log_to_stdout: true } });
    const job = await h.waitForJob('chatty', 't', (await h.api('POST', `/${h.envId}/chatty/t/jobs`, {})).body.job_id);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    assert.ok(job.metrics.invalidLines > 0);
    assert.match(job.message, /non-Singer line/);
    assert.deepEqual(job.metrics.recordCount, { users: 20, orders: 20 });
    const jobLog = await fs.readFile(path.join(h.dataDir, 'storage', h.envId, job.s3_root, 'logs/job.log'), 'utf8');
    assert.match(jobLog, /not a Singer message/);
    // the garbage never reaches the sync output
    const sync = await fs.readFile(path.join(h.dataDir, 'storage', h.envId, job.s3_root, 'sync-output/data.singer'), 'utf8');
    assert.doesNotMatch(sync, /^INFO/m);
  });

  test('a tap command that does not exist fails the job with a clear error', async () => {
    await h.api('PUT', `/${h.envId}/connectors/tap-missing`, {
      kind: 'source',
      command: ['/nonexistent/tap-missing'],
      capabilities: { discover: false },
    });
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'missing', tap: 'tap-missing', target, outDir: out, tenant: 't', sourceConfig: {} });
    const job = await h.waitForJob('missing', 't', (await h.api('POST', `/${h.envId}/missing/t/jobs`, {})).body.job_id);
    assert.equal(job.status, 'SYNC_FAILED');
    assert.match(job.error, /tap-missing|ENOENT|not found|cannot/i);
  });

  test('a discover that fails ends DISCOVER_FAILED', async () => {
    // A tap whose --discover prints garbage: a tiny shell script.
    const dir = await h.tmp('bad-tap');
    const script = path.join(dir, 'tap-bad.sh');
    await fs.writeFile(script, '#!/bin/sh\necho "this is not a catalog"\necho "boom" >&2\nexit 3\n', { mode: 0o755 });
    await h.api('PUT', `/${h.envId}/connectors/tap-bad`, { kind: 'source', command: [script] });
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'baddiscover', tap: 'tap-bad', target, outDir: out, tenant: 't', sourceConfig: {} });
    const job = await h.waitForJob('baddiscover', 't', (await h.api('POST', `/${h.envId}/baddiscover/t/jobs`, {})).body.job_id);
    assert.equal(job.status, 'DISCOVER_FAILED');
    assert.match(job.error, /boom/);
  });

  test('a target that exits 0 before reading all of its input fails the export: no record is lost unseen', async () => {
    // It reads one chunk of its stdin (the ETL output file itself, since nothing is looked up on
    // the way), writes nothing and says it is done.
    const dir = await h.tmp('quitter');
    const script = path.join(dir, 'target-quits.mjs');
    await fs.writeFile(script, "process.stdin.once('data', () => process.exit(0));\n");
    await h.api('PUT', `/${h.envId}/connectors/target-quits`, { kind: 'target', command: [process.execPath, script] });
    const out = await h.tmp('out');
    await sourceFlow(h, { flow: 'quitter', tap, target: 'target-quits', outDir: out, tenant: 't', sourceConfig: { records: 5000 } });
    const job = await h.waitForJob('quitter', 't', (await h.api('POST', `/${h.envId}/quitter/t/jobs`, {})).body.job_id);
    assert.equal(job.status, 'EXPORT_FAILED');
    assert.match(job.error, /feeding the target failed .*the target exited having read \d+ of the \d+ bytes of its input/);
    // The same target reading everything passes: the check is the read position, not the exit.
    await fs.writeFile(script, "process.stdin.on('data', () => {}).on('end', () => process.exit(0));\n");
    const whole = await h.waitForJob('quitter', 't', (await h.api('POST', `/${h.envId}/quitter/t/jobs`, {})).body.job_id);
    assert.equal(whole.status, 'JOB_COMPLETED', whole.error ?? '');
  });

  test('cancel stops a running job and its connector processes', async () => {
    const out = await h.tmp('out');
    // A copy of the tap under a unique name, so only this job's processes are looked for.
    const tapCopy = path.join(await h.tmp('tapcopy'), 'tap-cancel-marker.py');
    await fs.copyFile(fixture('tap-numbers.py'), tapCopy);
    await h.api('PUT', `/${h.envId}/connectors/tap-cancel`, { kind: 'source', command: ['python3', tapCopy] });
    await sourceFlow(h, {
      flow: 'slow',
      tap: 'tap-cancel',
      target,
      outDir: out,
      tenant: 't',
      sourceConfig: { records: 100000, sleep_ms: 20 },
    });
    const created = await h.api('POST', `/${h.envId}/slow/t/jobs`, {});
    await h.waitForJob('slow', 't', created.body.job_id, { until: (s) => s === 'SYNC_STARTED' });
    await until('the tap running', 20_000, async () => (await processesWith(tapCopy)).length > 0);
    const cancelled = await h.api('POST', `/${h.envId}/slow/t/jobs/${created.body.job_id}/cancel`);
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.body.status, 'JOB_CANCELLED');
    // the tap (python3 tap-numbers.py) must be gone within a few seconds
    await until('the tap process gone after the cancel', 20_000, async () => (await processesWith(tapCopy)).length === 0);
    const again = await h.api('POST', `/${h.envId}/slow/t/jobs/${created.body.job_id}/cancel`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'INVALID_JOB_TRANSITION');
    const final = (await h.api('GET', `/${h.envId}/slow/t/jobs/${created.body.job_id}`)).body;
    assert.equal(final.status, 'JOB_CANCELLED');
  });
});

/** Pids whose command line contains `needle` (read from /proc). */
async function processesWith(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (cmd.includes(needle)) pids.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return pids;
}
