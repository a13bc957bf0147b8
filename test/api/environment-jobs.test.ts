import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { run, sinew } from '../cli/cli-process.js';
import { assertError, tenantCaller } from '../security/tenant-caller.js';
import { job } from '../store/store-fixtures.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

/** A clock tick later than `ms`: job creation times are in milliseconds. */
async function after_(ms: number): Promise<number> {
  while (Date.now() <= ms) await new Promise((r) => setImmediate(r));
  return Date.now();
}

/** Issue #13: one list of an environment's jobs, across flows and tenants, with filters and paging. */
describe('GET /{env}/jobs', () => {
  let h: Harness;
  let mid = 0;
  const ids: string[] = [];
  before(async () => {
    h = await startHarness();
    const add = async (n: number, o: Parameters<typeof job>[0]) => {
      const j = job({ ...o, env_id: h.envId, job_id: `job-${String(n).padStart(2, '0')}`, status: o?.status ?? 'JOB_COMPLETED' });
      await h.sinew.services.store.jobs.insert(j);
      ids.unshift(j.job_id);
    };
    let n = 0;
    for (const [flow_id, tenant] of [
      ['crm', 'acme'],
      ['crm', 'globex'],
      ['erp', 'acme'],
    ] as const)
      await add(++n, { flow_id, tenant });
    mid = await after_(Date.now());
    for (let i = 0; i < 6; i++)
      await add(++n, {
        flow_id: i % 2 ? 'crm' : 'erp',
        tenant: 'acme',
        job_type: i < 2 ? 'write' : 'read',
        status: i === 5 ? 'SYNC_FAILED' : 'JOB_COMPLETED',
      });
  });
  after(() => h.stop());

  const list = async (query = ''): Promise<string[]> => {
    const res = await h.api('GET', `/${h.envId}/jobs${query}`);
    assert.equal(res.status, 200, res.text);
    return res.body.map((j: any) => j.job_id);
  };

  test('every job of the environment, newest first; filtered by flow, tenant, status, type and creation time', async () => {
    assert.deepEqual(await list(), ids);
    assert.deepEqual(await list('?flow_id=erp&tenant_id=acme'), ['job-08', 'job-06', 'job-04', 'job-03']);
    assert.deepEqual(await list('?tenant_id=globex'), ['job-02']);
    assert.deepEqual(await list('?status=SYNC_FAILED'), ['job-09']);
    assert.deepEqual(await list('?job_type=write'), ['job-05', 'job-04']);
    assert.deepEqual(await list(`?created_before=${new Date(mid).toISOString()}`), ['job-03', 'job-02', 'job-01']);
    assert.deepEqual(await list(`?created_after=${new Date(mid).toISOString()}&job_type=read`), ['job-09', 'job-08', 'job-07', 'job-06']);
  });

  test('pages with limit and before (the last job id seen), with and without a type filter', async () => {
    const pages: string[][] = [];
    let cursor = '';
    do {
      const page = await list(`?limit=4${cursor ? `&before=${cursor}` : ''}`);
      pages.push(page);
      cursor = page.length === 4 ? page.at(-1)! : '';
    } while (cursor);
    assert.deepEqual(pages.flat(), ids);
    assert.deepEqual(await list('?job_type=read&limit=2'), ['job-09', 'job-08']);
    assert.deepEqual(await list('?job_type=read&limit=2&before=job-08'), ['job-07', 'job-06']);
  });

  test('bad filters are 400; a tenant may not list the environment', async () => {
    for (const q of [
      '?status=DONE',
      '?job_type=both',
      '?created_after=yesterday',
      '?limit=0',
      `?created_after=${new Date(mid).toISOString()}&created_before=${new Date(mid - 1000).toISOString()}`,
    ]) {
      assertError(await h.api('GET', `/${h.envId}/jobs${q}`), 400, 'VALIDATION_FAILED');
    }
    const acme = await tenantCaller(h, 'acme');
    assertError(await acme.api('GET', `/${h.envId}/jobs`), 403, 'FORBIDDEN');
  });

  test('sinew jobs list without --flow/--tenant lists across the environment', async () => {
    const r = await run(sinew('jobs', 'list', '--type', 'write'), {
      env: { SINEW_URL: h.url, SINEW_API_KEY: h.key, SINEW_ENV_ID: h.envId },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t').slice(0, 2).concat(l.split('\t').slice(3, 5))),
      [
        ['job-05', 'JOB_COMPLETED', 'crm', 'acme'],
        ['job-04', 'JOB_COMPLETED', 'erp', 'acme'],
      ],
    );
  });
});
