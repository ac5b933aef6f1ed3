import { describe, expect, it } from 'vitest';
import { BLOCKED_ADDRESS_CODE, guardedLookup, isBlockedAddress, parseWebhookUrl } from '../../src/webhooks/url-policy.ts';

describe('isBlockedAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback /8'],
    ['::1', 'IPv6 loopback'],
    ['10.1.2.3', 'private 10/8'],
    ['172.16.0.1', 'private 172.16/12 (low end)'],
    ['172.31.255.255', 'private 172.16/12 (high end)'],
    ['192.168.1.1', 'private 192.168/16'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['fe80::1', 'IPv6 link-local'],
    ['fe80::1%eth0', 'IPv6 link-local with a zone id'],
    ['fd12:3456::1', 'IPv6 unique local'],
    ['fc00::1', 'IPv6 unique local (fc)'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'IPv6 unspecified'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.255', 'CGNAT (high end)'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'IPv6 multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback in hex'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata address'],
    ['[::1]', 'bracketed IPv6'],
    // Translated and special-purpose ranges that reach internal addresses too.
    ['64:ff9b::a00:1', 'NAT64 of a private address'],
    ['64:ff9b::808:808', 'NAT64 of a public address (what it reaches depends on the translator)'],
    ['64:ff9b::127.0.0.1', 'NAT64 with a dotted IPv4 tail'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['2002:808:808::1', '6to4 of a public address'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['2001::1', 'Teredo (short)'],
    ['::ffff:0:7f00:1', 'IPv4-translated loopback'],
    ['::ffff:0:808:808', 'IPv4-translated public address'],
    ['::ffff:198.18.0.1', 'IPv4-mapped benchmarking address'],
    ['::ffff:c000:201', 'IPv4-mapped TEST-NET-1 in hex'],
    ['0:0:0:0:0:ffff:a64:1', 'IPv4-mapped CGNAT, uncompressed'],
    ['::FFFF:192.0.0.8', 'IPv4-mapped IETF assignment, upper case'],
    ['198.18.0.1', 'benchmarking 198.18/15 (low end)'],
    ['198.19.255.255', 'benchmarking 198.18/15 (high end)'],
    ['192.0.0.8', 'IETF protocol assignments 192.0.0/24'],
    ['192.0.2.1', 'TEST-NET-1'],
    ['198.51.100.7', 'TEST-NET-2'],
    ['203.0.113.200', 'TEST-NET-3'],
    ['192.88.99.1', '6to4 relay anycast'],
    ['239.255.255.250', 'multicast (SSDP)'],
    ['240.0.0.1', 'reserved'],
    ['100.64.0.0', 'CGNAT (low end)'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['3fff::1', 'IPv6 documentation (3fff::/20)'],
    ['fdff:ffff::1', 'IPv6 unique local (high end)'],
    ['febf:ffff::1', 'IPv6 link-local (high end)'],
    ['100::1', 'IPv6 discard-only'],
  ])('blocks %s (%s)', (ip) => {
    expect(isBlockedAddress(ip)).toBe(true);
  });

  it.each([
    ['8.8.8.8'],
    ['1.1.1.1'],
    ['172.15.255.255'],
    ['172.32.0.1'],
    ['100.63.255.255'],
    ['100.128.0.1'],
    ['192.169.0.1'],
    ['2606:4700:4700::1111'],
    ['::ffff:8.8.8.8'],
    ['198.17.255.255'],
    ['198.20.0.1'],
    ['192.0.1.1'],
    ['192.0.3.1'],
    ['198.51.101.1'],
    ['203.0.114.1'],
    ['223.255.255.255'],
    ['2001:1::1'],
    ['2001:db9::1'],
    ['2003::1'],
    ['64:ff9c::1'],
    ['2a00:1450:4001:80b::200e'],
    ['example.com'],
  ])('lets %s through', (ip) => {
    expect(isBlockedAddress(ip)).toBe(false);
  });
});

describe('parseWebhookUrl', () => {
  const strict = { allowPrivate: false };

  it.each([
    ['https://hooks.example.com/whatsapp'],
    ['http://hooks.example.com:8080/in?x=1'],
    ['https://93.184.216.34/hook'],
    ['https://[2606:4700:4700::1111]/hook'],
    ['https://localhost.example.com/hook'],
  ])('accepts %s', (url) => {
    expect(parseWebhookUrl(url, strict)).toMatchObject({ ok: true });
  });

  it.each([
    ['ftp://hooks.example.com/x', 'https'],
    ['javascript:alert(1)', 'https'],
    ['file:///etc/passwd', 'https'],
    ['hooks.example.com/no-scheme', 'not a valid absolute URL'],
    ['https://user:pass@hooks.example.com/', 'credentials'],
    ['https://user@hooks.example.com/', 'credentials'],
    [`https://hooks.example.com/${'a'.repeat(2048)}`, 'at most 2048'],
    ['http://localhost:3000/hook', 'private'],
    ['http://LOCALHOST./hook', 'private'],
    ['http://api.localhost/hook', 'private'],
    ['http://127.0.0.1/hook', 'private'],
    ['http://2130706433/hook', 'private'],
    ['http://0x7f.1/hook', 'private'],
    ['http://127.1/hook', 'private'],
    ['http://0/hook', 'private'],
    ['http://[::1]/hook', 'private'],
    ['http://[::ffff:127.0.0.1]/hook', 'private'],
    ['http://10.0.0.5/hook', 'private'],
    ['http://172.20.1.1/hook', 'private'],
    ['http://192.168.0.10/hook', 'private'],
    ['http://169.254.169.254/latest/meta-data', 'private'],
    ['http://100.64.1.1/hook', 'private'],
    ['http://[fe80::1]/hook', 'private'],
    ['http://[fd00::1]/hook', 'private'],
    ['http://224.0.0.1/hook', 'private'],
    ['http://[64:ff9b::a9fe:a9fe]/latest', 'private'],
    ['http://[2002:a9fe:a9fe::]/hook', 'private'],
    ['http://198.18.0.1/hook', 'private'],
    ['http://192.0.2.1/hook', 'private'],
    ['http://[::ffff:198.51.100.1]/hook', 'private'],
  ])('refuses %s', (url, reason) => {
    const parsed = parseWebhookUrl(url, strict);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });

  it.each([['http://localhost:3000/hook'], ['http://127.0.0.1/hook'], ['http://10.0.0.5/hook'], ['http://[::1]/hook']])(
    'accepts the private %s when private URLs are allowed',
    (url) => {
      expect(parseWebhookUrl(url, { allowPrivate: true })).toMatchObject({ ok: true });
    },
  );

  it('still refuses a bad scheme or credentials when private URLs are allowed', () => {
    expect(parseWebhookUrl('ftp://localhost/x', { allowPrivate: true }).ok).toBe(false);
    expect(parseWebhookUrl('http://a:b@localhost/x', { allowPrivate: true }).ok).toBe(false);
  });
});

describe('guardedLookup', () => {
  const resolve = (allowPrivate: boolean, host: string, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((done) => {
      guardedLookup(allowPrivate)(host, { all }, (err, address) => done({ err, address }));
    });

  it.each([true, false])('refuses localhost with ERR_WEBHOOK_BLOCKED_ADDRESS (all: %s)', async (all) => {
    const { err } = await resolve(false, 'localhost', all);
    expect(err?.code).toBe(BLOCKED_ADDRESS_CODE);
    // Says only that the address is blocked: the message reaches delivery logs and media failures.
    expect(err?.message).toBe('blocked address');
  });

  it('resolves localhost when private addresses are allowed', async () => {
    const { err, address } = await resolve(true, 'localhost', false);
    expect(err).toBeNull();
    expect(isBlockedAddress(String(address))).toBe(true);
  });

  it('answers every address when asked for all', async () => {
    const { err, address } = await resolve(true, 'localhost', true);
    expect(err).toBeNull();
    expect(address).toEqual(expect.arrayContaining([expect.objectContaining({ address: expect.any(String), family: expect.any(Number) })]));
  });

  it('refuses a connection made through it', async () => {
    const { connect } = await import('node:net');
    const err = await new Promise<NodeJS.ErrnoException>((done) => {
      const socket = connect({ host: 'localhost', port: 9, lookup: guardedLookup(false) });
      socket.on('error', done);
      socket.on('connect', () => socket.destroy());
    });
    expect(err.code).toBe(BLOCKED_ADDRESS_CODE);
  });
});
