import type { CollectedEventEnvelope } from '../collection/collected-event';
import { type AffiliateMatcher, affiliateTarget, compileAffiliatePatterns } from './affiliate';

export interface AffiliateVerdict {
  /** Null for events that are not link clicks: there was no link to judge. */
  readonly link: boolean | null;
  readonly pattern: string | null;
}

const NOT_A_LINK: AffiliateVerdict = { link: null, pattern: null };
const EMPTY: readonly string[] = [];
const matchers = new WeakMap<readonly string[], { matcher: AffiliateMatcher; lowerCased: Map<string, string> }>();

/**
 * Whether an event is a click on one of the site's affiliate links. Judged for track events
 * carrying a link (`props.href`: affiliate_click, outbound_click, download, ...) and for click /
 * redirect events by their `url`. A pattern the tracker reports (`props.pattern`) is taken when
 * it is still one of the site's patterns; otherwise the link is matched here, with the site's
 * current patterns. Matchers are compiled once per patterns array, so pass the same settings
 * object for a site.
 *
 * @example
 * affiliateClickOf(envelope, ['amzn.to/*']); // { link: true, pattern: 'amzn.to/*' } for a click on https://amzn.to/3xyz
 */
export function affiliateClickOf(
  envelope: CollectedEventEnvelope,
  patterns: readonly string[] = EMPTY,
): AffiliateVerdict {
  const { event, source } = envelope;
  const href = event.properties?.href;
  const isLinkEvent = event.type === 'track' && typeof href === 'string';
  const isClick = event.type === 'click' || source === 'redirect';
  if (!isLinkEvent && !isClick) return NOT_A_LINK;
  if (patterns.length === 0) return { link: false, pattern: null };
  const compiled = compiledFor(patterns);
  const reported = event.properties?.pattern;
  if (event.name === 'affiliate_click' && typeof reported === 'string') {
    const known = compiled.lowerCased.get(reported.toLowerCase());
    if (known !== undefined) return { link: true, pattern: known };
  }
  const link = isLinkEvent ? (href as string) : event.url;
  const target = affiliateTarget(link);
  const pattern = target ? compiled.matcher.match(target) : null;
  return { link: pattern !== null, pattern };
}

function compiledFor(patterns: readonly string[]) {
  let compiled = matchers.get(patterns);
  if (!compiled) {
    const lowerCased = new Map<string, string>();
    for (const p of patterns) if (!lowerCased.has(p.toLowerCase())) lowerCased.set(p.toLowerCase(), p);
    compiled = { matcher: compileAffiliatePatterns(patterns), lowerCased };
    matchers.set(patterns, compiled);
  }
  return compiled;
}
