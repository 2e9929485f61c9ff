import { isbot } from 'isbot';
import { UAParser } from 'ua-parser-js';
import { Bots } from 'ua-parser-js/extensions';
import { LruCache } from './lru-cache';

export type DeviceType = 'desktop' | 'mobile' | 'tablet' | 'tv' | 'console' | 'wearable' | 'bot';

export interface UserAgentInfo {
  readonly browser: string | null;
  /** Major version only: finer versions add cardinality without analytic value. */
  readonly browserVersion: string | null;
  readonly os: string | null;
  readonly osVersion: string | null;
  readonly deviceType: DeviceType | null;
  /** The UA names itself as a crawler, fetcher, library or other automated client (isbot's list). */
  readonly isKnownBot: boolean;
}

export interface UserAgentParser {
  parse(userAgent: string | null | undefined): UserAgentInfo;
}

/** Longest UA worth parsing; real ones are under 512 chars, longer ones are junk or attacks. */
const MAX_UA_LENGTH = 1024;

const EMPTY: UserAgentInfo = {
  browser: null,
  browserVersion: null,
  os: null,
  osVersion: null,
  deviceType: null,
  isKnownBot: false,
};

/** ua-parser-js device types onto the lake's vocabulary. Undefined means a desktop browser. */
const DEVICE_TYPES: Readonly<Record<string, DeviceType>> = {
  mobile: 'mobile',
  tablet: 'tablet',
  smarttv: 'tv',
  console: 'console',
  wearable: 'wearable',
  // Head-mounted displays (Quest, Vision Pro) are worn; the lake has no separate XR type.
  xr: 'wearable',
  // Cars, fridges and e-readers with browsers: closest to a fixed big-screen browser.
  embedded: 'desktop',
};

/**
 * Creates a user-agent parser (ua-parser-js 2 with its crawler extension, plus isbot) behind a
 * bounded LRU cache: parsing costs ~50 µs, and real traffic repeats a few thousand UA strings,
 * so the cache turns most lookups into a map hit.
 *
 * @example
 * const parser = createUserAgentParser();
 * parser.parse('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) ... Version/17.4.1 Mobile/15E148 Safari/604.1');
 * // { browser: 'Mobile Safari', browserVersion: '17', os: 'iOS', osVersion: '17.4.1', deviceType: 'mobile', isKnownBot: false }
 */
export function createUserAgentParser(options: { maxEntries?: number } = {}): UserAgentParser {
  const cache = new LruCache<string, UserAgentInfo>(options.maxEntries ?? 10_000);
  return {
    parse(userAgent) {
      if (!userAgent) return EMPTY;
      const ua = userAgent.length > MAX_UA_LENGTH ? userAgent.slice(0, MAX_UA_LENGTH) : userAgent;
      let info = cache.get(ua);
      if (!info) {
        info = parseUncached(ua);
        cache.set(ua, info);
      }
      return info;
    },
  };
}

function parseUncached(ua: string): UserAgentInfo {
  const result = UAParser(ua, Bots);
  const isKnownBot = isbot(ua) || result.browser.type === 'crawler' || result.browser.type === 'fetcher';
  const parsedType = result.device.type;
  const deviceType: DeviceType = isKnownBot ? 'bot' : parsedType ? (DEVICE_TYPES[parsedType] ?? 'desktop') : 'desktop';
  return {
    browser: result.browser.name ?? null,
    browserVersion: result.browser.major ?? null,
    os: result.os.name ?? null,
    osVersion: result.os.version ?? null,
    deviceType,
    isKnownBot,
  };
}
