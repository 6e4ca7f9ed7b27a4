import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { refusedAddress, resolveTarget } from '../src/resources/webhooks/address.js';

describe('webhook target addresses', () => {
  test('only public unicast passes; every special range is refused', () => {
    for (const ok of ['93.184.216.34', '8.8.8.8', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:8.8.8.8']) {
      assert.equal(refusedAddress(ok), null, ok);
    }
    for (const bad of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.0.1',
      '192.168.0.1',
      '100.64.0.1', // carrier-grade NAT
      '169.254.169.254', // cloud metadata
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '198.18.0.1',
      '::',
      '::1',
      'fd00:ec2::254', // cloud metadata, IPv6
      'fe80::1',
      'fec0::1',
      'ff02::1',
      '64:ff9b::a00:1', // NAT64
      '2001::1', // Teredo
      '2001:db8::1',
      '2002::1', // 6to4
      '100::1', // discard
    ]) {
      assert.notEqual(refusedAddress(bad), null, bad);
    }
  });

  test('an IPv4-mapped address is judged as its IPv4 address', () => {
    assert.match(refusedAddress('::ffff:7f00:1') ?? '', /IPv4-mapped \(127\.0\.0\.1\)/);
    assert.match(refusedAddress('0:0:0:0:0:ffff:a00:1') ?? '', /IPv4-mapped \(10\.0\.0\.1\)/);
  });

  test('an IPv4-compatible address is refused in every spelling, the resolver’s `::a.b.c.d` too', () => {
    // Node's resolver prints ::808:808 as ::8.8.8.8, a form ipaddr.js alone would read as IPv4-mapped.
    for (const bad of ['::808:808', '::8.8.8.8', '::7f00:1', '::127.0.0.1']) {
      assert.notEqual(refusedAddress(bad), null, bad);
    }
  });

  test('a name is refused when any address it resolves to is not public, else pinned to the first', async () => {
    const policy = (addresses: string[]) => ({
      allowPrivate: false,
      allowHttp: false,
      lookup: async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    });
    await assert.rejects(resolveTarget('https://hooks.example/', policy(['93.184.216.34', '::8.8.8.8'])));
    const target = await resolveTarget('https://hooks.example/x', policy(['2606:2800:220:1::1', '93.184.216.34']));
    assert.deepEqual(
      [target.address, target.family, target.url.href],
      ['2606:2800:220:1::1', 6, 'https://hooks.example/x'],
    );
  });
});
