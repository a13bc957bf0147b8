import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LosslessNumber } from 'lossless-json';
import { SecretScrubber } from '../../src/crypto/secret-scrubber.js';

const schema = { type: 'object', properties: { password: { type: 'string', secret: true } } };
const connector = {
  config: { host: 'db.internal', schema: 'public', username: 'svc-user', password: 'pw"1x', port: 5432 },
  config_schema: schema,
};

describe('the secret scrubber', () => {
  test('every form of a config value: as is, JSON-escaped, URL-encoded, base64 and base64url, Basic user:password', () => {
    const s = SecretScrubber.ofConnectors([connector]);
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    for (const form of [
      'pw"1x',
      'pw\\"1x',
      encodeURIComponent('pw"1x'),
      b64('pw"1x'),
      Buffer.from('pw"1x').toString('base64url'),
      b64('svc-user:pw"1x'),
      'db.internal',
    ]) {
      assert.equal(s.scrub(`before ${form} after`), 'before *** after', form);
    }
    assert.equal(
      s.scrub('port 5432 stays: a number is a plain value, not a secret'),
      'port 5432 stays: a number is a plain value, not a secret',
    );
  });

  test('a stream cut in the middle of a base64 form is caught', () => {
    const s = SecretScrubber.ofConnectors([connector]);
    const header = `Authorization: Basic ${Buffer.from('svc-user:pw"1x').toString('base64')}\n`;
    const filter = s.stream();
    const out = [header.slice(0, 25), header.slice(25)].map((c) => filter.write(c)).join('') + filter.end();
    assert.equal(out, 'Authorization: Basic ***\n');
  });

  test('secret fields only: plain values a catalog legitimately holds are kept; numbers and keys untouched', () => {
    const s = SecretScrubber.ofSecretFields([connector]);
    const catalog = {
      streams: [
        {
          tap_stream_id: 'public-orders',
          schema: { properties: { id: { maximum: new LosslessNumber('9223372036854775807') } } },
          note: 'dsn db.internal pw"1x',
        },
      ],
    };
    const scrubbed = s.scrubDeep(catalog);
    assert.equal(scrubbed.streams[0]!.tap_stream_id, 'public-orders');
    assert.equal(scrubbed.streams[0]!.note, 'dsn db.internal ***');
    assert.ok(scrubbed.streams[0]!.schema.properties.id.maximum instanceof LosslessNumber);
    assert.equal(String(scrubbed.streams[0]!.schema.properties.id.maximum), '9223372036854775807');
  });
});
