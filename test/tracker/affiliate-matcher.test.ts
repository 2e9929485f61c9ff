import { compileAffiliatePatterns, globMatch } from '../../tracker-sdk/src/affiliate';

const glob = (pattern: string, url: string) => globMatch(pattern.split('*'), url);

describe('globMatch', () => {
  it.each([
    ['amzn.to/*', 'amzn.to/3xyz'],
    ['amzn.to/*', 'amzn.to/'],
    ['*.awin1.com/cread.php*', 'www.awin1.com/cread.php?awinmid=1'],
    ['*tag=*', 'www.amazon.com/dp/b01?tag=site-20'],
    ['go.example.com/a*b*c', 'go.example.com/a-b-c'],
    ['go.example.com/a*b*c', 'go.example.com/abc'],
    ['exact.example.com/path', 'exact.example.com/path'],
    ['*', ''],
    ['a**b', 'ab'],
  ])('matches %s against %s', (pattern, url) => {
    expect(glob(pattern, url)).toBe(true);
  });

  it.each([
    ['amzn.to/*', 'www.amzn.to/3xyz'],
    ['amzn.to/*', 'amzn.top/3xyz'],
    ['*.awin1.com/cread.php*', 'awin1.com/cread.php'],
    ['go.example.com/a*b*c', 'go.example.com/a-b-c-d'],
    ['exact.example.com/path', 'exact.example.com/path/more'],
    // The suffix may not reuse characters the middle part consumed.
    ['a*ab*ba', 'aaba'],
    ['*abc*abc', 'xabc'],
  ])('does not match %s against %s', (pattern, url) => {
    expect(glob(pattern, url)).toBe(false);
  });
});

describe('compileAffiliatePatterns', () => {
  it('returns the first matching pattern as written, matching case-insensitively', () => {
    const match = compileAffiliatePatterns(['*.Partner.example/*', 'AMZN.to/*', '*amzn*']);
    expect(match('AMZN.TO/Abc')).toBe('AMZN.to/*');
    expect(match('shop.partner.example/x?ref=1')).toBe('*.Partner.example/*');
  });

  it('ignores a scheme written into a pattern', () => {
    expect(compileAffiliatePatterns(['https://amzn.to/*'])('amzn.to/abc')).toBe('https://amzn.to/*');
  });

  it('returns undefined when nothing matches', () => {
    expect(compileAffiliatePatterns(['amzn.to/*'])('example.org/')).toBeUndefined();
    expect(compileAffiliatePatterns([])('example.org/')).toBeUndefined();
  });
});
