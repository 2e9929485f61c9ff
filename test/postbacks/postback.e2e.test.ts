import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createLocalKeyWrapper } from '../../lambdas/adapters/local/local-key-wrapper';
import { runAttributionQuery } from '../../lambdas/attribution/run-attribution-query';
import { createLinkRegistry, createTrackedLink } from '../../lambdas/attribution/tracked-links';
import { createSiteRegistry } from '../../lambdas/collection/site-registry';
import type { HttpResponse } from '../../lambdas/core/http/responses';
import { makePostbackHandler } from '../../lambdas/handlers/postback';
import { makeRedirectHandler } from '../../lambdas/handlers/redirect';
import { LOCAL_DATABASE } from '../../lambdas/lake/named-queries';
import { configurePostbacks } from '../../lambdas/postbacks/postback-settings';
import { dataPaths } from '../../lambdas/runtime/data-dir';
import { queryLake } from '../support/lake';
import { type LocalStack, startLocalStack } from '../support/local-stack';
import { apiEvent, query } from './support/api-event';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/**
 * A tracked-link click and the network's postback for it, through the handlers built on a whole
 * local stack's dependencies (the routes are the lead's to register in `start.ts`), into the lake
 * by the stack's own enrichment worker, and out again through the attribution SQL.
 */
describe('postbacks, end to end into the lake', () => {
  let stack: LocalStack;
  let redirect: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;
  let postback: (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;
  let token: string;

  beforeAll(async () => {
    stack = await startLocalStack();
    const { deps, setup } = stack.runtime;
    const keyWrapper = createLocalKeyWrapper({ path: dataPaths(stack.dataDir).masterKey });
    const sites = createSiteRegistry(deps.sql);
    const site = { organizationId: setup.organizationId, siteId: setup.demoSite.id };
    token = (await configurePostbacks(deps.sql, keyWrapper, site)).token ?? '';
    await createTrackedLink(deps.sql, {
      ...site,
      id: 'spring-sale',
      destination: 'https://localhost/landing?cid={click_id}',
      affiliateId: 'aff-e2e',
      offerId: 'offer-e2e',
    });
    const redirectHandler = makeRedirectHandler({
      links: createLinkRegistry(deps.sql),
      sites,
      events: deps.events,
      keyValue: deps.keyValue,
      trustedProxies: '127.0.0.1/8',
    });
    const postbackHandler = makePostbackHandler({
      sql: deps.sql,
      sites,
      events: deps.events,
      keyValue: deps.keyValue,
      keyWrapper,
      trustedProxies: '127.0.0.1/8',
    });
    redirect = (event) => redirectHandler(event, {} as Context);
    postback = (event) => postbackHandler(event, {} as Context);
  }, 60_000);
  afterAll(async () => {
    await stack.stop();
  });

  const sendPostback = (params: Record<string, string>) =>
    postback(
      apiEvent({
        path: `/postback/everflow?${query({ sl_site: stack.siteKey, sl_token: token, ...params })}`,
        pathParameters: { network: 'everflow' },
        sourceIp: '127.0.0.1',
      }),
    );

  it('records a click and its conversion in the lake, and credits the affiliate channel', async () => {
    // Prepare
    const click = await redirect(
      apiEvent({
        path: '/r/spring-sale?sub1=newsletter',
        pathParameters: { linkId: 'spring-sale' },
        headers: { 'user-agent': CHROME },
        cookies: ['_sl_aid=visitorE2E'],
        sourceIp: '127.0.0.1',
      }),
    );
    const clickId = new URL(String(click.headers?.location)).searchParams.get('cid') ?? '';

    // Act
    const created = await sendPostback({
      transaction_id: 'ef-click-1',
      conversion_id: 'conv-e2e-1',
      sub2: clickId,
      sale_amount: '25.00',
      payout_amount: '2.50',
    });
    await stack.settle();

    // Assess
    expect(click.statusCode).toBe(302);
    expect(JSON.parse(String(created.body))).toMatchObject({ status: 'created', revision: 0 });
    const [clickRow] = await queryLake(
      stack.dataDir,
      'select event_type, source, anonymous_id, channel from events where event_id = ?',
      [clickId],
    );
    expect(clickRow).toEqual({
      event_type: 'click',
      source: 'redirect',
      anonymous_id: 'visitorE2E',
      channel: 'Affiliates',
    });
    const conversions = await queryLake(
      stack.dataDir,
      "select event_type, source, anonymous_id, properties from events where event_type = 'conversion'",
    );
    expect(conversions).toHaveLength(1);
    expect(conversions[0]).toMatchObject({ event_type: 'conversion', source: 'postback', anonymous_id: 'visitorE2E' });
    expect(JSON.parse(String(conversions[0]?.properties))).toMatchObject({
      network: 'everflow',
      transaction_id: 'conv-e2e-1',
      status: 'approved',
      amount: 25,
      payout: 2.5,
      currency: 'USD',
      matched_click_id: clickId,
      affiliate_id: 'aff-e2e',
    });
    const today = new Date().toISOString().slice(0, 10);
    const { rows } = await runAttributionQuery(
      stack.runtime.deps.analytics,
      'attribution-by-channel',
      { siteId: stack.runtime.setup.demoSite.id, from: today, to: today },
      { database: LOCAL_DATABASE },
    );
    expect(rows).toEqual([
      expect.objectContaining({
        channel: 'Affiliates',
        campaign: 'offer-e2e',
        first_touch: 1,
        last_touch: 1,
        linear_revenue: 25,
      }),
    ]);
  }, 30_000);

  it('keeps a rejected update as a new revision in the lake, and leaves the conversion out of attribution', async () => {
    // Act
    const replay = await sendPostback({
      transaction_id: 'ef-click-1',
      conversion_id: 'conv-e2e-1',
      sale_amount: '25.00',
      payout_amount: '2.50',
    });
    const rejected = await sendPostback({
      transaction_id: 'ef-click-1',
      conversion_id: 'conv-e2e-1',
      status: 'rejected',
    });
    await stack.settle();

    // Assess
    expect(JSON.parse(String(replay.body))).toMatchObject({ status: 'duplicate' });
    expect(JSON.parse(String(rejected.body))).toMatchObject({ status: 'updated', revision: 1 });
    const revisions = await queryLake(
      stack.dataDir,
      "select properties from events where event_type = 'conversion' order by received_at",
    );
    expect(revisions.map((r) => JSON.parse(String(r.properties)).status)).toEqual(['approved', 'rejected']);
    const today = new Date().toISOString().slice(0, 10);
    const { rows } = await runAttributionQuery(
      stack.runtime.deps.analytics,
      'attribution-by-channel',
      { siteId: stack.runtime.setup.demoSite.id, from: today, to: today },
      { database: LOCAL_DATABASE },
    );
    expect(rows).toEqual([]);
  }, 30_000);
});
