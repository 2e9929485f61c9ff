import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { saveClick } from '../../lambdas/attribution/click-records';
import type { CollectedEventEnvelope, FailedEventEnvelope } from '../../lambdas/collection/collected-event';
import { ORIGIN_VERIFY_HEADER } from '../../lambdas/core/config';
import type { HttpResponse } from '../../lambdas/core/http/responses';
import { withOrganization } from '../../lambdas/db/tenant';
import { makePostbackHandler } from '../../lambdas/handlers/postback';
import { configurePostbacks } from '../../lambdas/postbacks/postback-settings';
import { signPostback } from '../../lambdas/postbacks/postback-signature';
import { CONVERTED_AT, IDFA, NETWORK_FIXTURES, NOW, OUR_CLICK_ID } from './fixtures/network-postbacks';
import { type ApiEventInput, apiEvent, query } from './support/api-event';
import { openPostbackFixture, type PostbackFixture } from './support/postback-fixture';

describe('postback endpoint', () => {
  let fx: PostbackFixture;
  let invoke: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

  beforeAll(async () => {
    fx = await openPostbackFixture();
    const handler = makePostbackHandler({
      sql: fx.sql,
      sites: fx.sites,
      events: fx.events,
      keyValue: fx.keyValue,
      keyWrapper: fx.keyWrapper,
      trustedProxies: '10.0.0.0/8',
      now: () => NOW,
    });
    invoke = (event) => handler(event, {} as Context);
  }, 30_000);
  afterAll(async () => {
    await fx.close();
  });

  /** A site with postbacks turned on, its credentials, and a postback sender for it. */
  async function siteWithPostbacks(
    settings: Omit<Parameters<typeof configurePostbacks>[2], 'organizationId' | 'siteId'> = {},
  ) {
    const tenant = await fx.createTenant();
    const { token } = await configurePostbacks(fx.sql, fx.keyWrapper, { ...tenant, ...settings });
    const send = (network: string, params: Record<string, string>, extra: Partial<ApiEventInput> = {}) =>
      invoke(
        apiEvent({
          path: `/postback/${network}?${query({ sl_site: tenant.siteKey, sl_token: token ?? '', ...params })}`,
          pathParameters: { network },
          ...extra,
        }),
      );
    return { ...tenant, token: token ?? '', send };
  }

  const conversionsOf = (siteId: string) =>
    fx.sql.db.selectFrom('conversions').selectAll().where('site_id', '=', siteId).execute();
  const emitted = (siteId: string) =>
    fx.events.envelopes.filter((e): e is CollectedEventEnvelope => e.kind === 'event' && e.siteId === siteId);
  const body = (response: HttpResponse) => JSON.parse(String(response.body)) as Record<string, unknown>;

  it.each(NETWORK_FIXTURES.filter((f) => f.network !== 'generic').map((f) => [f.network, f] as const))(
    'stores a %s postback and puts the conversion on the event stream',
    async (network, fixture) => {
      // Prepare
      const site = await siteWithPostbacks();
      const extra = fixture.json
        ? {
            method: 'POST' as const,
            body: JSON.stringify(fixture.json),
            headers: { 'content-type': 'application/json' },
          }
        : {};

      // Act
      const response = await site.send(network, fixture.query ?? {}, extra);

      // Assess
      expect(response.statusCode).toBe(200);
      expect(body(response)).toMatchObject({ status: 'created', network, revision: 0 });
      const [row] = await conversionsOf(site.siteId);
      expect(row).toMatchObject({
        network,
        transaction_id: fixture.expected.transactionId,
        status: fixture.expected.status,
      });
      const [envelope] = emitted(site.siteId);
      expect(envelope?.source).toBe('postback');
      expect(envelope?.event).toMatchObject({ type: 'conversion', name: fixture.expected.eventName });
      expect(envelope?.event.properties).toMatchObject({
        network,
        transaction_id: fixture.expected.transactionId,
        status: fixture.expected.status,
        revision: 0,
      });
    },
  );

  it('maps a generic postback through the site’s field mapping', async () => {
    // Prepare
    const fixture = NETWORK_FIXTURES.find((f) => f.network === 'generic');
    const site = await siteWithPostbacks({ genericMapping: fixture?.mapping ?? null, defaultCurrency: 'GBP' });

    // Act
    const response = await site.send(
      'generic',
      {},
      {
        method: 'POST',
        body: JSON.stringify(fixture?.json),
        headers: { 'content-type': 'application/json' },
      },
    );

    // Assess
    expect(response.statusCode).toBe(200);
    const [row] = await conversionsOf(site.siteId);
    expect(row).toMatchObject({ transaction_id: 'A-1001', currency: 'GBP', status: 'approved' });
    expect(Number(row?.amount)).toBe(30);
  });

  it('answers a replayed postback with 200 and does not count it twice', async () => {
    // Prepare
    const site = await siteWithPostbacks();
    const params = { transaction_id: 'replayed-1', payout_amount: '5.00' };
    await site.send('everflow', params);

    // Act
    const replay = await site.send('everflow', params);

    // Assess
    expect(replay.statusCode).toBe(200);
    expect(body(replay)).toMatchObject({ status: 'duplicate', revision: 0 });
    expect(await conversionsOf(site.siteId)).toHaveLength(1);
    expect(emitted(site.siteId)).toHaveLength(1);
  });

  it('updates the conversion and emits a new revision when its status changes, ignoring a late pending', async () => {
    // Prepare
    const site = await siteWithPostbacks();
    const action = { ActionId: '8882.1.1', Amount: '100.00', Payout: '7.50', Currency: 'USD' };
    await site.send('impact', { ...action, ActionStatus: 'PENDING' });

    // Act
    const approved = await site.send('impact', { ...action, ActionStatus: 'APPROVED' });
    const latePending = await site.send('impact', { ...action, ActionStatus: 'PENDING' });
    const reversed = await site.send('impact', { ActionId: '8882.1.1', ActionStatus: 'REVERSED' });

    // Assess
    expect([approved, latePending, reversed].map((r) => body(r).status)).toEqual(['updated', 'stale', 'updated']);
    const [row] = await conversionsOf(site.siteId);
    expect(row).toMatchObject({ status: 'rejected', revision: 2 });
    expect([Number(row?.amount), Number(row?.payout)]).toEqual([100, 7.5]);
    const revisions = emitted(site.siteId).map((e) => [e.event.properties?.status, e.event.properties?.revision]);
    expect(revisions).toEqual([
      ['pending', 0],
      ['approved', 1],
      ['rejected', 2],
    ]);
    expect(new Set(emitted(site.siteId).map((e) => e.event.eventId)).size).toBe(3);
  });

  it('links a conversion to the tracked-link click whose id a sub id carries', async () => {
    // Prepare
    const site = await siteWithPostbacks();
    await saveClick(fx.keyValue, site.siteId, {
      clickId: OUR_CLICK_ID,
      linkId: 'spring-link',
      affiliateId: 'aff-7',
      offerId: 'offer-1',
      subIds: { sub1: 'newsletter' },
      anonymousId: 'visitor-1',
      clickedAt: CONVERTED_AT - 86_400_000,
      expiresAt: CONVERTED_AT + 29 * 86_400_000,
    });

    // Act
    await site.send('tune', {
      transaction_id: 'tune-1',
      aff_sub2: OUR_CLICK_ID,
      payout: '2.00',
      datetime: '2026-03-09 11:00:00',
      ios_ifa: IDFA,
    });

    // Assess
    const [row] = await conversionsOf(site.siteId);
    expect(row).toMatchObject({
      matched_click_id: OUR_CLICK_ID,
      link_id: 'spring-link',
      affiliate_id: 'aff-7',
      offer_id: 'offer-1',
      anonymous_id: 'visitor-1',
      sub_ids: { sub1: 'newsletter', sub2: OUR_CLICK_ID },
    });
    const [envelope] = emitted(site.siteId);
    expect(envelope?.event).toMatchObject({ anonymousId: 'visitor-1', timestamp: CONVERTED_AT });
    expect(envelope?.event.properties).toMatchObject({ idfa: IDFA, affiliate_id: 'aff-7', payout: 2 });
  });

  it('does not link a conversion that happened after the click’s cookie window', async () => {
    // Prepare
    const site = await siteWithPostbacks();
    await saveClick(fx.keyValue, site.siteId, {
      clickId: OUR_CLICK_ID,
      linkId: 'old-link',
      subIds: {},
      anonymousId: 'visitor-2',
      clickedAt: CONVERTED_AT - 40 * 86_400_000,
      expiresAt: CONVERTED_AT - 10 * 86_400_000,
    });

    // Act
    await site.send('cake', { leadid: 'late-1', s2: OUR_CLICK_ID, utcunixtime: '1773054000' });

    // Assess
    const [row] = await conversionsOf(site.siteId);
    expect(row).toMatchObject({ matched_click_id: null, anonymous_id: null });
  });

  it('keeps each organization’s conversions and settings to itself (row-level security)', async () => {
    // Prepare
    const mine = await siteWithPostbacks();
    const theirs = await siteWithPostbacks();
    await mine.send('everflow', { transaction_id: 'rls-1' });

    // Act
    const seenByThem = await withOrganization(fx.sql, theirs.organizationId, (trx) =>
      Promise.all([
        trx.selectFrom('conversions').select('id').execute(),
        trx.selectFrom('postback_settings').select('site_id').execute(),
      ]),
    );

    // Assess
    expect(seenByThem[0]).toEqual([]);
    expect(seenByThem[1]).toEqual([{ site_id: theirs.siteId }]);
  });

  describe('verification', () => {
    it.each([
      ['no token', (_token: string) => ({ sl_token: '' })],
      ['a wrong token', (t: string) => ({ sl_token: `${t}x` })],
    ])('refuses a postback with %s with 401 and stores nothing', async (_, tokenParams) => {
      // Prepare
      const site = await siteWithPostbacks();
      const before = fx.events.envelopes.length;

      // Act
      const response = await invoke(
        apiEvent({
          path: `/postback/everflow?${query({ sl_site: site.siteKey, transaction_id: 'x1', ...tokenParams(site.token) })}`,
          pathParameters: { network: 'everflow' },
        }),
      );

      // Assess
      expect(response.statusCode).toBe(401);
      expect(await conversionsOf(site.siteId)).toHaveLength(0);
      expect(fx.events.envelopes).toHaveLength(before);
    });

    it('refuses a site key without postback settings with 401', async () => {
      // Prepare
      const tenant = await fx.createTenant();

      // Act
      const response = await invoke(
        apiEvent({
          path: `/postback/everflow?sl_site=${tenant.siteKey}&sl_token=anything&transaction_id=x`,
          pathParameters: { network: 'everflow' },
        }),
      );

      // Assess
      expect(response.statusCode).toBe(401);
    });

    it('accepts the token in the x-sightline-token header', async () => {
      // Prepare
      const site = await siteWithPostbacks();

      // Act
      const response = await invoke(
        apiEvent({
          path: `/postback/everflow?sl_site=${site.siteKey}&transaction_id=h1`,
          headers: { 'x-sightline-token': site.token },
          pathParameters: { network: 'everflow' },
        }),
      );

      // Assess
      expect(response.statusCode).toBe(200);
    });

    it('requires a valid HMAC signature of the body when the site sets a secret', async () => {
      // Prepare
      const secret = 'an-hmac-secret-of-some-length';
      const site = await siteWithPostbacks({ hmacSecret: secret });
      const json = JSON.stringify({ id: 'b-1', name: 'INSTALL', timestamp: CONVERTED_AT });
      const post = (headers: Record<string, string>) =>
        site.send(
          'branch',
          {},
          { method: 'POST', body: json, headers: { 'content-type': 'application/json', ...headers } },
        );

      // Act
      const unsigned = await post({});
      const forged = await post({ 'x-sightline-signature': signPostback(json, 'another-secret-entirely') });
      const signed = await post({ 'x-sightline-signature': signPostback(json, secret) });

      // Assess
      expect([unsigned.statusCode, forged.statusCode, signed.statusCode]).toEqual([401, 401, 200]);
      expect(await conversionsOf(site.siteId)).toHaveLength(1);
    });

    it('signs a GET postback over its query string without the signature', async () => {
      // Prepare
      const secret = 'an-hmac-secret-of-some-length';
      const site = await siteWithPostbacks({ hmacSecret: secret });
      const signedPart = query({ sl_site: site.siteKey, sl_token: site.token, transaction_id: 'g-1' });

      // Act
      const response = await invoke(
        apiEvent({
          path: `/postback/everflow?${signedPart}&sl_signature=${encodeURIComponent(signPostback(signedPart, secret))}`,
          pathParameters: { network: 'everflow' },
        }),
      );

      // Assess
      expect(response.statusCode).toBe(200);
    });

    it('keeps neither the token nor the HMAC secret in plaintext', async () => {
      // Prepare
      const secret = 'an-hmac-secret-of-some-length';
      const site = await siteWithPostbacks({ hmacSecret: secret });
      const content = query({ sl_site: site.siteKey, sl_token: site.token, transaction_id: 'p-1' });
      await invoke(
        apiEvent({
          path: `/postback/everflow?${content}&sl_signature=${encodeURIComponent(signPostback(content, secret))}`,
          pathParameters: { network: 'everflow' },
        }),
      );

      // Act
      const settings = await fx.sql.db
        .selectFrom('postback_settings')
        .selectAll()
        .where('site_id', '=', site.siteId)
        .executeTakeFirstOrThrow();
      const [conversion] = await conversionsOf(site.siteId);

      // Assess
      const stored = JSON.stringify(settings) + Buffer.from(settings.hmac_secret_cipher ?? []).toString('latin1');
      expect(stored).not.toContain(site.token);
      expect(stored).not.toContain(secret);
      expect(conversion?.raw_payload).toEqual({ transaction_id: 'p-1' });
    });

    it('refuses a source address outside the allow-list with 403, believing only trusted proxies', async () => {
      // Prepare
      const site = await siteWithPostbacks({ ipAllowList: ['52.1.2.0/24'] });

      // Act
      const outside = await site.send('everflow', { transaction_id: 'ip-1' }, { sourceIp: '198.51.100.7' });
      const spoofed = await site.send(
        'everflow',
        { transaction_id: 'ip-1' },
        {
          sourceIp: '198.51.100.7',
          headers: { 'x-forwarded-for': '52.1.2.3' },
        },
      );
      const proxied = await site.send(
        'everflow',
        { transaction_id: 'ip-1' },
        {
          sourceIp: '10.1.1.1',
          headers: { 'x-forwarded-for': '52.1.2.3' },
        },
      );

      // Assess
      expect([outside.statusCode, spoofed.statusCode, proxied.statusCode]).toEqual([403, 403, 200]);
    });
  });

  it('believes CloudFront’s viewer address for the allow-list only with the origin secret', async () => {
    // Prepare: the handler as deployed behind CloudFront.
    const tenant = await fx.createTenant();
    const { token } = await configurePostbacks(fx.sql, fx.keyWrapper, { ...tenant, ipAllowList: ['52.1.2.0/24'] });
    const behindCloudFront = makePostbackHandler({
      sql: fx.sql,
      sites: fx.sites,
      events: fx.events,
      keyValue: fx.keyValue,
      keyWrapper: fx.keyWrapper,
      trustedProxies: 'cloudfront',
      originVerifySecret: 'stack-guid',
      now: () => NOW,
    });
    const send = (transactionId: string, headers: Record<string, string>) =>
      behindCloudFront(
        apiEvent({
          path: `/postback/everflow?${query({ sl_site: tenant.siteKey, sl_token: token ?? '', transaction_id: transactionId })}`,
          pathParameters: { network: 'everflow' },
          sourceIp: '198.51.100.7',
          headers: { 'cloudfront-viewer-address': '52.1.2.3:443', ...headers },
        }),
        {} as Context,
      );

    // Act
    const forged = await send('cf-1', {});
    const through = await send('cf-2', { [ORIGIN_VERIFY_HEADER]: 'stack-guid' });

    // Assess
    expect([forged.statusCode, through.statusCode]).toEqual([403, 200]);
  });

  describe('invalid postbacks', () => {
    it('answers 400 naming the field and keeps the postback as a failed event with the reason', async () => {
      // Prepare
      const site = await siteWithPostbacks();

      // Act
      const response = await site.send('everflow', { transaction_id: 'bad-1', idfa: 'not-an-ifa', sale_amount: '5' });

      // Assess
      expect(response.statusCode).toBe(400);
      expect(body(response)).toEqual({
        error: { code: 'validation_error', message: expect.any(String), field: 'idfa' },
      });
      expect(await conversionsOf(site.siteId)).toHaveLength(0);
      const failure = fx.events.envelopes.find(
        (e): e is FailedEventEnvelope => e.kind === 'failed' && e.siteId === site.siteId,
      );
      expect(failure).toMatchObject({ source: 'postback', reason: 'schema_violation', field: 'idfa' });
      expect(failure?.payload).toContain('not-an-ifa');
      expect(failure?.payload).not.toContain(site.token);
    });

    it('answers 404 for a network it has no parser for', async () => {
      // Prepare
      const site = await siteWithPostbacks();

      // Act
      const response = await site.send('awin', { transaction_id: 'x' });

      // Assess
      expect(response.statusCode).toBe(404);
    });

    it('answers 400 for a generic postback on a site without a field mapping', async () => {
      // Prepare
      const site = await siteWithPostbacks();

      // Act
      const response = await site.send('generic', { order_id: 'x' });

      // Assess
      expect(response.statusCode).toBe(400);
      expect(body(response)).toMatchObject({ error: { field: 'network' } });
    });

    it('stores nothing when the event stream cannot take the conversion, so the network retries', async () => {
      // Prepare
      const site = await siteWithPostbacks();
      fx.events.failNext();

      // Act
      const failed = await site.send('everflow', { transaction_id: 'retry-1' });
      const retried = await site.send('everflow', { transaction_id: 'retry-1' });

      // Assess
      expect(failed.statusCode).toBe(500);
      expect(body(retried)).toMatchObject({ status: 'created' });
      expect(await conversionsOf(site.siteId)).toHaveLength(1);
    });
  });
});
