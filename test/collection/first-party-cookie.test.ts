import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ORIGIN_VERIFY_HEADER, VIEWER_HOST_HEADER } from '../../lambdas/core/config';
import { makeCollectHandler } from '../../lambdas/handlers/collect';
import type { EventStream } from '../../lambdas/ports/event-stream';
import { FIXED_SITE, fixedSiteRegistry } from '../support/fixed-site';

/** The server-set `_sl_aid` cookie in AWS: CloudFront forwards every viewer header but Host. */
describe('first-party id cookie behind CloudFront', () => {
  const events: EventStream = {
    put: async () => undefined,
    consumer: () => {
      throw new Error('not read here');
    },
  };
  const collect = makeCollectHandler({
    sites: fixedSiteRegistry,
    events,
    trustedProxies: 'cloudfront',
    originVerifySecret: 'stack-guid',
  });
  const post = async (headers: Record<string, string>, ctx: Record<string, unknown> = {}) => {
    const body = JSON.stringify({
      site: FIXED_SITE.siteKey,
      events: [
        { id: randomUUID(), type: 'page', ts: Date.now(), aid: 'aid123', url: 'https://www.shop.example/', ctx },
      ],
    });
    const event = {
      version: '2.0',
      rawPath: '/e',
      rawQueryString: '',
      headers: {
        host: 'abc123.execute-api.eu-west-1.amazonaws.com',
        origin: 'https://www.shop.example',
        'content-type': 'text/plain',
        ...headers,
      },
      requestContext: { http: { method: 'POST', path: '/e', sourceIp: '130.176.1.1' } },
      body,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;
    return (await collect(event, {} as never)) as {
      statusCode: number;
      cookies?: string[];
      headers: Record<string, string>;
    };
  };

  it('sets the cookie on the site’s domain when CloudFront vouches that the viewer asked for a host on it', async () => {
    const response = await post({ [VIEWER_HOST_HEADER]: 't.shop.example', [ORIGIN_VERIFY_HEADER]: 'stack-guid' });

    expect(response.statusCode).toBe(202);
    expect(response.cookies).toEqual([
      '_sl_aid=aid123; Domain=shop.example; Path=/; Max-Age=34560000; SameSite=Lax; Secure',
    ]);
    // A credentialed fetch can read the answer (and store the cookie) only with these.
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': 'https://www.shop.example',
      'access-control-allow-credentials': 'true',
    });
  });

  it('sets no cookie when the viewer host comes without the origin secret (the API called directly)', async () => {
    const response = await post({ [VIEWER_HOST_HEADER]: 't.shop.example' });

    expect(response.statusCode).toBe(202);
    expect(response.cookies).toBeUndefined();
  });

  it('sets no cookie when the distribution is not on the site’s domain', async () => {
    const response = await post({ [VIEWER_HOST_HEADER]: 'd111.cloudfront.net', [ORIGIN_VERIFY_HEADER]: 'stack-guid' });

    expect(response.cookies).toBeUndefined();
  });

  it('sets no cookie for a cookieless (no consent) event', async () => {
    const response = await post(
      { [VIEWER_HOST_HEADER]: 't.shop.example', [ORIGIN_VERIFY_HEADER]: 'stack-guid' },
      { cl: true },
    );

    expect(response.statusCode).toBe(202);
    expect(response.cookies).toBeUndefined();
  });
});
