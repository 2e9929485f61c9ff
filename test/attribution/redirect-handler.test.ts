import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { parseClickCookie } from '../../lambdas/attribution/click-cookie';
import { findClick } from '../../lambdas/attribution/click-records';
import { createLinkRegistry, createTrackedLink, saveAffiliate } from '../../lambdas/attribution/tracked-links';
import type { CollectedEventEnvelope } from '../../lambdas/collection/collected-event';
import { ORIGIN_VERIFY_HEADER, VIEWER_HOST_HEADER } from '../../lambdas/core/config';
import { ValidationError } from '../../lambdas/core/errors';
import type { HttpResponse } from '../../lambdas/core/http/responses';
import { makeRedirectHandler } from '../../lambdas/handlers/redirect';
import { type ApiEventInput, apiEvent } from '../postbacks/support/api-event';
import { openPostbackFixture, type PostbackFixture } from '../postbacks/support/postback-fixture';

const NOW = Date.UTC(2026, 2, 10, 12);
const DAY = 86_400;

describe('tracked-link redirect', () => {
  let fx: PostbackFixture;
  let invoke: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;
  let tenant: Awaited<ReturnType<PostbackFixture['createTenant']>>;

  beforeAll(async () => {
    fx = await openPostbackFixture();
    tenant = await fx.createTenant();
    const handler = makeRedirectHandler({
      links: createLinkRegistry(fx.sql, { ttlMs: 0 }),
      sites: fx.sites,
      events: fx.events,
      keyValue: fx.keyValue,
      trustedProxies: '10.0.0.0/8',
      now: () => NOW,
    });
    invoke = (event) => handler(event, {} as Context);
  }, 30_000);
  afterAll(async () => {
    await fx.close();
  });

  const link = (input: Partial<Parameters<typeof createTrackedLink>[1]> = {}) =>
    createTrackedLink(fx.sql, {
      organizationId: tenant.organizationId,
      siteId: tenant.siteId,
      destination: 'https://shop.example.com/landing?cid={click_id}&s1={sub1}',
      ...input,
    });
  const follow = (id: string, search = '', extra: Partial<ApiEventInput> = {}) =>
    invoke(apiEvent({ path: `/r/${id}${search}`, pathParameters: { linkId: id }, ...extra }));
  const clickOf = (clickId: string) =>
    fx.events.envelopes.find(
      (e): e is CollectedEventEnvelope => e.kind === 'event' && e.event.eventId === clickId && e.source === 'redirect',
    );

  it('records the click, drops the click cookie for 30 days and answers 302 to the destination', async () => {
    // Prepare
    const { id } = await link({ affiliateId: 'aff-1', offerId: 'offer-9' });

    // Act
    const response = await follow(id, '?sub1=newsletter&sub2=top', {
      headers: { host: 'go.shop.example.com', 'x-forwarded-proto': 'https', referer: 'https://blog.example.org/post' },
      cookies: ['_sl_aid=visitor-123'],
    });

    // Assess
    expect(response.statusCode).toBe(302);
    const location = new URL(String(response.headers?.location));
    const clickId = location.searchParams.get('cid') ?? '';
    expect(location.origin + location.pathname).toBe('https://shop.example.com/landing');
    expect(location.searchParams.get('s1')).toBe('newsletter');
    const [cookie] = response.cookies ?? [];
    expect(cookie).toMatch(
      new RegExp(
        `^_sl_clk=[A-Za-z0-9_-]+; Domain=shop.example.com; Path=/; Max-Age=${30 * DAY}; SameSite=Lax; Secure$`,
      ),
    );
    expect(parseClickCookie(cookie?.split(';')[0]?.split('=')[1] ?? '')).toEqual({
      clickId,
      linkId: id,
      subIds: { sub1: 'newsletter', sub2: 'top' },
    });
    expect(await findClick(fx.keyValue, tenant.siteId, clickId)).toMatchObject({
      linkId: id,
      affiliateId: 'aff-1',
      offerId: 'offer-9',
      anonymousId: 'visitor-123',
      expiresAt: NOW + 30 * DAY * 1000,
    });
    expect(clickOf(clickId)?.event).toMatchObject({
      type: 'click',
      anonymousId: 'visitor-123',
      referrer: 'https://blog.example.org/post',
      campaign: { source: 'aff-1', medium: 'affiliate', campaign: 'offer-9' },
      subIds: { sub1: 'newsletter', sub2: 'top' },
      properties: {
        click_id: clickId,
        link_id: id,
        affiliate_id: 'aff-1',
        cookie_dropped: true,
        cookie_window_days: 30,
      },
    });
  });

  it('uses the affiliate’s cookie window, and the link’s over it', async () => {
    // Prepare
    await saveAffiliate(fx.sql, { ...tenant, id: 'aff-short', name: 'Coupons', cookieWindowDays: 7 });
    const affiliateLink = await link({ affiliateId: 'aff-short' });
    const overridden = await link({ affiliateId: 'aff-short', cookieWindowDays: 14 });

    // Act
    const [byAffiliate, byLink] = await Promise.all([follow(affiliateLink.id), follow(overridden.id)]);

    // Assess
    expect(byAffiliate.cookies?.[0]).toContain(`Max-Age=${7 * DAY};`);
    expect(byLink.cookies?.[0]).toContain(`Max-Age=${14 * DAY};`);
  });

  it('behind CloudFront, takes the site’s domain for the cookie from the viewer host it vouches for', async () => {
    // Prepare: the redirect as deployed, CloudFront forwarding every viewer header but Host.
    const { id } = await link();
    const behindCloudFront = makeRedirectHandler({
      links: createLinkRegistry(fx.sql, { ttlMs: 0 }),
      sites: fx.sites,
      events: fx.events,
      keyValue: fx.keyValue,
      trustedProxies: 'cloudfront',
      originVerifySecret: 'stack-guid',
      now: () => NOW,
    });
    const headers = { host: 'abc123.execute-api.eu-west-1.amazonaws.com', [VIEWER_HOST_HEADER]: 'go.shop.example.com' };
    const request = (extra: Record<string, string>) =>
      behindCloudFront(
        apiEvent({ path: `/r/${id}`, pathParameters: { linkId: id }, headers: { ...headers, ...extra } }),
        {} as Context,
      );

    // Act
    const through = await request({ [ORIGIN_VERIFY_HEADER]: 'stack-guid' });
    const direct = await request({});

    // Assess
    expect(through.cookies?.[0]).toContain('; Domain=shop.example.com;');
    expect(direct.cookies?.[0]).not.toContain('Domain=');
  });

  it('sets a host-only cookie when the collector is not on the site’s domain', async () => {
    // Prepare
    const { id } = await link();

    // Act
    const response = await follow(id, '', { headers: { host: 'collector.other.net' } });

    // Assess
    expect(response.cookies?.[0]).not.toContain('Domain=');
    expect(response.cookies?.[0]).not.toContain('Secure');
  });

  it('counts the click but drops no cookie and no visitor id when the visitor sends GPC', async () => {
    // Prepare
    const { id } = await link();

    // Act
    const response = await follow(id, '', { headers: { 'sec-gpc': '1' }, cookies: ['_sl_aid=visitor-9'] });

    // Assess
    expect(response.statusCode).toBe(302);
    expect(response.cookies).toBeUndefined();
    const clickId = new URL(String(response.headers?.location)).searchParams.get('cid') ?? '';
    expect(clickOf(clickId)?.event).toMatchObject({ cookieless: true, properties: { cookie_dropped: false } });
    expect(clickOf(clickId)?.event.anonymousId).toBeUndefined();
  });

  it('answers an unknown link with a 404 JSON error', async () => {
    // Act
    const response = await follow('no-such-link');

    // Assess
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(String(response.body))).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('answers a sub id that breaks its bounds with a 400 naming it', async () => {
    // Prepare
    const { id } = await link();

    // Act
    const response = await follow(id, `?sub3=${'x'.repeat(300)}`);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(String(response.body))).toMatchObject({ error: { field: 'sub3' } });
  });

  it('encodes sub ids into the destination so they cannot add parameters', async () => {
    // Prepare
    const { id } = await link();

    // Act
    const response = await follow(id, `?sub1=${encodeURIComponent('a&redirect=https://evil.example')}`);

    // Assess
    const location = new URL(String(response.headers?.location));
    expect(location.host).toBe('shop.example.com');
    expect(location.searchParams.get('s1')).toBe('a&redirect=https://evil.example');
    expect(location.searchParams.get('redirect')).toBeNull();
  });

  it.each([
    ['a javascript: URL', 'javascript:alert(document.cookie)'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['a relative URL', '/landing'],
    ['a host made of a macro', 'https://{sub1}/landing'],
    ['credentials in the URL', 'https://user:pass@shop.example.com/'],
  ])('refuses to create a link to %s', async (_, destination) => {
    // Act
    const create = link({ destination });

    // Assess
    await expect(create).rejects.toThrow(ValidationError);
    await expect(create).rejects.toMatchObject({ field: 'destination' });
  });
});
