import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { readRuntimeConfig } from '../../src/config/runtime-config.js';
import { isSinewError } from '../../src/errors/sinew-error.js';
import { openSettings } from '../../src/settings/settings-secrets.js';
import { StorageRouter } from '../../src/settings/storage-router.js';
import { openBlobStorage } from '../../src/storage/open-blob-storage.js';
import { PrefixedBlobStorage } from '../../src/storage/prefixed-blob-storage.js';
import { S3BlobStorage } from '../../src/storage/s3-blob-storage.js';
import { S3RVER_CREDENTIALS, type S3TestServer, startS3Server } from '../support/s3-server.js';
import { type Harness, startHarness } from '../support/sinew-harness.js';

const SECRET = S3RVER_CREDENTIALS.secretAccessKey;

describe('custom storage per environment', () => {
  let h: Harness;
  let s3: S3TestServer;
  let router: StorageRouter;
  const otherEnv = 'other.sinew.local';

  before(async () => {
    s3 = await startS3Server(['env-bucket', 'env-bucket-two']);
    h = await startHarness();
    await h.sinew.services.store.environments.put({
      env_id: otherEnv,
      name: 'other',
      settings: {},
      token_secret_encrypted: 'unused',
      created_at: new Date().toISOString(),
    });
    router = new StorageRouter(h.sinew.services.store, h.sinew.services.storage, h.sinew.services.box);
  });
  after(async () => {
    await router.close();
    await h.stop();
    await s3.stop();
  });

  const customStorage = (over: Record<string, unknown> = {}) => ({
    type: 's3',
    bucket: 'env-bucket',
    prefix: 'sinew-data',
    region: 'us-east-1',
    access_key_id: S3RVER_CREDENTIALS.accessKeyId,
    secret_access_key: SECRET,
    endpoint: s3.endpoint,
    force_path_style: true,
    ...over,
  });

  test('the storage section is validated; its secret is redacted on GET and kept when sent back', async () => {
    const bad = [
      { type: 's3', bucket: 'env-bucket' },
      { ...customStorage(), bucket: 'Not_A_Bucket' },
      { ...customStorage(), colour: 'red' },
      { bucket: 'env-bucket' },
      { type: 'gcs' },
    ];
    for (const storage of bad) {
      const res = await h.api('PUT', `/${h.envId}/settings`, { storage });
      assert.equal(res.status, 400, `${JSON.stringify(storage)}: ${res.text}`);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
    }
    const put = await h.api('PUT', `/${h.envId}/settings`, { storage: customStorage() });
    assert.equal(put.status, 200, put.text);
    const got = await h.api('GET', `/${h.envId}/settings`);
    assert.equal(got.body.storage.secret_access_key, '********');
    assert.equal(got.body.storage.bucket, 'env-bucket');
    assert.ok(!got.text.includes(`"${SECRET}"`) && !put.text.includes(`"${SECRET}"`), 'the secret is never shown');
    // The dashboard's read-edit-save keeps the stored secret.
    const shown = got.body.storage;
    shown.prefix = 'sinew-data';
    assert.equal((await h.api('PUT', `/${h.envId}/settings`, { storage: shown })).status, 200);
    const stored = openSettings(h.sinew.services.box, (await h.sinew.services.store.environments.get(h.envId))!.settings).storage as Record<
      string,
      unknown
    >;
    assert.equal(stored.secret_access_key, SECRET);
    assert.equal(stored.access_key_id, S3RVER_CREDENTIALS.accessKeyId);
  });

  test('an environment with custom storage gets its bucket; another gets the default storage', async () => {
    assert.equal((await h.api('PUT', `/${h.envId}/settings`, { storage: customStorage() })).status, 200);
    const mine = await router.forEnvironment(h.envId);
    assert.equal(mine.kind, 's3');
    assert.ok(mine instanceof S3BlobStorage);
    assert.equal(mine.bucket, 'env-bucket');
    assert.ok(!mine.describe().url.includes(SECRET));
    await mine.put('t/flows/f/jobs/x/config.json', '{"in":"my bucket"}');
    // It really is in that bucket, under the section's prefix.
    const probe = new S3BlobStorage(s3.connection('env-bucket'));
    const obj = await probe.client.send(new GetObjectCommand({ Bucket: 'env-bucket', Key: 'sinew-data/t/flows/f/jobs/x/config.json' }));
    assert.equal(await obj.Body!.transformToString(), '{"in":"my bucket"}');
    probe.close();
    assert.equal(await router.forEnvironment(h.envId), mine, 'the client is cached while the settings stay the same');

    const theirs = await router.forEnvironment(otherEnv);
    // The default storage, in the other environment's own folder of it.
    assert.ok(theirs instanceof PrefixedBlobStorage);
    assert.equal(theirs.kind, 'local');
    assert.equal(await theirs.get('t/flows/f/jobs/x/config.json'), undefined);
    await theirs.put('t/probe.txt', 'theirs');
    assert.equal((await router.default.get(`${otherEnv}/t/probe.txt`))?.toString(), 'theirs');
  });

  test('changing the settings switches the storage (another bucket, then back to the default)', async () => {
    await h.api('PUT', `/${h.envId}/settings`, { storage: customStorage() });
    const first = await router.forEnvironment(h.envId);
    await h.api('PUT', `/${h.envId}/settings`, { storage: customStorage({ bucket: 'env-bucket-two' }) });
    const second = await router.forEnvironment(h.envId);
    assert.notEqual(second, first);
    assert.equal((second as S3BlobStorage).bucket, 'env-bucket-two');
    await h.api('PUT', `/${h.envId}/settings`, { storage: { type: 'default' } });
    const back = await router.forEnvironment(h.envId);
    assert.ok(back instanceof PrefixedBlobStorage && back.kind === 'local', 'back on the default storage');
  });

  test('bad credentials, a missing bucket or an unreachable endpoint fail with a clear error, secret-free', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ access_key_id: 'AKIA-NOT-A-KEY', secret_access_key: 'wrong-secret-Zx81' }, /refused|credentials/i],
      [{ bucket: 'no-such-bucket' }, /does not exist.*NoSuchBucket/],
      [{ endpoint: 'http://127.0.0.1:1' }, /not reachable/],
    ];
    for (const [over, message] of cases) {
      assert.equal((await h.api('PUT', `/${h.envId}/settings`, { storage: customStorage(over) })).status, 200);
      await assert.rejects(router.forEnvironment(h.envId), (e: unknown) => {
        assert.ok(isSinewError(e), String(e));
        assert.equal(e.code, 'UNAVAILABLE');
        assert.match(e.message, message);
        const shown = JSON.stringify(e.toBody());
        assert.ok(!shown.includes('wrong-secret-Zx81') && !shown.includes(`"${SECRET}"`), shown);
        return true;
      });
    }
    // Fixed settings work again at once (failures are not cached).
    await h.api('PUT', `/${h.envId}/settings`, { storage: customStorage() });
    assert.equal(((await router.forEnvironment(h.envId)) as S3BlobStorage).bucket, 'env-bucket');
  });
});

describe('SINEW_STORAGE_URL=s3://…', () => {
  let s3: S3TestServer;
  before(async () => {
    s3 = await startS3Server(['jobs']);
  });
  after(() => s3.stop());

  test('opens S3 storage from the URL and SINEW_S3_* variables; describe() reopens it without secrets', async () => {
    const config = readRuntimeConfig({
      SINEW_DATA_DIR: '/nonexistent',
      SINEW_STORAGE_URL: 's3://jobs/sinew/prod',
      SINEW_S3_ENDPOINT: s3.endpoint,
      SINEW_S3_REGION: 'eu-west-1',
      SINEW_S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      SINEW_S3_SECRET_ACCESS_KEY: SECRET,
      SINEW_S3_FORCE_PATH_STYLE: 'true',
    });
    const storage = await openBlobStorage(config);
    assert.ok(storage instanceof S3BlobStorage);
    assert.deepEqual(
      { ...storage.connection, credentials: undefined },
      {
        bucket: 'jobs',
        prefix: 'sinew/prod',
        region: 'eu-west-1',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: undefined,
      },
    );
    await storage.put('a/b.txt', 'through the URL');
    const url = storage.describe().url;
    assert.ok(!url.includes(SECRET) && url.startsWith('s3://jobs/sinew/prod?'), url);
    const reopened = await openBlobStorage({
      storageUrl: url,
      dataDir: '/nonexistent',
      s3: { accessKeyId: S3RVER_CREDENTIALS.accessKeyId, secretAccessKey: SECRET },
    });
    assert.equal((await reopened.get('a/b.txt'))?.toString(), 'through the URL');
    (storage as S3BlobStorage).close();
    (reopened as S3BlobStorage).close();
  });

  test('a malformed URL or half of a key pair is refused at start', async () => {
    await assert.rejects(openBlobStorage({ storageUrl: 's3://', dataDir: '/x' }), /s3:\/\/bucket\/prefix/);
    await assert.rejects(openBlobStorage({ storageUrl: 's3://key:secret@jobs/x', dataDir: '/x' }), /must not hold credentials/);
    await assert.rejects(openBlobStorage({ storageUrl: 's3://jobs', dataDir: '/x', s3: { accessKeyId: 'only-the-id' } }), /both/);
    await assert.rejects(openBlobStorage({ storageUrl: 'gs://jobs', dataDir: '/x' }), /not supported/);
  });
});
