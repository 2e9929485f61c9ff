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
