import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { S3BlobStorage } from '../../src/storage/s3-blob-storage.js';
import { S3RVER_CREDENTIALS, type S3TestServer, startS3Server } from '../support/s3-server.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

describe("custom storage (seeds/000): an environment's jobs go to its own S3 bucket", () => {
  let h: Harness;
  let s3: S3TestServer;
  before(async () => {
    s3 = await startS3Server(['tenant-data-bucket']);
    h = await startHarness();
  });
  after(async () => {
    await h.stop();
    await s3.stop();
  });

  test('a job root is written to the bucket, not the local disk, and its logs are read from there', async () => {
    const set = await h.api('PUT', `/${h.envId}/settings`, {
      storage: {
        type: 's3',
        bucket: 'tenant-data-bucket',
        prefix: 'sinew',
        region: 'us-east-1',
        access_key_id: S3RVER_CREDENTIALS.accessKeyId,
        secret_access_key: S3RVER_CREDENTIALS.secretAccessKey,
        endpoint: s3.endpoint,
        force_path_style: true,
      },
    });
    assert.equal(set.status, 200, set.text);
    const tenantDir = await h.tmp('csv');
    const warehouse = await h.tmp('wh');
    await fs.writeFile(path.join(tenantDir, 'items.csv'), 'id,name\n1,a\n2,b\n');
    await h.api('PUT', `/${h.envId}/flows/s3flow`, {
      name: 's3',
      type: 'v1-source',
      connectors: ['csv'],
      target: { connector: 'jsonl', config: { path: warehouse } },
    });
    await h.api('POST', `/${h.envId}/s3flow/t/linkedSources`, { source: { tap: 'csv', config: { path: tenantDir } } });
    const job = await h.waitForJob('s3flow', 't', (await h.api('POST', `/${h.envId}/s3flow/t/jobs`, {})).body.job_id);
    assert.equal(job.status, 'JOB_COMPLETED', job.error);

    const bucket = new S3BlobStorage(s3.connection('tenant-data-bucket'));
    const keys = (await bucket.list(`sinew/${job.s3_root}`)).map((e) => e.key);
    for (const f of ['config.json', 'catalog.json', 'sync-output/data.singer', 'etl-output/data.singer', 'logs/job.log']) {
      assert.ok(keys.includes(`sinew/${job.s3_root}/${f}`), `${f} not in the bucket: ${keys.join(', ')}`);
    }
    await assert.rejects(
      fs.access(path.join(h.dataDir, 'storage', h.envId, job.s3_root, 'config.json')),
      'nothing stays on the local disk',
    );
    const logs = await h.api('GET', `/${h.envId}/s3flow/t/jobs/${job.job_id}/logs`);
    assert.equal(logs.status, 200);
    assert.match(logs.text, /status JOB_COMPLETED|finished/);
    bucket.close();
  });
});
