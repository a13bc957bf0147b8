import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Harness, startHarness } from '../support/sinew-harness.js';
import { sourceFlow } from '../support/singer-flow.js';

const fixtures = fileURLToPath(new URL('../fixtures/install/', import.meta.url));

/** Waits (polling GET) until the connector's install is no longer `installing`. */
async function installEnded(h: Harness, id: string, timeoutMs = 120_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await h.api('GET', `/${h.envId}/connectors/${id}`);
    assert.equal(got.status, 200, got.text);
    if (got.body.install?.status !== 'installing') return got.body;
    if (Date.now() > until) assert.fail(`install of ${id} still running: ${JSON.stringify(got.body.install)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('connectors Sinew installs itself (issue #18)', () => {
  let h: Harness;
  /** The installs expected to fail start together (a venv takes seconds); their tests check them later. */
  const failing: Record<string, Promise<any>> = {};
  before(async () => {
    // --no-index --find-links: no public index, only local packages (a path spec needs none).
    h = await startHarness({ env: { SINEW_PIP_FIND_LINKS: fixtures } });
    const put = (id: string, body: unknown): Promise<any> => {
      const answer = h.api('PUT', `/${h.envId}/connectors/${id}`, body);
      answer.catch(() => {}); // awaited by its test; a run filtered to other tests never does
      return answer;
    };
    failing.broken = put('tap-broken', { kind: 'source', install: { pip: path.join(fixtures, 'tap-broken') } });
    failing.secret = put('tap-secret', { kind: 'source', install: { pip: 'git+https://user:s3cr3t-token@example.invalid/tap.git' } });
    // No index here: this install fails, but the registration takes the entry's fields.
    failing.catalogue = put('my-csv', { catalogue: 'tap-csv' });
  });
  after(() => h.stop());

  test('a Singer SDK–style tap installs from a local package into its own venv, is probed, and runs a job', async () => {
    const put = await h.api('PUT', `/${h.envId}/connectors/tap-tiny`, {
      kind: 'source',
      install: { pip: path.join(fixtures, 'tap-tiny') },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.install.status, 'installing');
    assert.equal(put.body.probe.method, 'none');
    const [program] = put.body.runtime.command as string[];
    assert.ok(program!.startsWith(path.join(h.dataDir, 'connectors')), program);
    assert.ok(program!.endsWith(path.join('venv', 'bin', 'tap-tiny')), program);
    // A second request while it installs joins it: one install.
    const again = await h.api('POST', `/${h.envId}/connectors/tap-tiny/install`);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.install.requested_at, put.body.install.requested_at, 'the running install was joined, not restarted');

    const def = await installEnded(h, 'tap-tiny');
    assert.equal(def.install.status, 'installed', def.install.log_tail.join('\n'));
    assert.ok(def.install.finished_at);
    assert.equal(def.install.log_tail.filter((l: string) => l.includes('-m pip install')).length, 1, 'pip ran once');
    assert.ok(def.install.log_tail.some((l: string) => l.includes('--no-index')));
    // Capabilities found by --about --format=json on the installed program.
    assert.equal(def.probe.method, 'about');
    assert.equal(def.probe.state, true);
    assert.equal(def.capabilities.discover, true);
    assert.equal(def.runtime.catalog_flag, '--catalog');
    assert.deepEqual(Object.keys(def.config_schema.properties), ['rows']);

    const out = await h.tmp('tiny-out');
    await sourceFlow(h, { flow: 'tiny', tap: 'tap-tiny', target: 'jsonl', outDir: out, tenant: 't', sourceConfig: { rows: 5 } });
    const created = await h.api('POST', `/${h.envId}/tiny/t/jobs`, {});
    assert.equal(created.status, 200, created.text);
    const job = await h.waitForJob('tiny', 't', created.body.job_id);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    const lines = (await fs.readFile(path.join(out, 'items.jsonl'), 'utf8')).trim().split('\n');
    assert.equal(lines.length, 5);

    // Registering the same spec again keeps the install (no new venv) and probes again.
    const same = await h.api('PUT', `/${h.envId}/connectors/tap-tiny`, {
      kind: 'source',
      label: 'Tiny',
      install: { pip: path.join(fixtures, 'tap-tiny') },
    });
    assert.equal(same.status, 200, same.text);
    assert.equal(same.body.install.status, 'installed');
    assert.equal(same.body.install.finished_at, def.install.finished_at);
    assert.equal(same.body.probe.method, 'about');
  });

  test('a package that does not build ends failed with its log; nothing else is lost', async () => {
    const put = await failing.broken!;
    assert.equal(put.status, 200, put.text);
    const def = await installEnded(h, 'tap-broken');
    assert.equal(def.install.status, 'failed');
    assert.match(def.install.error, /exited with code/);
    assert.ok(
      def.install.log_tail.some((l: string) => l.includes('no_such_backend_for_sinew_tests')),
      def.install.log_tail.join('\n'),
    );
    // A job cannot run it, and the installed connector beside it still works.
    const listed = await h.api('GET', `/${h.envId}/connectors`);
    assert.ok(listed.body.some((c: any) => c.id === 'tap-tiny' && c.install.status === 'installed'));
    assert.equal(
      (
        await h.api('PUT', `/${h.envId}/flows/broken`, {
          name: 'broken',
          type: 'v1-source',
          connectors: ['tap-broken'],
          target: { connector: 'jsonl', config: { path: await h.tmp('b') } },
        })
      ).status,
      200,
    );
  });

  test('a local directory installs as it is (path), and credentials in a spec never reach the log', async () => {
    const dir = await h.tmp('path-tap');
    await fs.mkdir(path.join(dir, 'bin'));
    await fs.writeFile(
      path.join(dir, 'bin', 'tap-echo'),
      '#!/bin/sh\necho "usage: tap-echo --config CONFIG [--discover] [--state STATE]"\n',
      { mode: 0o755 },
    );
    const put = await h.api('PUT', `/${h.envId}/connectors/tap-echo`, {
      kind: 'source',
      install: { path: dir },
      command: ['bin/tap-echo'],
    });
    assert.equal(put.status, 200, put.text);
    const def = await installEnded(h, 'tap-echo');
    assert.equal(def.install.status, 'installed', def.install.log_tail.join('\n'));
    assert.equal(def.probe.method, 'help');
    assert.equal(def.runtime.catalog_flag, 'none');

    const secret = await failing.secret!;
    assert.equal(secret.status, 200, secret.text);
    const failed = await installEnded(h, 'tap-secret');
    assert.equal(failed.install.status, 'failed');
    assert.ok(!JSON.stringify(failed.install.log_tail).includes('s3cr3t-token'), failed.install.log_tail.join('\n'));
    assert.ok(failed.install.log_tail.some((l: string) => l.includes('***@example.invalid')));
  });

  test('bad requests: two install kinds, an option as a spec, a built-in, an unknown catalogue entry', async () => {
    const two = await h.api('PUT', `/${h.envId}/connectors/x`, { kind: 'source', install: { pip: 'a', npm: 'b' } });
    assert.equal(two.status, 400, two.text);
    const option = await h.api('PUT', `/${h.envId}/connectors/x`, { kind: 'source', install: { pip: '--index-url=http://evil' } });
    assert.equal(option.status, 400, option.text);
    assert.equal((await h.api('POST', `/${h.envId}/connectors/csv/install`)).status, 409);
    assert.equal((await h.api('POST', `/${h.envId}/connectors/nope/install`)).status, 404);
    const unknown = await h.api('PUT', `/${h.envId}/connectors/x`, { catalogue: 'tap-nowhere' });
    assert.equal(unknown.status, 404, unknown.text);
  });

  test('the catalogue lists well-known connectors, and an entry registers by name', async () => {
    const cat = await h.api('GET', `/${h.envId}/connectors/catalogue`);
    assert.equal(cat.status, 200, cat.text);
    const ids = cat.body.map((e: any) => e.id);
    for (const id of ['tap-postgres', 'tap-mysql', 'tap-csv', 'tap-github', 'target-jsonl', 'target-csv', 'target-postgres'])
      assert.ok(ids.includes(id), id);
    assert.deepEqual(cat.body.find((e: any) => e.id === 'target-postgres').install, { pip: 'pipelinewise-target-postgres' });
    const put = await failing.catalogue!;
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.kind, 'source');
    assert.equal(put.body.label, 'CSV files (MeltanoLabs)');
    assert.deepEqual(put.body.install.spec, { pip: 'git+https://github.com/MeltanoLabs/tap-csv.git' });
    assert.ok(put.body.runtime.command[0].endsWith(path.join('venv', 'bin', 'tap-csv')));
    // tap-csv declares catalog and discover only: it keeps no state, so its links are not incremental.
    assert.equal(put.body.capabilities.incremental, false);
    assert.equal((await installEnded(h, 'my-csv')).install.status, 'failed');
  });
});

describe('a catalogue entry installs by name from a local package index, links and runs (issue #18)', () => {
  let h: Harness;
  let wheels: string;
  before(async () => {
    // The index here is a folder holding one wheel named as the catalogue's tap-postgres entry
    // asks (meltanolabs-tap-postgres, program tap-postgres): tap-tiny's code under that name.
    wheels = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-wheels-'));
    const backend = path.join(fixtures, 'tap-tiny', 'backend');
    execFileSync(
      'python3',
      ['-c', 'import sys; sys.path.insert(0, sys.argv[1]); import tiny_backend; tiny_backend.build_wheel(sys.argv[2])', backend, wheels],
      {
        env: { ...process.env, TINY_PROJECT: 'meltanolabs-tap-postgres', TINY_SCRIPT: 'tap-postgres' },
      },
    );
    h = await startHarness({ env: { SINEW_PIP_FIND_LINKS: wheels } });
  });
  after(async () => {
    await h.stop();
    await fs.rm(wheels, { recursive: true, force: true });
  });

  test('PUT {catalogue} installs the entry, the link takes its config, a job runs it', async () => {
    const put = await h.api('PUT', `/${h.envId}/connectors/warehouse-db`, { catalogue: 'tap-postgres' });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body.install.spec, { pip: 'meltanolabs-tap-postgres' });
    assert.equal(put.body.capabilities.incremental, true, 'it keeps state');
    const def = await installEnded(h, 'warehouse-db');
    assert.equal(def.install.status, 'installed', def.install.log_tail.join('\n'));
    assert.ok(def.runtime.command[0].endsWith(path.join('venv', 'bin', 'tap-postgres')), def.runtime.command[0]);
    assert.equal(def.probe.method, 'about');

    const out = await h.tmp('catalogue-out');
    await sourceFlow(h, {
      flow: 'from-catalogue',
      tap: 'warehouse-db',
      target: 'jsonl',
      outDir: out,
      tenant: 't',
      sourceConfig: { rows: 4 },
    });
    const created = await h.api('POST', `/${h.envId}/from-catalogue/t/jobs`, {});
    assert.equal(created.status, 200, created.text);
    const job = await h.waitForJob('from-catalogue', 't', created.body.job_id);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);
    const lines = (await fs.readFile(path.join(out, 'items.jsonl'), 'utf8')).trim().split('\n');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).name),
      ['item 1', 'item 2', 'item 3', 'item 4'],
    );
  });
});

describe('npm installs and installs a restart interrupted', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  test('a local npm package installs into its own prefix and its program is probed', async () => {
    const put = await h.api('PUT', `/${h.envId}/connectors/target-tiny-npm`, {
      kind: 'target',
      install: { npm: path.join(fixtures, 'target-tiny-npm') },
    });
    assert.equal(put.status, 200, put.text);
    const def = await installEnded(h, 'target-tiny-npm');
    assert.equal(def.install.status, 'installed', def.install.log_tail.join('\n'));
    assert.ok(def.runtime.command[0].endsWith(path.join('node_modules', '.bin', 'target-tiny-npm')));
    assert.equal(def.probe.method, 'help');
  });

  test('an install still marked installing at start-up is marked failed, not resumed', async () => {
    const { store, installer } = h.sinew.services;
    const at = new Date(Date.now() - 60_000).toISOString();
    await store.connectors.put(h.envId, {
      id: 'tap-cut',
      kind: 'source',
      config_schema: {},
      capabilities: { discover: true, incremental: false, write: false, native_external_id: false },
      runtime: { runtime: 'singer', command: ['/nonexistent/tap-cut'] },
      builtin: false,
      install: {
        spec: { pip: 'tap-cut' },
        hash: '0123456789abcdef',
        status: 'installing',
        requested_at: at,
        started_at: at,
        log_tail: ['$ pip install tap-cut'],
      },
    });
    await installer.recoverInterrupted();
    const def = (await h.api('GET', `/${h.envId}/connectors/tap-cut`)).body;
    assert.equal(def.install.status, 'failed');
    assert.equal(def.install.error, 'interrupted by a restart');
    assert.deepEqual(def.install.log_tail.slice(0, 1), ['$ pip install tap-cut']);
  });
});
