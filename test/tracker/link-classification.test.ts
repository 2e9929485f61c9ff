import { compileAffiliatePatterns } from '../../tracker-sdk/src/affiliate';
import { classifyLink } from '../../tracker-sdk/src/links';

const here = 'shop.example.com';
const classify = (href: string, downloadAttr = false) =>
  classifyLink(new URL(href), here, compileAffiliatePatterns(['amzn.to/*']), downloadAttr);

describe('classifyLink', () => {
  it('names mailto and tel links', () => {
    expect(classify('mailto:a@example.org')).toEqual(['mailto_click', { href: 'mailto:a@example.org' }]);
    expect(classify('tel:+15550100')).toEqual(['tel_click', { href: 'tel:+15550100' }]);
  });

  it('names an affiliate link before an outbound one', () => {
    expect(classify('https://amzn.to/abc')).toEqual([
      'affiliate_click',
      { href: 'https://amzn.to/abc', pattern: 'amzn.to/*' },
    ]);
  });

  it('names a download by extension, on any host, lower-casing it', () => {
    expect(classify('https://shop.example.com/files/Guide.PDF?v=2')).toEqual([
      'download',
      { href: 'https://shop.example.com/files/Guide.PDF?v=2', ext: 'pdf' },
    ]);
    expect(classify('https://cdn.example.net/app.dmg')).toEqual([
      'download',
      { href: 'https://cdn.example.net/app.dmg', ext: 'dmg' },
    ]);
  });

  it('names a link with the download attribute a download', () => {
    expect(classify('https://shop.example.com/export', true)).toEqual([
      'download',
      { href: 'https://shop.example.com/export', ext: '' },
    ]);
  });

  it('names a link to another host outbound', () => {
    expect(classify('https://example.org/')).toEqual(['outbound_click', { href: 'https://example.org/' }]);
  });

  it('ignores same-host pages and other schemes', () => {
    expect(classify('https://shop.example.com/cart')).toBeUndefined();
    expect(classify('javascript:void(0)')).toBeUndefined();
    expect(classify('ftp://files.example.org/a')).toBeUndefined();
  });

  it('clips the href to 1024 characters', () => {
    const [, props] = classify(`https://example.org/?q=${'x'.repeat(3000)}`) ?? [];
    expect(String(props?.href)).toHaveLength(1024);
  });
});
