import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { LIMITS } from '../collection/bounds';
import { parseTrustedProxies, servedHost } from '../collection/client-context';
import { type Collector, createCollector } from '../collection/collector';
import { pixelToTrackerPayload, TRANSPARENT_GIF } from '../collection/pixel';
import { SEGMENT_LIMITS, SEGMENT_TYPES, type SegmentType } from '../collection/segment-schema';
import { firstPartyCookie, landingClickCookie, publicSiteConfig } from '../collection/site-config';
import { createSiteRegistry, type SiteRegistry } from '../collection/site-registry';
import { ENV, optionalEnv } from '../core/config';
import { NotFoundError, PayloadTooLargeError, ValidationError } from '../core/errors';
import { httpResponseForError } from '../core/http/error-handler';
import { bodyText, header, jsonBody } from '../core/http/request';
import { type HttpResponse, jsonResponse } from '../core/http/responses';
import type { EventStream } from '../ports/event-stream';
import { lazyHandler } from './lazy-handler';

export interface CollectHandlerDeps {
  readonly sites: SiteRegistry;
  readonly events: EventStream;
  /** `cloudfront` and/or CIDRs (see `parseTrustedProxies`). */
  readonly trustedProxies: string;
  /** Proof that a request came through our CloudFront distribution (`ORIGIN_VERIFY_HEADER`). */
  readonly originVerifySecret?: string;
  readonly now?: () => number;
}

/**
 * The collection endpoint: `POST /e` (tracker batches, JSON or text/plain), `GET /e.gif` (image
 * beacons), `GET /c` (public site config for the tracker), `POST /v1/*` (Segment-compatible).
 * Answers 2xx only once the event stream holds the events.
 */
export function makeCollectHandler(deps: CollectHandlerDeps) {
  const now = deps.now ?? Date.now;
  const trustedProxies = parseTrustedProxies(deps.trustedProxies, deps.originVerifySecret);
  const collector: Collector = createCollector({
    sites: deps.sites,
    events: deps.events,
    trustedProxies,
    now,
    newId: randomUUID,
  });

  const collect = async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
    const method = event.requestContext.http.method;
    const path = event.rawPath;
    const cors = corsHeaders(header(event, 'origin'));
    try {
      if (path === '/e' && method === 'OPTIONS') return { statusCode: 204, headers: { ...cors, ...PREFLIGHT } };
      if (path === '/e' && method === 'POST') {
        const result = await collector.collectTracker(event, 'tracker', jsonBody(event, LIMITS.trackerBodyBytes));
        // The host the browser sent this to, as the edge vouches for it: the collector's domain.
        const host = servedHost(event, trustedProxies);
        const origin = header(event, 'origin');
        const cookies = [
          firstPartyCookie(result.site, host, origin, result.anonymousId),
          landingClickCookie(result.site, host, origin, result.landing),
        ].filter((c): c is string => c !== undefined);
        return {
          ...jsonResponse(202, { accepted: result.accepted, rejected: result.rejected }, cors),
          ...(cookies.length > 0 ? { cookies } : {}),
        };
      }
      if (path === '/e.gif' && (method === 'GET' || method === 'HEAD')) {
        const result = await collector.collectTracker(event, 'pixel', pixelToTrackerPayload(event, randomUUID, now()));
        // An image must always render (a broken one shows in e-mail): a rejected beacon event is still
        // answered with the GIF, kept as a failure, and named in a header instead of a 4xx.
        const [rejected] = result.rejected;
        return {
          statusCode: 200,
          headers: {
            'content-type': 'image/gif',
            'cache-control': 'no-store, max-age=0',
            ...(rejected ? { [PIXEL_REJECTED_HEADER]: rejected.field } : {}),
            ...cors,
          },
          body: TRANSPARENT_GIF.toString('base64'),
          isBase64Encoded: true,
        };
      }
      if (path === '/c' && method === 'GET') {
        const siteKey = event.queryStringParameters?.site;
        if (!siteKey || siteKey.length > LIMITS.id) throw new ValidationError('site is required', 'site');
        const site = await deps.sites.bySiteKey(siteKey);
        if (!site) throw new NotFoundError('unknown site key');
        return jsonResponse(200, publicSiteConfig(site), { ...cors, 'cache-control': 'public, max-age=300' });
      }
      if (path.startsWith('/v1/') && method === 'POST') {
        const type = path.slice(4);
        if (type !== 'batch' && !(SEGMENT_TYPES as readonly string[]).includes(type)) {
          throw new NotFoundError(`no Segment endpoint ${path}`);
        }
        const result = await collector.collectSegment(event, type as 'batch' | SegmentType, segmentBody(event));
        const [first] = result.rejected;
        if (first) {
          // Our rule over Segment's "200 for everything": a rejected event is a 400 naming its field;
          // the batch's other events are kept (`accepted`), so a client that drops 4xx batches loses none.
          const error = { code: 'validation_error', message: first.message, field: first.field };
          return jsonResponse(400, { error, accepted: result.accepted, rejected: result.rejected }, cors);
        }
        return jsonResponse(200, { success: true }, cors);
      }
      throw new NotFoundError(`no route for ${method} ${path}`);
    } catch (error) {
      const response = httpResponseForError(error);
      if (response.statusCode >= 500) console.error(error);
      return { ...response, headers: { ...response.headers, ...cors } };
    }
  };

  return middy<APIGatewayProxyEventV2, HttpResponse>(collect);
}

/**
 * A Segment body as text. Up to `SEGMENT_LIMITS.readBytes` is read so the collector can answer (and
 * record) one over Segment's 500 KB with a 400 naming `body`, as Segment answers it; past that too.
 */
function segmentBody(event: APIGatewayProxyEventV2): string {
  try {
    return bodyText(event, SEGMENT_LIMITS.readBytes);
  } catch (error) {
    if (error instanceof PayloadTooLargeError)
      throw new ValidationError('body exceeds 500 KB', 'body', { cause: error });
    throw error;
  }
}

/** Names the field of a beacon event that was rejected (the answer is a GIF all the same). */
export const PIXEL_REJECTED_HEADER = 'x-sightline-rejected';

const PREFLIGHT = {
  'access-control-allow-methods': 'POST, GET, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization',
  'access-control-max-age': '86400',
};

/** Echoes the caller's origin so browsers can read the answer; the collector itself enforces the allow-list. */
function corsHeaders(origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  return { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
}

export const handler = lazyHandler(async () => {
  const { awsDependencies } = await import('../composition/aws-dependencies');
  const deps = await awsDependencies();
  return makeCollectHandler({
    sites: createSiteRegistry(deps.sql),
    events: deps.events,
    trustedProxies: optionalEnv(ENV.trustedProxies) ?? 'cloudfront',
    originVerifySecret: optionalEnv(ENV.originVerifySecret),
  });
});
