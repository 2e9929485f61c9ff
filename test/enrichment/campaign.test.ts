import { parseCampaign } from '../../lambdas/enrichment/campaign';

const PAGE = 'https://www.example.com/landing';

describe('parseCampaign', () => {
  it('reads every utm parameter from the page URL', () => {
    // Act
    const campaign = parseCampaign({
      url: `${PAGE}?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=hero&utm_id=42`,
    });

    // Assess
    expect(campaign.utm).toEqual({
      source: 'newsletter',
      medium: 'email',
      campaign: 'spring',
      term: 'shoes',
      content: 'hero',
      id: '42',
    });
    expect(campaign.origin).toBe('url');
    expect(campaign.paid).toBe(false);
  });

  it.each([
    ['gclid', 'google_ads', true],
    ['gbraid', 'google_ads', true],
    ['wbraid', 'google_ads', true],
    ['dclid', 'google_display', true],
    ['fbclid', 'meta', false],
    ['msclkid', 'microsoft_ads', true],
    ['ttclid', 'tiktok_ads', true],
    ['li_fat_id', 'linkedin_ads', true],
    ['twclid', 'x_ads', true],
    ['irclickid', 'impact', false],
  ])('maps the click id %s to %s', (param, network, paid) => {
    // Act
    const campaign = parseCampaign({ url: `${PAGE}?${param}=abc123` });

    // Assess
    expect(campaign).toMatchObject({ clickIdType: param, clickId: 'abc123', adNetwork: network, paid });
  });

  it('picks the first click id by priority when several are present', () => {
    expect(parseCampaign({ url: `${PAGE}?fbclid=f&gclid=g` })).toMatchObject({ clickIdType: 'gclid', clickId: 'g' });
  });

  it.each(['cpc', 'ppc', 'paid_social', 'paidsearch', 'retargeting', 'display', 'CPM'])(
    'treats utm_medium=%s as paid',
    (medium) => {
      expect(parseCampaign({ url: `${PAGE}?utm_source=x&utm_medium=${medium}` }).paid).toBe(true);
    },
  );

  it('reads affiliate sub ids and leaves other parameters alone', () => {
    // Act
    const campaign = parseCampaign({
      url: `${PAGE}?sub1=a&sub_id=b&aff_sub3=c&s2=d&clickref=e&pubref=f&afftrack=g&subid=h&page=2`,
    });

    // Assess
    expect(campaign.subIds).toEqual({
      sub1: 'a',
      sub_id: 'b',
      aff_sub3: 'c',
      s2: 'd',
      clickref: 'e',
      pubref: 'f',
      afftrack: 'g',
      subid: 'h',
    });
  });

  it('uses the session context the tracker kept when the URL has none', () => {
    // Act
    const campaign = parseCampaign({
      url: `${PAGE}?page=2`,
      campaign: { source: 'google', medium: 'cpc', campaign: 'brand' },
      clickIds: { gclid: 'kept' },
      subIds: { sub1: 'x' },
    });

    // Assess
    expect(campaign).toMatchObject({
      utm: { source: 'google', medium: 'cpc', campaign: 'brand' },
      clickIdType: 'gclid',
      clickId: 'kept',
      subIds: { sub1: 'x' },
      origin: 'session',
    });
  });

  it('accepts session keys with or without the utm_ prefix', () => {
    expect(parseCampaign({ campaign: { utm_source: 'a', medium: 'b' } }).utm).toMatchObject({
      source: 'a',
      medium: 'b',
    });
  });

  it('lets a new touch on the URL replace the session context whole', () => {
    // Act
    const campaign = parseCampaign({
      url: `${PAGE}?gclid=new`,
      campaign: { source: 'newsletter', medium: 'email' },
      clickIds: { fbclid: 'old' },
    });

    // Assess
    expect(campaign.utm.source).toBeNull();
    expect(campaign.utm.medium).toBeNull();
    expect(campaign).toMatchObject({ clickIdType: 'gclid', clickId: 'new', origin: 'url' });
  });

  it('adds sub ids from the URL over the session ones when the URL is not a new touch', () => {
    expect(parseCampaign({ url: `${PAGE}?sub2=url`, subIds: { sub1: 'session', sub2: 'session' } }).subIds).toEqual({
      sub1: 'session',
      sub2: 'url',
    });
  });

  it('returns an empty context for a URL without parameters', () => {
    expect(parseCampaign({ url: PAGE })).toMatchObject({
      clickIdType: null,
      adNetwork: null,
      subIds: null,
      paid: false,
      origin: null,
    });
  });

  it('clips values to 256 characters', () => {
    expect(parseCampaign({ url: `${PAGE}?utm_campaign=${'x'.repeat(1000)}` }).utm.campaign).toHaveLength(256);
  });
});
