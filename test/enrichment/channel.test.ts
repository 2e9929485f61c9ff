import { parseCampaign } from '../../lambdas/enrichment/campaign';
import { assignChannel, defaultChannelOf } from '../../lambdas/enrichment/channel';
import { type ChannelRule, channelRulesSchema, compileChannelRules } from '../../lambdas/enrichment/channel-rules';
import { classifyReferrer } from '../../lambdas/enrichment/referrer';

const PAGE = 'https://www.example.com/landing';

function channelOf(query: string, referrer = '', rules: ChannelRule[] = []): string {
  const url = query ? `${PAGE}?${query}` : PAGE;
  const campaign = parseCampaign({ url });
  return assignChannel(campaign, classifyReferrer({ referrer, pageUrl: url, paid: campaign.paid }), rules).channel;
}

describe('default channel grouping', () => {
  it.each([
    ['no referrer and no campaign', '', '', 'Direct'],
    ['an internal referrer (self-referrals are ignored, as in GA4)', '', 'https://blog.example.com/', 'Direct'],
    ['a Google referrer', '', 'https://www.google.com/', 'Organic Search'],
    ['a Bing referrer', '', 'https://www.bing.com/', 'Organic Search'],
    ['a gclid', 'gclid=abc', '', 'Paid Search'],
    ['a gclid arriving from Google', 'gclid=abc', 'https://www.google.com/', 'Paid Search'],
    ['an msclkid', 'msclkid=abc', '', 'Paid Search'],
    ['utm_source=google&utm_medium=cpc', 'utm_source=google&utm_medium=cpc', '', 'Paid Search'],
    ['utm_medium=email', 'utm_source=newsletter&utm_medium=email', '', 'Email'],
    ['utm_source=email alone', 'utm_source=email', '', 'Email'],
    ['a Gmail referrer', '', 'https://mail.google.com/', 'Email'],
    ['a Facebook referrer', '', 'https://l.facebook.com/', 'Organic Social'],
    ['an fbclid alone (Meta tags organic shares too)', 'fbclid=abc', 'https://l.facebook.com/', 'Organic Social'],
    [
      'an fbclid with utm_medium=paid_social',
      'fbclid=abc&utm_source=facebook&utm_medium=paid_social',
      '',
      'Paid Social',
    ],
    ['a ttclid', 'ttclid=abc', '', 'Paid Social'],
    ['utm_medium=social', 'utm_source=newsletter-partner&utm_medium=social', '', 'Organic Social'],
    ['a YouTube referrer', '', 'https://www.youtube.com/', 'Organic Video'],
    ['utm_source=youtube&utm_medium=cpv', 'utm_source=youtube&utm_medium=cpv', '', 'Paid Video'],
    ['an Amazon referrer', '', 'https://www.amazon.com/', 'Organic Shopping'],
    [
      'a shopping campaign on cpc',
      'utm_source=partner&utm_medium=cpc&utm_campaign=summer-shopping',
      '',
      'Paid Shopping',
    ],
    ['utm_medium=display', 'utm_source=gdn&utm_medium=display', '', 'Display'],
    ['a dclid', 'dclid=abc', '', 'Display'],
    ['utm_medium=cpc from an unlisted source', 'utm_source=adnet&utm_medium=cpc', '', 'Paid Other'],
    [
      'a Performance Max campaign',
      'utm_source=google&utm_medium=cpc&utm_campaign=pmax-cross-network',
      '',
      'Cross-network',
    ],
    ['utm_medium=affiliate', 'utm_source=partner&utm_medium=affiliate', '', 'Affiliates'],
    ['an Impact click id', 'irclickid=abc', '', 'Affiliates'],
    ['utm_medium=audio', 'utm_source=spotify&utm_medium=audio', '', 'Audio'],
    ['utm_medium=sms', 'utm_source=twilio&utm_medium=sms', '', 'SMS'],
    ['utm_medium=push', 'utm_source=app&utm_medium=push', '', 'Mobile Push Notifications'],
    ['an unlisted referrer', '', 'https://blog.partner.org/post', 'Referral'],
    ['utm_medium=referral', 'utm_source=partner&utm_medium=referral', '', 'Referral'],
    ['an unknown medium', 'utm_source=partner&utm_medium=qr', '', 'Unassigned'],
  ])('assigns %s', (_name, query, referrer, channel) => {
    // Act
    const assigned = channelOf(query, referrer);

    // Assess
    expect(assigned).toBe(channel);
  });

  it('groups an explicit (direct) / (none) as Direct', () => {
    expect(defaultChannelOf({ source: '(direct)', medium: '(none)', campaign: null, category: null })).toBe('Direct');
  });
});

describe('site channel rules', () => {
  const rules: ChannelRule[] = [
    { channel: 'Partners', when: { source: '/^partner-(a|b)$/i' } },
    { channel: 'Newsletter', when: { source: 'Substack', medium: 'email' } },
    { channel: 'Community', when: { referrerHost: '/(^|\\.)community\\.example\\.org$/' } },
    { channel: 'Brand Search', when: { campaign: 'brand', medium: 'cpc' } },
  ];

  it.each([
    ['a regex on source', 'utm_source=partner-b&utm_medium=cpc', '', 'Partners'],
    ['an exact, case-insensitive source and medium', 'utm_source=substack&utm_medium=Email', '', 'Newsletter'],
    ['a referrer host regex', '', 'https://forum.community.example.org/t/1', 'Community'],
    ['a campaign with a medium', 'utm_source=google&utm_medium=cpc&utm_campaign=BRAND', '', 'Brand Search'],
  ])('override the default grouping by %s', (_name, query, referrer, channel) => {
    expect(channelOf(query, referrer, rules)).toBe(channel);
  });

  it('fall through to the default grouping when no rule matches', () => {
    expect(channelOf('utm_source=google&utm_medium=cpc&utm_campaign=generic', '', rules)).toBe('Paid Search');
  });

  it('apply the first matching rule in order', () => {
    // Prepare
    const ordered: ChannelRule[] = [
      { channel: 'First', when: { medium: 'cpc' } },
      { channel: 'Second', when: { source: 'google' } },
    ];

    // Act
    const channel = channelOf('utm_source=google&utm_medium=cpc', '', ordered);

    // Assess
    expect(channel).toBe('First');
  });

  it('match against the source a referrer implies', () => {
    expect(
      channelOf('', 'https://www.google.de/', [{ channel: 'SEO', when: { source: 'google', medium: 'organic' } }]),
    ).toBe('SEO');
  });

  it('skip a rule whose regex does not compile instead of failing', () => {
    // Prepare
    const compiled = compileChannelRules([
      { channel: 'Broken', when: { source: '/(unclosed/' } },
      { channel: 'Works', when: { source: 'x' } },
    ]);

    // Act
    const channel = compiled.match({ source: 'x', medium: null, referrerHost: null, campaign: null });

    // Assess
    expect(channel).toBe('Works');
  });

  it('are validated by the schema, which rejects bad regexes and empty conditions', () => {
    expect(channelRulesSchema.safeParse(rules).success).toBe(true);
    expect(channelRulesSchema.safeParse([{ channel: 'Broken', when: { source: '/(unclosed/' } }]).success).toBe(false);
    expect(channelRulesSchema.safeParse([{ channel: 'Empty', when: {} }]).success).toBe(false);
  });
});
