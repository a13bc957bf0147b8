import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { forEachStoreAdapter, type OpenFresh, withFreshStore } from '../support/store-adapters.js';

const ENV = 'o.sinew.local';

function contract(name: string, openFresh: OpenFresh, skip: string | false): void {
  describe(`OAuth ops: ${name}`, { skip }, () => {
    const withStore = (body: (s: Store) => Promise<void>) => withFreshStore(openFresh, body);

    test('an OAuth app is kept per environment and connector, replaced by a second put, and deleted', () =>
      withStore(async (s) => {
        await s.oauth.putApp(ENV, 'hubspot', { client_id: 'a' });
        await s.oauth.putApp(ENV, 'hubspot', { client_id: 'b' });
        await s.oauth.putApp('other.sinew.local', 'hubspot', { client_id: 'c' });
        assert.deepEqual(await s.oauth.getApp(ENV, 'hubspot'), { client_id: 'b' });
        assert.equal(await s.oauth.deleteApp(ENV, 'hubspot'), true);
        assert.equal(await s.oauth.deleteApp(ENV, 'hubspot'), false);
        assert.deepEqual(await s.oauth.getApp('other.sinew.local', 'hubspot'), { client_id: 'c' });
      }));

    test('a state is taken once: concurrent takes get it once, an expired one never, and pruning clears the expired', () =>
      withStore(async (s) => {
        const now = 1_000_000;
        await s.oauth.insertState('s1', ENV, now + 600_000, { n: 1 });
        await s.oauth.insertState('s2', ENV, now - 1, { n: 2 });
        await s.oauth.insertState('s3', ENV, now - 1, { n: 3 });
        const takes = await Promise.all([1, 2, 3, 4].map(() => s.oauth.takeState('s1', now)));
        assert.deepEqual(takes.filter(Boolean), [{ n: 1 }]);
        assert.equal(await s.oauth.takeState('s2', now), undefined);
        assert.equal(await s.oauth.pruneStates(now), 1, 's3 expired and went; s2 was taken already');
        assert.equal(await s.oauth.takeState('nope', now), undefined);
      }));
  });
}

await forEachStoreAdapter(contract);
