import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { issuePath } from '../collection/bounds';
import { servedHost, serverContext, type TrustedProxies } from '../collection/client-context';
import type { SiteRegistry } from '../collection/site-registry';
import { NotFoundError, ValidationError } from '../core/errors';
import { header } from '../core/http/request';
import type { EventStream } from '../ports/event-stream';
import type { KeyValue } from '../ports/key-value';
import { SAFE_TEXT } from '../postbacks/conversion-values';
import { clickCookieHeader, requestCookie } from './click-cookie';
import { trackedClickEnvelope } from './click-envelope';
import { saveClick } from './click-records';
import { expandDestination } from './link-destination';
import type { LinkRegistry } from './tracked-links';

export interface FollowLinkDeps {
  readonly links: LinkRegistry;
  readonly sites: SiteRegistry;
  readonly events: EventStream;
  readonly keyValue: KeyValue;
  readonly trustedProxies: TrustedProxies;
  readonly now: () => number;
  /** A UUID: click ids are looked up by that shape. */
  readonly newId: () => string;
}

export interface FollowedLink {
  readonly location: string;
  readonly clickId: string;
  /** `Set-Cookie` for the click cookie; absent when the visitor opted out (GPC / DNT honoured). */
  readonly cookie?: string;
}

const SUB_KEYS = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;
const subValue = z.string().max(256).regex(SAFE_TEXT, 'must not contain quotes, backslashes or control characters');
const querySchema = z.object(Object.fromEntries(SUB_KEYS.map((key) => [key, subValue.optional()])));
const ANONYMOUS_ID = /^[A-Za-z0-9_-]{1,64}$/;
const DAY_MS = 86_400_000;

/**
 * `GET /r/<linkId>?sub1=…`: records the click (kept for postbacks to find, and put on the event
 * stream as a `redirect` / `click` event), drops the click cookie for the link's window, and
 * answers where to send the visitor. The cookie and the visitor's anonymous id are left out when
 * the visitor sends GPC or DNT and the site honours them; the click itself is still counted.
 *
 * @example
 * const { location, cookie } = await followTrackedLink(event, 'spring-sale', deps);
 * return { statusCode: 302, headers: { location }, cookies: cookie ? [cookie] : [] };
 */
export async function followTrackedLink(
  request: APIGatewayProxyEventV2,
  linkId: string,
  deps: FollowLinkDeps,
): Promise<FollowedLink> {
  const link = await deps.links.byId(linkId);
  if (!link) throw new NotFoundError(`no tracked link ${linkId.slice(0, 64)}`);
  const site = await deps.sites.byId(link.siteId);
  if (!site) throw new NotFoundError(`no tracked link ${linkId.slice(0, 64)}`);

  const query = querySchema.safeParse(request.queryStringParameters ?? {});
  if (!query.success) {
    const { field, message } = issuePath('', query.error);
    throw new ValidationError(message, field);
  }
  const subIds = Object.fromEntries(
    Object.entries(query.data).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
    ),
  );

  const server = serverContext(request, deps.trustedProxies, deps.now());
  const optedOut =
    ((site.settings.honorGpc ?? true) && server.gpc === true) ||
    ((site.settings.honorDnt ?? true) && server.dnt === true);
  const aid = requestCookie(request.cookies, '_sl_aid');
  const anonymousId = !optedOut && aid && ANONYMOUS_ID.test(aid) ? aid : undefined;
  const clickId = deps.newId();
  const clickedAt = server.receivedAt;
  const location = expandDestination(link.destination, {
    click_id: clickId,
    link_id: link.id,
    ...(link.affiliateId ? { affiliate_id: link.affiliateId } : {}),
    ...(link.offerId ? { offer_id: link.offerId } : {}),
    ...subIds,
  });

  await saveClick(deps.keyValue, site.id, {
    clickId,
    linkId: link.id,
    ...(link.affiliateId ? { affiliateId: link.affiliateId } : {}),
    ...(link.offerId ? { offerId: link.offerId } : {}),
    ...(link.campaign ? { campaign: link.campaign } : {}),
    subIds,
    ...(anonymousId ? { anonymousId } : {}),
    clickedAt,
    expiresAt: clickedAt + link.cookieWindowDays * DAY_MS,
  });

  const referrer = header(request, 'referer');
  const envelope = trackedClickEnvelope({
    siteId: site.id,
    organizationId: site.organizationId,
    link,
    clickId,
    location,
    server,
    subIds,
    ...(anonymousId ? { anonymousId } : {}),
    ...(referrer ? { referrer } : {}),
    optedOut,
  });
  await deps.events.put([
    { partitionKey: `${site.id}:${anonymousId ?? clickId}`, data: Buffer.from(JSON.stringify(envelope)) },
  ]);

  if (optedOut) return { location, clickId };
  const cookie = clickCookieHeader(
    { clickId, linkId: link.id, subIds },
    {
      maxAgeDays: link.cookieWindowDays,
      domain: cookieDomain(site.domain, servedHost(request, deps.trustedProxies)),
      secure: isHttps(request),
    },
  );
  return { location, clickId, cookie };
}

/** The site's domain when the request came to it (or a subdomain): otherwise a host-only cookie. */
function cookieDomain(siteDomain: string, host: string | undefined): string | undefined {
  const domain = siteDomain.toLowerCase();
  const requestHost = (host ?? '').split(':')[0]?.toLowerCase() ?? '';
  return requestHost === domain || requestHost.endsWith(`.${domain}`) ? domain : undefined;
}

function isHttps(request: APIGatewayProxyEventV2): boolean {
  const proto = header(request, 'cloudfront-forwarded-proto') ?? header(request, 'x-forwarded-proto');
  return proto === 'https';
}
