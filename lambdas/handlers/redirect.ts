import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { followTrackedLink } from '../attribution/follow-link';
import type { LinkRegistry } from '../attribution/tracked-links';
import { parseTrustedProxies } from '../collection/client-context';
import type { SiteRegistry } from '../collection/site-registry';
import { httpErrorHandler } from '../core/http/error-handler';
import type { HttpResponse } from '../core/http/responses';
import type { EventStream } from '../ports/event-stream';
import type { KeyValue } from '../ports/key-value';
import { lazyHandler } from './lazy-handler';

export interface RedirectHandlerDeps {
  readonly links: LinkRegistry;
  readonly sites: SiteRegistry;
  readonly events: EventStream;
  readonly keyValue: KeyValue;
  /** `cloudfront` and/or CIDRs (see `parseTrustedProxies`). */
  readonly trustedProxies: string;
  /** Proof that a request came through our CloudFront distribution (`ORIGIN_VERIFY_HEADER`): without it CloudFront's viewer headers are not believed. */
  readonly originVerifySecret?: string;
  readonly now?: () => number;
}

/**
 * `GET /r/{linkId}`: records the click, drops the `_sl_clk` cookie for the link's window and
 * answers 302 to the link's destination; an unknown or disabled link is a 404 JSON answer.
 *
 * @example
 * const handler = makeRedirectHandler({ links: createLinkRegistry(sql), sites, events, keyValue, trustedProxies: 'cloudfront' });
 */
export function makeRedirectHandler(deps: RedirectHandlerDeps) {
  const followDeps = {
    links: deps.links,
    sites: deps.sites,
    events: deps.events,
    keyValue: deps.keyValue,
    trustedProxies: parseTrustedProxies(deps.trustedProxies, deps.originVerifySecret),
    now: deps.now ?? Date.now,
    newId: randomUUID,
  };
  const redirect = async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
    const linkId = event.pathParameters?.linkId ?? event.rawPath.split('/')[2] ?? '';
    const followed = await followTrackedLink(event, linkId, followDeps);
    return {
      statusCode: 302,
      headers: {
        location: followed.location,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer-when-downgrade',
      },
      ...(followed.cookie ? { cookies: [followed.cookie] } : {}),
    };
  };
  return middy<APIGatewayProxyEventV2, HttpResponse>(redirect).use(httpErrorHandler());
}

export const handler = lazyHandler(async () => {
  const { awsDependencies } = await import('../composition/aws-dependencies');
  const { createSiteRegistry } = await import('../collection/site-registry');
  const { createLinkRegistry } = await import('../attribution/tracked-links');
  const { ENV, optionalEnv } = await import('../core/config');
  const deps = await awsDependencies();
  return makeRedirectHandler({
    links: createLinkRegistry(deps.sql),
    sites: createSiteRegistry(deps.sql),
    events: deps.events,
    keyValue: deps.keyValue,
    trustedProxies: optionalEnv(ENV.trustedProxies) ?? 'cloudfront',
    originVerifySecret: optionalEnv(ENV.originVerifySecret),
  });
});
