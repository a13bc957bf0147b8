import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyTenantToken } from '../../src/auth/tenant-token.js';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { issueTenantToken } from '../../src/tenants/tenant-tokens.js';
import { environment } from '../store/store-fixtures.js';
import { createPostgresSchema, postgresSkipReason } from '../support/postgres-schema.js';

/**
 * The first token of a tenant gives it its token generation. Two API processes issuing that first
 * token at the same moment must agree on one generation: otherwise the later write revokes the
 * token the earlier process has just handed out.
 */
describe('first tenant tokens issued at once by two processes', { skip: await postgresSkipReason() }, () => {
  test('both tokens carry the generation the tenant keeps', async () => {
    const pg = await createPostgresSchema();
    const [a, b] = [
      await openPostgresStore({ url: pg.url, schema: pg.schema, poolSize: 4 }),
      await openPostgresStore({ url: pg.url, schema: pg.schema, poolSize: 4 }),
    ];
    try {
      await a.migrate();
      const box = new SecretBox(SecretBox.generateSecret());
      const secret = 'token-secret-of-the-environment-0123456789';
      const envId = 'race.sinew.local';
      await a.environments.put(environment({ env_id: envId, token_secret_encrypted: box.encrypt(secret) }));
      const tenants = Array.from({ length: 30 }, (_, i) => `tenant-${i}`);
      const issued = await Promise.all(
        tenants.map(async (tenant) => ({
          tenant,
          tokens: await Promise.all([a, b].map((s) => issueTenantToken(s, box, envId, tenant, 600))),
        })),
      );
      let stale = 0;
      for (const { tenant, tokens } of issued) {
        const kept = (await a.tenants.get(envId, tenant))?.token_generation;
        for (const token of tokens) if ((await verifyTenantToken(secret, envId, token)).generation !== kept) stale++;
      }
      assert.equal(stale, 0, `${stale} of ${tenants.length * 2} first tokens were revoked by the other process's first issue`);
    } finally {
      await a.close();
      await b.close();
      await pg.drop();
    }
  });
});
