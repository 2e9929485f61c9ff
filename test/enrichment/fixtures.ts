import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CollectedEventEnvelope, NormalizedEvent, ServerContext } from '../../lambdas/collection/collected-event';

/** MaxMind's official test databases, shared beside the repo (`../shared` from the project root). */
export const GEOIP_FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/geoip');

export const CITY_DB = path.join(GEOIP_FIXTURES, 'GeoIP2-City-Test.mmdb');
export const ASN_DB = path.join(GEOIP_FIXTURES, 'GeoLite2-ASN-Test.mmdb');
export const ANONYMOUS_DB = path.join(GEOIP_FIXTURES, 'GeoIP2-Anonymous-IP-Test.mmdb');

type SourceRecord = Record<string, unknown>;

/** The networks a test database was built from, as `[cidr, record]` pairs in file order. */
export function sourceNetworks(database: string): [string, SourceRecord][] {
  const file = path.join(GEOIP_FIXTURES, database.replace(/\.mmdb$/, '.source.json'));
  const entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, SourceRecord>[];
  return entries.flatMap((entry) => Object.entries(entry));
}

/** The first address of a source network, with `::a.b.c.d` IPv4 networks given as plain IPv4. */
export function firstAddress(cidr: string): string {
  const [address] = cidr.split('/');
  return (address ?? '').replace(/^::(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

export const CHROME_DESKTOP =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
export const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1';
export const IPAD_SAFARI =
  'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1';
export const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
export const HEADLESS_CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36';

export const RECEIVED_AT = Date.parse('2026-03-10T12:00:00.000Z');

/** A tracker page view from a Chrome desktop in Linköping (a consumer ISP in the test databases), with overrides. */
export function envelope(
  event: Partial<NormalizedEvent> = {},
  server: Partial<ServerContext> = {},
  rest: Partial<Pick<CollectedEventEnvelope, 'source' | 'siteId' | 'organizationId'>> = {},
): CollectedEventEnvelope {
  return {
    kind: 'event',
    v: 1,
    siteId: 'site-1',
    organizationId: 'org-1',
    source: 'tracker',
    ...rest,
    server: { receivedAt: RECEIVED_AT, ip: '89.160.20.115', userAgent: CHROME_DESKTOP, ...server },
    event: {
      eventId: 'evt-1',
      type: 'page',
      timestamp: RECEIVED_AT - 1_000,
      anonymousId: 'anon-1',
      sessionId: 'sess-1',
      url: 'https://www.example.com/pricing?plan=pro',
      title: 'Pricing',
      ...event,
    },
  };
}
