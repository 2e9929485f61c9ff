import { campaignFrom } from '../../tracker-sdk/src/campaign';

describe('campaignFrom', () => {
  it('reads utm parameters without their prefix', () => {
    expect(
      campaignFrom('?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=a&utm_id=42'),
    ).toEqual({ utm: { source: 'news', medium: 'email', campaign: 'spring', term: 'shoes', content: 'a', id: '42' } });
  });

  it('reads every supported click id', () => {
    const ids = [
      'gclid',
      'gbraid',
      'wbraid',
      'dclid',
      'fbclid',
      'msclkid',
      'ttclid',
      'li_fat_id',
      'twclid',
      'irclickid',
    ];
    const result = campaignFrom(`?${ids.map((k) => `${k}=${k}-v`).join('&')}`);
    expect(result?.clid).toEqual(Object.fromEntries(ids.map((k) => [k, `${k}-v`])));
  });

  it('reads affiliate sub ids', () => {
    expect(campaignFrom('?sub1=a&sub5=b&subid=c&sub_id=d&aff_sub=e&aff_sub3=f&aff_id=g&clickref=h')?.sub).toEqual({
      sub1: 'a',
      sub5: 'b',
      subid: 'c',
      sub_id: 'd',
      aff_sub: 'e',
      aff_sub3: 'f',
      aff_id: 'g',
      clickref: 'h',
    });
  });

  it('returns undefined for a query without campaign parameters or with empty ones', () => {
    expect(campaignFrom('?page=2&subscribe=yes&utm_source=')).toBeUndefined();
    expect(campaignFrom('')).toBeUndefined();
  });

  it('clips values to 256 characters', () => {
    expect(campaignFrom(`?gclid=${'g'.repeat(1000)}`)?.clid?.gclid).toHaveLength(256);
  });
});

describe('campaignFrom bounds', () => {
  it('keeps at most 12 sub ids, as the collector accepts', () => {
    const query = Array.from({ length: 5 }, (_, i) => `sub${i + 1}=a&subid${i + 1}=b&aff_sub${i + 1}=c`).join('&');
    expect(Object.keys(campaignFrom(`?${query}`)?.sub ?? {})).toHaveLength(12);
  });
});
