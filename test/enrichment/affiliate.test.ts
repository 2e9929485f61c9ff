import { affiliateTarget, compileAffiliatePatterns } from '../../lambdas/enrichment/affiliate';

/** The glob semantics spelled out as a regex: the oracle the indexed matcher must agree with. */
function oracle(patterns: readonly string[], url: string): string | null {
  const target = url.toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  for (const pattern of patterns) {
    const glob = pattern.toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
    const source = glob
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[\\s\\S]*');
    if (new RegExp(`^${source}$`).test(target)) return pattern;
  }
  return null;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('compileAffiliatePatterns', () => {
  it('matches a host-anchored pattern with a trailing wildcard', () => {
    expect(compileAffiliatePatterns(['amzn.to/*']).match('amzn.to/3xYz')).toBe('amzn.to/*');
  });

  it('matches a leading wildcard across subdomains', () => {
    const matcher = compileAffiliatePatterns(['*.awin1.com/cread.php*']);
    expect(matcher.match('www.awin1.com/cread.php?awinmid=1&awinaffid=2')).toBe('*.awin1.com/cread.php*');
    expect(matcher.match('www.awin1.com/other')).toBeNull();
  });

  it('matches case-insensitively and returns the pattern as written', () => {
    expect(compileAffiliatePatterns(['Go.Example.COM/Ref?id=*']).match('GO.example.com/ref?id=ABC')).toBe(
      'Go.Example.COM/Ref?id=*',
    );
  });

  it('ignores a scheme on patterns and URLs', () => {
    expect(compileAffiliatePatterns(['https://shop.example.com/*']).match('http://shop.example.com/p/1')).toBe(
      'https://shop.example.com/*',
    );
  });

  it('lets * match nothing', () => {
    expect(compileAffiliatePatterns(['a.com/x*y']).match('a.com/xy')).toBe('a.com/x*y');
  });

  it('requires a pattern without wildcards to match the whole URL', () => {
    const matcher = compileAffiliatePatterns(['a.com/exact']);
    expect(matcher.match('a.com/exact')).toBe('a.com/exact');
    expect(matcher.match('a.com/exact/more')).toBeNull();
  });

  it('returns the earliest matching pattern even when a later one is indexed by host', () => {
    const matcher = compileAffiliatePatterns(['*tag=*', 'amazon.com/*']);
    expect(matcher.match('amazon.com/dp/1?tag=x')).toBe('*tag=*');
  });

  it('agrees with the glob semantics on 500 patterns and 5,000 URLs', () => {
    // Prepare
    const next = random(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const hosts = Array.from({ length: 60 }, (_, i) => `shop${i}.example${i % 7}.com`);
    const shapes = [
      (h: string, i: number) => `${h}/ref/${i}*`,
      (h: string) => `${h}/*`,
      (h: string, i: number) => `${h}/go?id=*&sub=${i}*`,
      (h: string, i: number) => `*.${h.split('.').slice(1).join('.')}/track/${i}*`,
      (_h: string, i: number) => `*aff_id=${i}*`,
      (h: string, i: number) => `${h}/exact/${i}`,
      (h: string, i: number) => `${h}*/p/${i}`,
      (_h: string, i: number) => `*/deal-${i}/*`,
    ];
    const patterns = Array.from({ length: 500 }, (_, i) => pick(shapes)(pick(hosts), i % 97));
    const urls = Array.from({ length: 5_000 }, () => {
      const host = next() < 0.3 ? `www.${pick(hosts)}` : pick(hosts);
      const n = Math.floor(next() * 100);
      const path = pick([
        `/ref/${n}x`,
        `/go?id=a&sub=${n}`,
        `/track/${n}`,
        `/exact/${n}`,
        `/x/p/${n}`,
        `/deal-${n}/y`,
        `/?aff_id=${n}`,
        '/',
      ]);
      return `${pick(['https://', 'http://', ''])}${host}${path}`;
    });
    const matcher = compileAffiliatePatterns(patterns);

    // Act
    const results = urls.map((url) => matcher.match(url));

    // Assess
    const expected = urls.map((url) => oracle(patterns, url));
    expect(results).toEqual(expected);
    expect(results.filter((r) => r !== null).length).toBeGreaterThan(1_000);
    expect(results.filter((r) => r === null).length).toBeGreaterThan(100);
  });
});

describe('affiliateTarget', () => {
  it('drops the scheme, credentials, default port and fragment as a browser link would', () => {
    expect(affiliateTarget('HTTPS://user:pw@Shop.Example.com:443/p?a=1#frag')).toBe('shop.example.com/p?a=1');
  });

  it('keeps a non-default port', () => {
    expect(affiliateTarget('http://shop.example.com:8080/p')).toBe('shop.example.com:8080/p');
  });

  it('returns null for non-http links and junk', () => {
    expect(affiliateTarget('mailto:a@b.co')).toBeNull();
    expect(affiliateTarget('not a url')).toBeNull();
  });
});
