import { clickCookieHeader } from '../attribution/click-cookie';
import { parseCampaign } from '../enrichment/campaign';
import type { NormalizedEvent } from './collected-event';
import type { SiteRecord } from './site-registry';

/** What the tracker fetches from `GET /c?site=…`: the site's public settings, nothing secret. */
export function publicSiteConfig(site: SiteRecord) {
  const s = site.settings;
  return {
    affiliatePatterns: s.affiliatePatterns ?? [],
    honorDnt: s.honorDnt ?? true,
    honorGpc: s.honorGpc ?? true,
    sampleRate: s.sampleRate ?? 1,
  };
}

/**
 * The server-set first-party cookie: set by the collector on the customer's own domain, it lasts
 * the full term browsers allow for server-set cookies (ITP caps script-set ones at 7 days).
 * Only when the collector and the page share the site's domain and consent allowed an id.
 */
export function firstPartyCookie(
  site: SiteRecord,
  requestHost: string | undefined,
  origin: string | undefined,
  anonymousId: string | undefined,
): string | undefined {
  if (!anonymousId || !requestHost || !origin) return undefined;
  const domain = site.domain.toLowerCase();
  const host = requestHost.split(':')[0]?.toLowerCase() ?? '';
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    return undefined;
  }
  const sameSite = (h: string) => h === domain || h.endsWith(`.${domain}`);
  if (!sameSite(host) || !sameSite(originUrl.hostname.toLowerCase())) return undefined;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(anonymousId)) return undefined;
  const secure = originUrl.protocol === 'https:' ? '; Secure' : '';
  return `_sl_aid=${anonymousId}; Domain=${domain}; Path=/; Max-Age=34560000; SameSite=Lax${secure}`;
}

/**
 * The click cookie for a landing with a click id or sub ids in its URL (`?gclid=…&sub1=…`), the
 * same `_sl_clk` a tracked-link redirect drops, so a postback that arrives days later finds the
 * click. Set only where `firstPartyCookie` would set one, and only for the landing page view
 * that carries the click (not for later page views of the session).
 *
 * @example
 * landingClickCookie(site, host, origin, { type: 'page', url: 'https://shop.example/?gclid=abc' });
 */
export function landingClickCookie(
  site: SiteRecord,
  requestHost: string | undefined,
  origin: string | undefined,
  event: Pick<NormalizedEvent, 'type' | 'url' | 'cookieless'> | undefined,
): string | undefined {
  if (event?.type !== 'page' || event.cookieless || !event.url) return undefined;
  // Reuse the first-party checks: same registrable site, consent for an id.
  const allowed = firstPartyCookie(site, requestHost, origin, 'landing');
  if (!allowed) return undefined;
  const campaign = parseCampaign({ url: event.url });
  if (campaign.origin !== 'url' || (!campaign.clickId && !campaign.subIds)) return undefined;
  const secure = allowed.includes('; Secure');
  return clickCookieHeader(
    {
      clickId: (campaign.clickId ?? '').slice(0, 64),
      linkId: `landing:${campaign.clickIdType ?? 'sub'}`,
      subIds: campaign.subIds ?? {},
    },
    { maxAgeDays: LANDING_CLICK_WINDOW_DAYS, domain: site.domain.toLowerCase(), secure },
  );
}

/** The default attribution cookie window for a click id seen on landing. */
export const LANDING_CLICK_WINDOW_DAYS = 30;
