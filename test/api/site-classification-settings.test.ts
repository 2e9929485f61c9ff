import type { CollectedEventEnvelope } from '../../lambdas/collection/collected-event';
import { createSiteRegistry } from '../../lambdas/collection/site-registry';
import { createEnricher } from '../../lambdas/enrichment/enrich-event';
import { emptyGeoIp } from '../../lambdas/enrichment/geoip';
import { type ApiFixture, createApiFixture } from './support/api-fixture';

const RULES = [
  { channel: 'Partners', when: { source: '/^partner-(a|b)$/i', medium: 'referral' } },
  { channel: 'Newsletter', when: { source: 'substack' } },
];
const PATTERNS = ['amzn.to/*', '*.awin1.com/cread.php*'];

describe('site settings: channel rules and affiliate patterns', () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await createApiFixture();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const patch = (body: unknown, as = api.members.admin) =>
    api.call(`/api/sites/${api.siteId}/settings`, { method: 'PATCH', body, as });
  const stored = async () =>
    (await api.sql.db.selectFrom('sites').select('settings').where('id', '=', api.siteId).executeTakeFirstOrThrow())
      .settings;

  it('stores the rules and patterns an admin saves, keeping the other settings, and shows them to a viewer', async () => {
    // Prepare
    await patch({ ipv4PrefixBits: 16 });

    // Act
    const saved = await patch({ channelRules: RULES, affiliatePatterns: PATTERNS });
    const shown = await api.call(`/api/sites/${api.siteId}/settings`, { as: api.members.viewer });

    // Assess
    expect(saved.status).toBe(200);
    expect(shown.body).toMatchObject({ ipv4PrefixBits: 16, channelRules: RULES, affiliatePatterns: PATTERNS });
    expect(await stored()).toMatchObject({ ipv4PrefixBits: 16, channelRules: RULES, affiliatePatterns: PATTERNS });
  });

  it('refuses a rule whose regular expression does not compile, naming its path, and keeps what was stored', async () => {
    // Prepare
    await patch({ channelRules: RULES });
    const broken = [...RULES, RULES[0], { channel: 'Broken', when: { source: '/partner-(a/' } }];

    // Act
    const answer = await patch({ channelRules: broken });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('channelRules.3.when.source');
    expect((await stored()).channelRules).toEqual(RULES);
  });

  it.each([
    ['a rule without conditions', { channelRules: [{ channel: 'Partners', when: {} }] }, 'channelRules.0.when'],
    [
      'a rule with an unknown field',
      { channelRules: [{ channel: 'P', when: { source: 'a' }, match: 'x' }] },
      'channelRules.0.match',
    ],
    [
      'a channel name over 100 characters',
      { channelRules: [{ channel: 'x'.repeat(101), when: { source: 'a' } }] },
      'channelRules.0.channel',
    ],
    [
      'a condition over 500 characters',
      { channelRules: [{ channel: 'P', when: { medium: 'm'.repeat(501) } }] },
      'channelRules.0.when.medium',
    ],
    [
      'a regex repeating a group that repeats',
      { channelRules: [{ channel: 'P', when: { campaign: '/^(a+)+$/' } }] },
      'channelRules.0.when.campaign',
    ],
    ['more than 100 rules', { channelRules: Array.from({ length: 101 }, () => RULES[1]) }, 'channelRules'],
    ['a pattern of wildcards only', { affiliatePatterns: ['amzn.to/*', '**'] }, 'affiliatePatterns.1'],
    ['a pattern with a #fragment', { affiliatePatterns: ['shop.example/#ref'] }, 'affiliatePatterns.0'],
    ['a pattern for another scheme', { affiliatePatterns: ['javascript://x*'] }, 'affiliatePatterns.0'],
    ['a pattern over 300 characters', { affiliatePatterns: [`${'a'.repeat(300)}*`] }, 'affiliatePatterns.0'],
    [
      'more than 500 patterns',
      { affiliatePatterns: Array.from({ length: 501 }, (_, i) => `a${i}.example/*`) },
      'affiliatePatterns',
    ],
  ])('refuses %s with a 400 naming the field', async (_, body, field) => {
    // Act
    const answer = await patch(body);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe(field);
  });

  it('lets only admins and owners change them', async () => {
    // Act
    const byAnalyst = await patch({ affiliatePatterns: ['evil.example/*'] }, api.members.analyst);
    const byOwner = await patch({ affiliatePatterns: ['owner.example/*'] }, api.members.owner);

    // Assess
    expect(byAnalyst.status).toBe(403);
    expect(byOwner.status).toBe(200);
    expect((await stored()).affiliatePatterns).toEqual(['owner.example/*']);
  });

  it('changes how enrichment classifies the site’s events once the site registry’s minute has passed', async () => {
    // Prepare: enrichment has the site cached from before the change.
    let clock = 1_700_000_000_000;
    const sites = createSiteRegistry(api.sql, { now: () => clock });
    const enricher = createEnricher({ geo: emptyGeoIp });
    await patch({ channelRules: [], affiliatePatterns: [] });
    const envelope = (eventId: string, event: Partial<CollectedEventEnvelope['event']>): CollectedEventEnvelope => ({
      kind: 'event',
      v: 1,
      siteId: api.siteId,
      organizationId: api.organizationId,
      source: 'tracker',
      server: { receivedAt: clock },
      event: { eventId, type: 'page', anonymousId: 'v1', ...event },
    });
    const landing = envelope('e1', { url: 'https://acme.example/?utm_source=Partner-A&utm_medium=referral' });
    const click = envelope('e2', {
      type: 'track',
      name: 'outbound_click',
      url: 'https://acme.example/reviews',
      properties: { href: 'https://amzn.to/3xyz' },
    });
    const classify = async () => {
      const site = await sites.byId(api.siteId);
      if (!site) throw new Error('site not found');
      const [page, outbound] = enricher.enrichBatch([landing, click], () => site);
      return { channel: page?.channel, affiliate: outbound?.affiliate_pattern };
    };
    const before = await classify();

    // Act
    await patch({ channelRules: RULES, affiliatePatterns: PATTERNS });
    const withinTheMinute = await classify();
    clock += 60_001;
    const after = await classify();

    // Assess
    expect(before).toEqual({ channel: 'Referral', affiliate: null });
    expect(withinTheMinute).toEqual(before);
    expect(after).toEqual({ channel: 'Partners', affiliate: 'amzn.to/*' });
  });
});
