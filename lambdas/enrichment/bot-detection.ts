import { isbot } from 'isbot';
import type { BehaviourVerdict } from './behaviour-tracker';
import { HOSTING_ASNS } from './hosting-asns';

/** Why an event was judged automated, most decisive first. */
export type BotReason = 'user_agent' | 'headless' | 'datacenter_asn' | 'behaviour';

export interface BotSignals {
  readonly userAgent: string | null | undefined;
  /** isbot's verdict when already computed (the UA parser caches it); computed here otherwise. */
  readonly isKnownBotUserAgent?: boolean;
  /** The request came from a browser, so a missing user agent means a stripped-down client. */
  readonly fromBrowser?: boolean;
  readonly asn?: number | null;
  /** From the GeoIP2 Anonymous IP database. */
  readonly isHostingProvider?: boolean;
  readonly isPublicProxy?: boolean;
  /** `navigator.webdriver` as the tracker reported it (event property `$webdriver`). */
  readonly webdriver?: boolean;
  readonly behaviour?: BehaviourVerdict;
}

export interface BotVerdict {
  readonly isBot: boolean;
  /** Every reason that fired, most decisive first. */
  readonly reasons: readonly BotReason[];
  /** `reasons` comma-joined for the lake's `bot_reason`; null for humans. */
  readonly reason: string | null;
}

export interface BotDetectionOptions {
  /** @default HOSTING_ASNS */
  readonly hostingAsns?: ReadonlySet<number>;
}

/** Automation frameworks that announce themselves in the UA, which isbot alone would call plain bots. */
const HEADLESS_UA =
  /headlesschrome|\bheadless\b|phantomjs|slimerjs|electron\/|\bjsdom\b|nightmare|puppeteer|playwright/i;

/**
 * Whether the user agent names a headless or embedded-automation browser.
 *
 * @example
 * isHeadlessUserAgent('Mozilla/5.0 (X11; Linux x86_64) ... HeadlessChrome/124.0.6367.60 Safari/537.36'); // true
 */
export function isHeadlessUserAgent(userAgent: string | null | undefined): boolean {
  return typeof userAgent === 'string' && HEADLESS_UA.test(userAgent);
}

/**
 * Combines the signals enrichment has into one verdict, in order of how decisive each is:
 * a headless browser (UA token, `navigator.webdriver`, or a browser request without a UA), a
 * self-declared bot UA (isbot), a hosting network (curated ASNs, or the Anonymous IP
 * database's hosting/public-proxy flags), then inhuman behaviour within the batch. A headless
 * UA is reported as `headless`, not also `user_agent`, although isbot matches it too.
 * VPN, Tor and residential-proxy flags alone do not make a bot: people use them.
 *
 * @example
 * detectBot({ userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' });
 * // { isBot: true, reasons: ['user_agent'], reason: 'user_agent' }
 * detectBot({ userAgent: chromeUa, asn: 16509 });
 * // { isBot: true, reasons: ['datacenter_asn'], reason: 'datacenter_asn' }
 */
export function detectBot(signals: BotSignals, options: BotDetectionOptions = {}): BotVerdict {
  const hostingAsns = options.hostingAsns ?? HOSTING_ASNS;
  const reasons: BotReason[] = [];
  const ua = signals.userAgent?.trim() || null;
  const headless =
    isHeadlessUserAgent(ua) || signals.webdriver === true || (signals.fromBrowser === true && ua === null);
  if (headless) reasons.push('headless');
  else if (ua !== null && (signals.isKnownBotUserAgent ?? isbot(ua))) reasons.push('user_agent');
  const asn = signals.asn;
  if (
    (typeof asn === 'number' && hostingAsns.has(asn)) ||
    signals.isHostingProvider === true ||
    signals.isPublicProxy === true
  ) {
    reasons.push('datacenter_asn');
  }
  if (signals.behaviour?.suspicious) reasons.push('behaviour');
  return { isBot: reasons.length > 0, reasons, reason: reasons.length > 0 ? reasons.join(',') : null };
}
