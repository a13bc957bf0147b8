import assert from 'node:assert/strict';
import type dns from 'node:dns';
import { describe, test } from 'node:test';
import { type AddressPolicy, addressRefusal, refusedKind, STRICT_POLICY } from '../../src/outbound/address-policy.js';
import { guardedLookup, type ResolveAll } from '../../src/outbound/guarded-lookup.js';
import { hostLiteralRefusal, literalAddress } from '../../src/outbound/host-literal.js';
import { readAllowLoopback } from '../../src/outbound/loopback-flag.js';
import { urlRefusal } from '../../src/outbound/url-refusal.js';
import { environmentAddressPolicy } from '../../src/settings/environment-settings.js';

const LOOPBACK_ONLY: AddressPolicy = { allowPrivate: false, allowLoopback: true };
const EVERYTHING: AddressPolicy = { allowPrivate: true, allowLoopback: false };

describe('outbound address policy: which addresses', () => {
  test('loopback, in every spelling, is refused unless loopback is allowed', () => {
    for (const address of ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '[::1]']) {
      assert.equal(refusedKind(address, STRICT_POLICY), 'loopback', address);
      assert.equal(refusedKind(address, LOOPBACK_ONLY), null, address);
      assert.equal(refusedKind(address, EVERYTHING), null, address);
    }
  });

  test('private, link-local (cloud metadata), CGNAT, reserved and IPv6 private ranges are refused, even with loopback allowed', () => {
    const cases = [
      '10.0.0.1',
      '172.16.5.4',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      'fd00:ec2::254',
      'fc00::1',
      'fe80::1',
      '::',
      '::127.0.0.1',
      '::ffff:10.0.0.1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::a9fe:a9fe',
    ];
    for (const address of cases) {
      assert.equal(refusedKind(address, STRICT_POLICY), 'private', address);
      assert.equal(refusedKind(address, LOOPBACK_ONLY), 'private', address);
      assert.equal(refusedKind(address, EVERYTHING), null, address);
    }
  });

  test('public addresses pass', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      assert.equal(refusedKind(address, STRICT_POLICY), null, address);
    }
    assert.equal(addressRefusal('8.8.8.8', STRICT_POLICY), null);
    assert.match(addressRefusal('10.1.1.1', STRICT_POLICY)!, /^10\.1\.1\.1 is a private/);
  });
});

describe('outbound address policy: hosts by their spelling', () => {
  test('every numeric spelling of an IPv4 address is read as the address connect() would reach', () => {
    const forms: Array<[string, string]> = [
      ['2130706433', '127.0.0.1'],
      ['0x7f.1', '127.0.0.1'],
      ['0x7f000001', '127.0.0.1'],
      ['017700000001', '127.0.0.1'],
      ['127.1', '127.0.0.1'],
      ['0251.0376.0251.0376', '169.254.169.254'],
      ['2852039166', '169.254.169.254'],
      ['[::ffff:127.0.0.1]', '127.0.0.1'],
      ['127.0.0.1.', '127.0.0.1'],
    ];
    for (const [host, address] of forms) assert.equal(literalAddress(host), address, host);
    for (const name of ['example.com', 'cafe', 'beef.dead', 'db.internal']) assert.equal(literalAddress(name), null, name);
  });

  test('IP literals, localhost names and Unix socket paths are refused by spelling; other names wait for DNS', () => {
    for (const host of [
      '127.0.0.1',
      '2130706433',
      '0x7f.1',
      '::ffff:127.0.0.1',
      '[::1]',
      'localhost',
      'LOCALHOST.',
      'api.localhost',
      '/var/run/postgresql',
    ]) {
      assert.equal(hostLiteralRefusal(host, STRICT_POLICY), 'loopback', host);
      assert.equal(hostLiteralRefusal(host, LOOPBACK_ONLY), null, host);
    }
    for (const host of ['10.0.0.5', '169.254.169.254', '0xa9.0xfe.0xa9.0xfe', 'fd00:ec2::254'])
      assert.equal(hostLiteralRefusal(host, LOOPBACK_ONLY), 'private', host);
    assert.equal(hostLiteralRefusal('db.internal', STRICT_POLICY), null);
  });

  test('urlRefusal reads the host the URL parser reads, and says nothing of where a name resolves', () => {
    assert.match(urlRefusal('http://2130706433:8080/x', STRICT_POLICY)!, /loopback/);
    assert.match(urlRefusal('http://0x7f.1/x', STRICT_POLICY)!, /loopback/);
    assert.match(urlRefusal('http://[::ffff:127.0.0.1]/x', STRICT_POLICY)!, /loopback/);
    assert.match(urlRefusal('http://localhost./x', STRICT_POLICY)!, /loopback/);
    assert.match(urlRefusal('https://169.254.169.254/latest/meta-data/', LOOPBACK_ONLY)!, /private/);
    assert.match(urlRefusal('ftp://example.com/', STRICT_POLICY)!, /not supported/);
    assert.equal(urlRefusal('https://api.example.com/items', STRICT_POLICY), null);
  });
});

/** A resolver with fixed answers: what a DNS server (perhaps an attacker's) says about a name. */
function answers(map: Record<string, string[]>): ResolveAll {
  return (hostname, _options, callback) => {
    const addresses = map[hostname];
    if (!addresses) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
}

function lookup(
  policy: AddressPolicy,
  resolver: ResolveAll,
  hostname: string,
  all: boolean,
): Promise<{ err: NodeJS.ErrnoException | null; address: unknown }> {
  const fn = guardedLookup(policy, resolver) as unknown as (
    h: string,
    o: dns.LookupOptions,
    cb: (err: NodeJS.ErrnoException | null, address: unknown) => void,
  ) => void;
  return new Promise((resolve) => fn(hostname, { all }, (err, address) => resolve({ err, address })));
}

describe('outbound address policy: after DNS (guardedLookup)', () => {
  const dnsAnswers = answers({
    'public.example': ['93.184.216.34'],
    'sneaky.example': ['127.0.0.1'],
    'metadata.example': ['169.254.169.254'],
    // One public and one internal address: whichever the socket would try, the name is refused.
    'mixed.example': ['93.184.216.34', '10.0.0.7'],
  });

  test('a name resolving to loopback, private or metadata addresses is refused, naming the host but not the address', async () => {
    for (const host of ['sneaky.example', 'metadata.example', 'mixed.example']) {
      for (const all of [false, true]) {
        const { err } = await lookup(STRICT_POLICY, dnsAnswers, host, all);
        assert.equal(err?.code, 'ERR_SINEW_REFUSED_ADDRESS', host);
        assert.match(err!.message, new RegExp(`refused ${host}: .*(loopback|private)`));
        assert.doesNotMatch(err!.message, /127\.0\.0\.1|169\.254|10\.0\.0\.7/, 'the resolved address is not told');
      }
    }
  });

  test('a public name passes with the address that was checked; loopback passes when allowed', async () => {
    assert.deepEqual(await lookup(STRICT_POLICY, dnsAnswers, 'public.example', false), { err: null, address: '93.184.216.34' });
    const all = await lookup(STRICT_POLICY, dnsAnswers, 'public.example', true);
    assert.deepEqual(all.address, [{ address: '93.184.216.34', family: 4 }]);
    assert.equal((await lookup(LOOPBACK_ONLY, dnsAnswers, 'sneaky.example', false)).address, '127.0.0.1');
    assert.equal((await lookup(LOOPBACK_ONLY, dnsAnswers, 'metadata.example', false)).err?.code, 'ERR_SINEW_REFUSED_ADDRESS');
  });

  test('the real resolver: localhost resolves to loopback and is refused', async () => {
    const { err } = await lookup(STRICT_POLICY, undefined as unknown as ResolveAll, 'localhost', false);
    assert.equal(err?.code, 'ERR_SINEW_REFUSED_ADDRESS');
  });
});

describe('outbound address policy: who decides', () => {
  test('the loopback flag: SINEW_OUTBOUND_ALLOW_LOOPBACK, then its older name, then the mode (embedded yes, production no)', () => {
    assert.equal(readAllowLoopback({}, true), true);
    assert.equal(readAllowLoopback({}, false), false);
    assert.equal(readAllowLoopback({ SINEW_OUTBOUND_ALLOW_LOOPBACK: 'false' }, true), false);
    assert.equal(readAllowLoopback({ SINEW_OUTBOUND_ALLOW_LOOPBACK: '1' }, false), true);
    assert.equal(readAllowLoopback({ SINEW_WEBHOOK_ALLOW_LOOPBACK: 'false' }, true), false);
    assert.equal(readAllowLoopback({ SINEW_WEBHOOK_ALLOW_LOOPBACK: 'false', SINEW_OUTBOUND_ALLOW_LOOPBACK: 'true' }, false), true);
  });

  test("the environment's allowance: network.allow_private_addresses for all; monitoring.allow_private_urls for monitoring only", () => {
    assert.deepEqual(environmentAddressPolicy({}, false, 'connectors'), { allowPrivate: false, allowLoopback: false });
    assert.deepEqual(environmentAddressPolicy({ network: { allow_private_addresses: true } }, false, 'connectors'), {
      allowPrivate: true,
      allowLoopback: false,
    });
    assert.deepEqual(environmentAddressPolicy({ network: { allow_private_addresses: true } }, true, 'monitoring'), {
      allowPrivate: true,
      allowLoopback: true,
    });
    assert.equal(environmentAddressPolicy({ monitoring: { allow_private_urls: true } }, false, 'monitoring').allowPrivate, true);
    assert.equal(environmentAddressPolicy({ monitoring: { allow_private_urls: true } }, false, 'connectors').allowPrivate, false);
  });
});
