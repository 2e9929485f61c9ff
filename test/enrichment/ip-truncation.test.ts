import { parseIp, truncateIp } from '../../lambdas/enrichment/ip-truncation';

describe('truncateIp', () => {
  it.each([
    ['keeps the first 24 bits of an IPv4 address by default', '203.0.113.77', {}, '203.0.113.0'],
    [
      'keeps the first 48 bits of an IPv6 address by default',
      '2001:db8:85a3:8d3:1319:8a2e:370:7348',
      {},
      '2001:db8:85a3::',
    ],
    ['treats an IPv4-mapped IPv6 address as the IPv4 client it is', '::ffff:81.2.69.142', {}, '81.2.69.0'],
    ['recognizes IPv4-mapped IPv6 written in hex', '::ffff:5102:458e', {}, '81.2.69.0'],
    ['applies a site prefix of 16 bits for IPv4', '203.0.113.77', { ipv4PrefixBits: 16 }, '203.0.0.0'],
    [
      'applies a site prefix that is not a multiple of 16 for IPv6',
      '2001:db8:85a3:ffff::1',
      { ipv6PrefixBits: 52 },
      '2001:db8:85a3:f000::',
    ],
    ['keeps a whole IPv4 address when the site keeps 32 bits', '203.0.113.77', { ipv4PrefixBits: 32 }, '203.0.113.77'],
    [
      'keeps a whole IPv6 address in canonical form when the site keeps 128 bits',
      '2001:0DB8::0001',
      { ipv6PrefixBits: 128 },
      '2001:db8::1',
    ],
    ['falls back to the default for an out-of-range prefix', '203.0.113.77', { ipv4PrefixBits: 40 }, '203.0.113.0'],
    ['strips brackets and a zone id', '[fe80::1%eth0]', {}, 'fe80::'],
  ])('%s', (_name, ip, settings, expected) => {
    // Act
    const truncated = truncateIp(ip, settings);

    // Assess
    expect(truncated).toBe(expected);
  });

  it.each(['', 'not-an-ip', '256.1.1.1', '1.2.3', '2001:db8:::1', undefined, null])('returns null for %p', (ip) => {
    expect(truncateIp(ip)).toBeNull();
  });
});

describe('parseIp', () => {
  it('reports the family and canonical address', () => {
    expect(parseIp(' 2001:DB8:0:0:0:0:0:1 ')).toEqual({ family: 6, address: '2001:db8::1' });
    expect(parseIp('::ffff:81.2.69.142')).toEqual({ family: 4, address: '81.2.69.142' });
  });
});
