import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EXAMPLE_FLOW_ID, EXAMPLE_TENANT, installExample } from '../../src/app/example-setup.js';
import { type ApiResponse, type Harness, startHarness } from '../support/sinew-harness.js';
import { until } from '../support/until.js';
import { AttackTally } from './attack-tally.js';
import { tenantFolder, useFilesRoot } from './files-root.js';
import { assertError, type TenantCaller, tenantCaller } from './tenant-caller.js';

// Issue #12, finding 2: a tenant chose file-system paths — it linked `csv` to any directory the
// server can read (another tenant's, the data dir), and job errors told whether a path existed.

const PEOPLE = 'id,name\n1,Ada\n2,Grace\n';
const PAYROLL = 'id,salary\n1,99999\n';

async function readLines(file: string): Promise<string[]> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l !== '');
}

/** Nothing in an answer a tenant reads may name where the server keeps files. */
function assertRevealsNothing(text: string, ...paths: string[]): void {
  for (const p of paths) assert.ok(!text.includes(p), `the answer names ${p}: ${text}`);
  assert.doesNotMatch(text, /exist|ENOENT|EACCES|ELOOP|no such/i, text);
}

describe('file connectors without a files root', () => {
  let h: Harness;
  let acme: TenantCaller;

  before(async () => {
    h = await startHarness({ example: true });
    const put = await h.api('PUT', `/${h.envId}/flows/src`, { name: 'src', type: 'v1-source', connectors: ['csv', 'jsonl'] });
    assert.equal(put.status, 200, put.text);
    acme = await tenantCaller(h, 'acme');
  });
  after(() => h.stop());

  test('a tenant cannot link csv or jsonl (422 naming files.root), whatever the path; the owner still can', async (t) => {
    const tally = new AttackTally();
    const dir = await h.tmp('no-root');
    const answers: ApiResponse[] = [];
    for (const config of [{ path: 'data' }, { path: dir }, { path: '/nonexistent-sinew-path' }]) {
      for (const tap of ['csv', 'jsonl']) {
        const res = await acme.api('POST', `/${h.envId}/src/acme/linkedSources`, { source: { tap, config } });
        tally.refusal(res, 422, 'CONNECTOR_NOT_SUPPORTED');
        assert.equal(res.body.error.details.setting, 'files.root');
        assertRevealsNothing(res.text, dir);
        answers.push(res);
      }
    }
    assert.equal(new Set(answers.map((a) => a.text.replace(/jsonl|csv/g, 'X'))).size, 1, 'the same answer for every path');
    assert.deepEqual((await h.api('GET', `/${h.envId}/src/acme/linkedSources`)).body, []);
    const owner = await h.api('POST', `/${h.envId}/src/owned/linkedSources`, { source: { tap: 'csv', config: { path: dir } } });
    assert.equal(owner.status, 200, owner.text);
    tally.report(t, 'item 2: file links with no files root');
  });

  test("a link stored before links recorded who set the path is the tenant's; the example's is the owner's again", async () => {
    const { store } = h.sinew.services;
    const dir = await h.tmp('legacy');
    await fs.writeFile(path.join(dir, 'people.csv'), PEOPLE);
    assert.equal(
      (await h.api('POST', `/${h.envId}/src/legacy/linkedSources`, { source: { tap: 'csv', config: { path: dir } } })).status,
      200,
    );
    const key = { env_id: h.envId, flow_id: 'src', tenant: 'legacy', role: 'source', connector_id: 'csv' } as const;
    const { path_set_by: _set, ...unmarked } = (await store.links.get(key))!;
    await store.links.put(unmarked);
    const job = await h.api('POST', `/${h.envId}/src/legacy/jobs`, {});
    const done = await h.waitForJob('src', 'legacy', job.body.job_id);
    assert.notEqual(done.status, 'JOB_COMPLETED');
    assert.match(done.error, /files\.root/);

    const exampleKey = { env_id: h.envId, flow_id: EXAMPLE_FLOW_ID, tenant: EXAMPLE_TENANT, role: 'source', connector_id: 'csv' } as const;
    const { path_set_by: _owner, ...oldExample } = (await store.links.get(exampleKey))!;
    await store.links.put(oldExample);
    await installExample(h.sinew.services, h.envId, h.dataDir);
    assert.equal((await store.links.get(exampleKey))!.path_set_by, 'owner');
    const example = await h.api('POST', `/${h.envId}/${EXAMPLE_FLOW_ID}/${EXAMPLE_TENANT}/jobs`, {});
    const ran = await h.waitForJob(EXAMPLE_FLOW_ID, EXAMPLE_TENANT, example.body.job_id);
    assert.equal(ran.status, 'JOB_COMPLETED', ran.error);
  });

  test('files.root must be an absolute, normalized path', async (t) => {
    const tally = new AttackTally();
    for (const root of ['relative/files', '/srv/../etc', '/srv/files/', '/srv//files']) {
      assertError(await h.api('PUT', `/${h.envId}/settings`, { files: { root } }), 400, 'VALIDATION_FAILED');
    }
    const ok = await h.api('PUT', `/${h.envId}/settings`, { files: { root: '/srv/sinew-files' } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.files.root, '/srv/sinew-files');
    tally.refusal(await acme.api('PUT', `/${h.envId}/settings`, { files: { root: '/' } }), 403, 'FORBIDDEN');
    tally.report(t, 'item 2: a tenant setting files.root');
  });
});

describe("file connectors are confined to the tenant's folder under files.root", () => {
  let h: Harness;
  let acme: TenantCaller;
  let root: string;
  let acmeHome: string;
  let otherSecret: string;
  let warehouse: string;
  const sources = () => `/${h.envId}/src/acme/linkedSources`;

  before(async () => {
    h = await startHarness();
    root = await useFilesRoot(h);
    acmeHome = path.join(root, 'tenants', 'acme');
    await tenantFolder(root, 'acme', 'data', { 'people.csv': PEOPLE });
    otherSecret = await tenantFolder(root, 'other', 'secret', { 'payroll.csv': PAYROLL });
    warehouse = await h.tmp('warehouse');
    for (const [flow, def] of Object.entries({
      src: { type: 'v1-source', connectors: ['csv', 'jsonl'], target: { connector: 'jsonl', config: { path: warehouse } } },
      open: {
        type: 'v1-source',
        connectors: ['csv'],
        target: { connector: 'jsonl', config: { path: warehouse } },
        tenant_overrides: ['override_source_config'],
      },
      writer: { type: 'v1-target', connectors: ['jsonl'] },
      bi: { type: 'v2', connectors: ['csv'], target: { connector: 'jsonl', config: { path: warehouse } } },
    })) {
      const put = await h.api('PUT', `/${h.envId}/flows/${flow}`, { name: flow, ...def });
      assert.equal(put.status, 200, put.text);
    }
    acme = await tenantCaller(h, 'acme');
  });
  after(() => h.stop());

  /** Runs a job of acme's and returns it ended. */
  async function runJob(flow: string, body: Record<string, unknown> = {}): Promise<any> {
    const job = await acme.api('POST', `/${h.envId}/${flow}/acme/jobs`, body);
    assert.equal(job.status, 200, job.text);
    return h.waitForJob(flow, 'acme', job.body.job_id);
  }

  test("a path out of the tenant's folder is refused at link time, with one answer whether it exists or not", async (t) => {
    const tally = new AttackTally();
    // Symlinks out, made before linking: to another tenant's folder and to the data dir.
    await fs.symlink(otherSecret, path.join(acmeHome, 'escape'));
    await fs.symlink(h.dataDir, path.join(acmeHome, 'datadir'));
    const attempts = [
      '../other/secret', // another tenant's folder, relative
      otherSecret, // ...and absolute
      h.dataDir, // the data dir
      path.relative(acmeHome, h.dataDir), // ...reached with ..
      '..',
      'data/../../other/secret',
      '/etc',
      '/',
      'escape',
      'datadir',
      'escape/../data',
      '/nonexistent-sinew/x', // missing, outside
      '../other/nope', // missing, in another tenant's folder
      'missing', // missing, in its own folder
      'data/people.csv', // a file, not a folder
    ];
    const links = [
      { url: sources(), body: (p: string) => ({ source: { tap: 'csv', config: { path: p } } }) },
      { url: `/${h.envId}/writer/acme/linkedTargets`, body: (p: string) => ({ target: { target: 'jsonl', config: { path: p } } }) },
      { url: `/v2/${h.envId}/bi/acme/linkedConnectors`, body: (p: string) => ({ connector_id: 'csv', config: { path: p } }) },
    ];
    for (const link of links) {
      const answers = new Set<string>();
      for (const p of attempts) {
        // A target may name a folder its first run makes, inside the tenant's own folder.
        if (link.url !== sources() && p === 'missing') continue;
        const res = await acme.api('POST', link.url, link.body(p));
        tally.refusal(res, 400, 'VALIDATION_FAILED');
        assertRevealsNothing(res.text, root, h.dataDir, otherSecret);
        answers.add(res.text);
      }
      assert.equal(answers.size, 1, `one answer for every refused path: ${[...answers].join('\n')}`);
      assert.deepEqual((await h.api('GET', link.url)).body, [], 'a refused link is not stored');
    }
    await assert.rejects(fs.access('/nonexistent-sinew'), 'nothing was created outside');
    tally.report(t, 'item 2: paths out of the tenant folder at link time');
  });

  test("a path in the tenant's own folder works end to end: relative, or absolute inside it", async () => {
    const link = await acme.api('POST', sources(), { source: { tap: 'csv', config: { path: 'data' } } });
    assert.equal(link.status, 200, link.text);
    assert.equal(link.body.config.path, 'data', 'the link shows the path as the tenant set it');
    const done = await runJob('src');
    assert.equal(done.status, 'JOB_COMPLETED', done.error);
    assert.deepEqual(
      (await readLines(path.join(warehouse, 'people.jsonl'))).map((l) => JSON.parse(l).name),
      ['Ada', 'Grace'],
    );
    const absolute = await acme.api('POST', sources(), { source: { tap: 'csv', config: { path: path.join(acmeHome, 'data') } } });
    assert.equal(absolute.status, 200, absolute.text);
  });

  test('a symlink made after linking does not lead out: the job fails, reads nothing and names no server path', async (t) => {
    const tally = new AttackTally();
    const later = await tenantFolder(root, 'acme', 'later', { 'mine.csv': PEOPLE });
    // Absolute (inside its folder), so that without confinement the job would follow the symlink.
    const link = await acme.api('POST', sources(), { source: { tap: 'csv', config: { path: later } } });
    assert.equal(link.status, 200, link.text);
    await fs.rm(later, { recursive: true });
    await fs.symlink(otherSecret, later);
    const done = await runJob('src', { reset_source_state: true });
    tally.attack(/^(DISCOVER|SYNC)_FAILED$/.test(done.status));
    assert.match(done.status, /^(DISCOVER|SYNC)_FAILED$/, JSON.stringify(done));
    assert.match(done.error, /tenant's own files folder/);
    assertRevealsNothing(`${done.error} ${done.message ?? ''}`, root, otherSecret);
    await assert.rejects(fs.access(path.join(warehouse, 'payroll.jsonl')), 'another tenant’s file was read');
    tally.report(t, 'item 2: a source folder symlinked out after linking');
  });

  test('a target file or folder symlinked out after linking is not written through', async (t) => {
    const tally = new AttackTally();
    const link = await acme.api('POST', `/${h.envId}/writer/acme/linkedTargets`, {
      target: { target: 'jsonl', config: { path: path.join(acmeHome, 'out') } },
    });
    assert.equal(link.status, 200, link.text);
    const write = { tap: 'api', state: { Contacts: [{ id: 1 }] } };
    const first = await runJob('writer', write);
    assert.equal(first.status, 'JOB_COMPLETED', first.error);
    assert.equal((await readLines(path.join(acmeHome, 'out', 'Contacts.jsonl'))).length, 1);

    const victim = path.join(otherSecret, 'victim.jsonl');
    await fs.writeFile(victim, '{"untouched":true}\n');
    await fs.rm(path.join(acmeHome, 'out', 'Contacts.jsonl'));
    await fs.symlink(victim, path.join(acmeHome, 'out', 'Contacts.jsonl'));
    const throughFile = await runJob('writer', write);
    tally.attack(throughFile.status !== 'JOB_COMPLETED');
    assert.notEqual(throughFile.status, 'JOB_COMPLETED');
    assertRevealsNothing(`${throughFile.error}`, root, otherSecret);

    await fs.rm(path.join(acmeHome, 'out'), { recursive: true });
    await fs.symlink(otherSecret, path.join(acmeHome, 'out'));
    const throughFolder = await runJob('writer', write);
    tally.attack(throughFolder.status !== 'JOB_COMPLETED');
    assert.notEqual(throughFolder.status, 'JOB_COMPLETED');
    assertRevealsNothing(`${throughFolder.error}`, root, otherSecret);

    assert.equal(await fs.readFile(victim, 'utf8'), '{"untouched":true}\n');
    await assert.rejects(fs.access(path.join(otherSecret, 'Contacts.jsonl')), 'written into another tenant’s folder');
    tally.report(t, 'item 2: a target file or folder symlinked out after linking');
  });

  test('a path a tenant may send as an override (tenant_overrides) is confined the same way', async (t) => {
    const tally = new AttackTally();
    assert.equal(
      (await acme.api('POST', `/${h.envId}/open/acme/linkedSources`, { source: { tap: 'csv', config: { path: 'data' } } })).status,
      200,
    );
    for (const p of [otherSecret, '../other/secret']) {
      const done = await runJob('open', { override_source_config: { path: p }, reset_source_state: true });
      // No catalog yet: the job's discover is what reads the path first.
      tally.attack(/^(DISCOVER|SYNC)_FAILED$/.test(done.status));
      assert.match(done.status, /^(DISCOVER|SYNC)_FAILED$/, JSON.stringify(done));
      assertRevealsNothing(`${done.error}`, root, otherSecret);
    }
    // Nor can an override lift the confinement itself.
    const lifted = await runJob('open', { override_source_config: { path: otherSecret, confine_to: '/' }, reset_source_state: true });
    tally.attack(/^(DISCOVER|SYNC)_FAILED$/.test(lifted.status));
    assert.match(lifted.status, /^(DISCOVER|SYNC)_FAILED$/, JSON.stringify(lifted));
    await assert.rejects(fs.access(path.join(warehouse, 'payroll.jsonl')), 'another tenant’s file was read');
    tally.report(t, 'item 2: paths in a tenant-allowed override');
  });

  test('a discover through the API is confined too: a folder symlinked out after linking fails it, naming nothing', async (t) => {
    const tally = new AttackTally();
    const disc = await tenantFolder(root, 'acme', 'disc', { 'mine.csv': PEOPLE });
    const base = `/v2/${h.envId}/bi/acme/linkedConnectors`;
    assert.equal((await acme.api('POST', base, { connector_id: 'csv', config: { path: disc } })).status, 200);
    const discover = async (): Promise<any> => {
      const started = await acme.api('POST', `${base}/discover?connector_id=csv`);
      assert.equal(started.status, 200, started.text);
      return until('the discover ends', 30_000, async () => {
        const poll = await acme.api('GET', `${base}/discover/poll?connector_id=csv`);
        return poll.body.status !== 'DISCOVER_STARTED' && poll.body;
      });
    };
    const first = await discover();
    assert.equal(first.status, 'DISCOVER_SUCCESS', first.error);
    assert.deepEqual(
      first.catalog.streams.map((s: { stream: string }) => s.stream),
      ['mine'],
    );
    await fs.rm(disc, { recursive: true });
    await fs.symlink(otherSecret, disc);
    const second = await discover();
    tally.attack(second.status === 'DISCOVER_FAILED');
    assert.equal(second.status, 'DISCOVER_FAILED');
    assert.match(second.error, /tenant's own files folder/);
    assertRevealsNothing(second.error, root, otherSecret);
    const link = await acme.api('GET', base);
    assert.deepEqual(
      link.body[0].catalog.streams.map((s: { stream: string }) => s.stream),
      ['mine'],
      'nothing of the other folder was catalogued',
    );
    tally.report(t, 'item 2: a discover through a folder symlinked out');
  });

  test("the owner's paths are not confined; confine_to is Sinew's alone; a tenant's PATCH of the path is checked", async (t) => {
    const tally = new AttackTally();
    const elsewhere = await h.tmp('owner-files');
    await fs.writeFile(path.join(elsewhere, 'owned.csv'), PEOPLE);
    const owner = await h.api('POST', `/${h.envId}/src/owned/linkedSources`, { source: { tap: 'csv', config: { path: elsewhere } } });
    assert.equal(owner.status, 200, owner.text);
    const job = await h.api('POST', `/${h.envId}/src/owned/jobs`, {});
    const done = await h.waitForJob('src', 'owned', job.body.job_id);
    assert.equal(done.status, 'JOB_COMPLETED', done.error);

    for (const call of [acme.api, h.api.bind(h)]) {
      const res = await call('POST', sources(), { source: { tap: 'csv', config: { path: 'data', confine_to: '/' } } });
      if (call === acme.api) tally.refusal(res, 400, 'VALIDATION_FAILED');
      else assertError(res, 400, 'VALIDATION_FAILED');
      assert.match(res.body.error.message, /confine_to/);
    }

    // The owner links acme's v2 connector outside the root: a PATCH of acme's that leaves the path
    // keeps it the owner's; one that sets it makes it acme's, and it is checked.
    const owned = await h.api('POST', `/v2/${h.envId}/bi/acme/linkedConnectors`, { connector_id: 'csv', config: { path: otherSecret } });
    assert.equal(owned.status, 200, owned.text);
    const delimiter = await acme.api('PATCH', `/v2/${h.envId}/bi/acme/linkedConnectors`, {
      connector_id: 'csv',
      config: { delimiter: ';' },
    });
    assert.equal(delimiter.status, 200, delimiter.text);
    const patch = await acme.api('PATCH', `/v2/${h.envId}/bi/acme/linkedConnectors`, {
      connector_id: 'csv',
      config: { path: otherSecret },
    });
    tally.refusal(patch, 400, 'VALIDATION_FAILED');
    assertRevealsNothing(patch.text, root, otherSecret);
    tally.report(t, "item 2: a tenant's confine_to and PATCH of an owner's path");
  });
});
