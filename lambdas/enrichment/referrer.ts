import type { SourceCategory } from './known-sources';
import { registrableDomain } from './registrable-domain';
import { type KnownSource, sourceByHost } from './traffic-sources';

export type ReferrerType = 'search' | 'social' | 'email' | 'paid' | 'internal' | 'direct' | 'other';

export interface ReferrerInfo {
  /** Host of the referring URL, lower-cased; an Android app's package name for `android-app://` referrers. */
  readonly host: string | null;
  readonly type: ReferrerType;
  /** Display name of a recognized source (`Google`, `Facebook`, `Gmail`); null otherwise. */
  readonly source: string | null;
  /** GA4-style category of a recognized source, for channel grouping. */
  readonly category: SourceCategory | null;
}

export interface ReferrerInput {
  readonly referrer?: string | null;
  /** The page the visitor landed on: a referrer on the same registrable domain is internal. */
  readonly pageUrl?: string | null;
  /** The landing URL carries a paid click id or a paid `utm_medium` (see `campaign.ts`). */
  readonly paid?: boolean;
}

const TYPE_OF_CATEGORY: Readonly<Record<SourceCategory, ReferrerType>> = {
  search: 'search',
  social: 'social',
  // The lake's referrer types have no video or shopping: YouTube and co. are social platforms.
  video: 'social',
  email: 'email',
  shopping: 'other',
  ai: 'other',
};

/** Webmail front ends of ISPs and self-hosted servers (`webmail.example.net`, Roundcube, ...). */
const WEBMAIL_HOST = /^(webmail|mail|email|roundcube|owa)\./;
/** Fediverse servers are countless; these names give most of them away. */
const FEDIVERSE_HOST = /(^|\.)(mastodon|mstdn|toot|masto)\.|\.social$|^mas\.to$/;

/**
 * Classifies where a visit came from: `paid` when the landing URL is a paid click, `direct`
 * without a referrer, `internal` when the referrer shares the page's registrable domain
 * (subdomains included), otherwise search / social / email / other by the referrer's host.
 *
 * @example
 * classifyReferrer({ referrer: 'https://www.google.co.uk/', pageUrl: 'https://example.com/' });
 * // { host: 'www.google.co.uk', type: 'search', source: 'Google', category: 'search' }
 * classifyReferrer({ referrer: 'https://blog.example.com/a', pageUrl: 'https://example.com/' });
 * // { host: 'blog.example.com', type: 'internal', source: null, category: null }
 */
export function classifyReferrer(input: ReferrerInput): ReferrerInfo {
  const host = hostOf(input.referrer);
  const known = host ? sourceByHost(host) : null;
  const source = known ?? (host ? guessSource(host) : null);
  const info = (type: ReferrerType, s: KnownSource | null = source): ReferrerInfo => ({
    host,
    type,
    source: s?.name ?? null,
    category: s?.category ?? null,
  });
  if (input.paid) return info('paid');
  if (!input.referrer) return info('direct', null);
  if (!host) return info('other', null);
  const pageHost = hostOf(input.pageUrl);
  if (pageHost && registrableDomain(pageHost) === registrableDomain(host)) return info('internal', null);
  return source ? info(TYPE_OF_CATEGORY[source.category]) : info('other');
}

/**
 * The lower-cased host of a URL, or null when it has none or does not parse.
 *
 * @example
 * hostOf('https://WWW.Example.com:8443/a'); // 'www.example.com'
 */
export function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host === '' ? null : host.replace(/\.$/, '');
  } catch {
    return null;
  }
}

function guessSource(host: string): KnownSource | null {
  if (WEBMAIL_HOST.test(host)) return { name: 'Webmail', category: 'email' };
  if (FEDIVERSE_HOST.test(host)) return { name: 'Mastodon', category: 'social' };
  return null;
}
