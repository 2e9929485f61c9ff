/**
 * Enrichment throughput: 100k synthetic envelopes (a realistic mix of user agents, IPv4/IPv6
 * addresses, referrers, campaigns and event types) through `createEnricher` with the default
 * DB-IP City Lite databases. 20,000 visitors, each behind one address; `unique` gives every event
 * an address of its own (the worst case: the GeoIP cache never hits). Prints events/s and per-event
 * latency percentiles.
 *
 * Run: npx tsx bench/enrichment-throughput.bench.ts [count=100000] [unique]
 */
import { cpus } from 'node:os';
import type { CollectedEventEnvelope, NormalizedEvent } from '../lambdas/collection/collected-event';
import { createEnricher, type SiteContext } from '../lambdas/enrichment/enrich-event';
import { openGeoIp } from '../lambdas/enrichment/geoip';

const COUNT = Number(process.argv[2] ?? 100_000);
/** `unique`: every event from a new address (a cache never hits); default: one address per visitor. */
const ADDRESSES = process.argv[3] === 'unique' ? 'unique' : 'per-visitor';
const VISITORS = 20_000;

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const next = random(7);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
const weighted = <T>(items: readonly (readonly [T, number])[]): T => {
  let r = next() * items.reduce((sum, [, w]) => sum + w, 0);
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[0]?.[0] as T;
};

/** Browser versions vary, so the UA cache sees a few hundred distinct strings, as in real traffic. */
function userAgent(): string {
  const v = 118 + Math.floor(next() * 8);
  const ios = `${16 + Math.floor(next() * 3)}_${Math.floor(next() * 6)}`;
  return weighted([
    [
      `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36`,
      30,
    ],
    [
      `Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${ios.replace('_', '.')} Mobile/15E148 Safari/604.1`,
      25,
    ],
    [
      `Mozilla/5.0 (Linux; Android 14; Pixel ${6 + Math.floor(next() * 3)}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Mobile Safari/537.36`,
      15,
    ],
    [
      `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${Math.floor(next() * 5)} Safari/605.1.15`,
      10,
    ],
    [`Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`, 6],
    [
      `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${v}.0.0.0`,
      5,
    ],
    [
      `Mozilla/5.0 (iPad; CPU OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${ios.replace('_', '.')} Mobile/15E148 Safari/604.1`,
      3,
    ],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 3],
    ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 1],
    [
      `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/${v}.0.0.0 Safari/537.36`,
      2,
    ],
  ]);
}

function ip(): string {
  const octet = () => Math.floor(next() * 256);
  if (next() < 0.25) {
    const hex = () => Math.floor(next() * 65536).toString(16);
    return `${pick(['2a00', '2a02', '2001', '2600', '2804', '2409'])}:${hex()}:${hex()}:${hex()}::${hex()}`;
  }
  return `${1 + Math.floor(next() * 222)}.${octet()}.${octet()}.${octet()}`;
}

const REFERRERS: readonly (readonly [string | undefined, number])[] = [
  [undefined, 35],
  ['https://www.google.com/', 25],
  ['https://www.google.de/', 4],
  ['https://www.bing.com/search?q=x', 4],
  ['https://duckduckgo.com/', 2],
  ['https://l.facebook.com/l.php?u=x', 5],
  ['https://t.co/abc', 2],
  ['https://www.linkedin.com/feed/', 2],
  ['https://www.reddit.com/r/webdev/', 2],
  ['https://mail.google.com/mail/u/0/', 2],
  ['https://www.example.com/blog/post', 10],
  ['https://news.ycombinator.com/', 1],
  ['https://some-blog.example.org/review', 6],
];

const QUERIES: readonly (readonly [string, number])[] = [
  ['', 70],
  ['?utm_source=newsletter&utm_medium=email&utm_campaign=spring', 8],
  ['?gclid=Cj0KCQjw', 8],
  ['?utm_source=facebook&utm_medium=paid_social&fbclid=IwAR', 5],
  ['?utm_source=partner&utm_medium=affiliate&sub1=abc&sub2=def', 4],
  ['?msclkid=abc123', 2],
  ['?utm_source=google&utm_medium=cpc&utm_campaign=brand&utm_term=shoes', 3],
];

function event(i: number, receivedAt: number, visitor: number): NormalizedEvent {
  const url = `https://www.example.com/${pick(['', 'pricing', 'blog/post-1', 'docs/start', 'product/42'])}${weighted(QUERIES)}`;
  const base = {
    eventId: `evt-${i}`,
    timestamp: receivedAt - Math.floor(next() * 5_000),
    anonymousId: `anon-${visitor}`,
    sessionId: `sess-${Math.floor(next() * 30_000)}`,
    url,
    referrer: weighted(REFERRERS),
    title: 'Example',
    language: 'en-US',
    timezone: 'Europe/Berlin',
    screen: { width: 1920, height: 1080 },
    viewport: { width: 1440, height: 900 },
    sdk: 'sightline-js/0.1.0',
  };
  const kind = next();
  if (kind < 0.6) return { ...base, type: 'page' };
  if (kind < 0.85) return { ...base, type: 'track', name: 'scroll_depth', properties: { percent: 50 } };
  if (kind < 0.95) {
    return {
      ...base,
      type: 'track',
      name: 'outbound_click',
      properties: {
        href: pick(['https://amzn.to/3abc', 'https://partner.example.net/x', 'https://www.awin1.com/cread.php?a=1']),
      },
    };
  }
  return { ...base, type: 'identify', userId: `u-${i}`, traits: { email: 'a@example.com', plan: 'pro' } };
}

function envelopes(count: number): CollectedEventEnvelope[] {
  const start = Date.parse('2026-03-10T12:00:00Z');
  // A visitor's events come from one address (as a request's and a session's do).
  const visitorIps = Array.from({ length: VISITORS }, ip);
  return Array.from({ length: count }, (_, i) => {
    const visitor = Math.floor(next() * VISITORS);
    const receivedAt = start + i * 10;
    return {
      kind: 'event',
      v: 1,
      siteId: 'site-1',
      organizationId: 'org-1',
      source: 'tracker',
      server: {
        receivedAt,
        ip: ADDRESSES === 'unique' ? ip() : (visitorIps[visitor] as string),
        userAgent: userAgent(),
      },
      event: event(i, receivedAt, visitor),
    };
  });
}

const site: SiteContext = {
  settings: {
    affiliatePatterns: [
      'amzn.to/*',
      '*.awin1.com/cread.php*',
      ...Array.from({ length: 98 }, (_, i) => `go${i}.partner${i}.com/*`),
    ],
    channelRules: [{ channel: 'Partners', when: { source: '/^partner-(a|b)$/' } }],
  },
};

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const openStart = performance.now();
  const geo = await openGeoIp();
  const openMs = performance.now() - openStart;
  const enricher = createEnricher({ geo });
  const input = envelopes(COUNT);

  // Warm-up: JIT and the UA cache, as a long-running Lambda container would have them.
  for (const e of input.slice(0, 5_000)) enricher.enrich(e, site);

  const latencies = new Float64Array(COUNT);
  const start = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const t0 = performance.now();
    enricher.enrich(input[i] as CollectedEventEnvelope, site);
    latencies[i] = performance.now() - t0;
  }
  const elapsedMs = performance.now() - start;

  const batchStart = performance.now();
  const rows = enricher.enrichBatch(input, () => site);
  const batchMs = performance.now() - batchStart;

  latencies.sort();
  const us = (ms: number) => (ms * 1000).toFixed(1);
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`machine: ${cpus().length} cores, ${cpu}, Node ${process.version}`);
  console.log(`GeoIP open (DB-IP City Lite v4+v6): ${openMs.toFixed(0)} ms`);
  console.log(
    `enrich():      ${COUNT} events in ${elapsedMs.toFixed(0)} ms = ${Math.round(COUNT / (elapsedMs / 1000))} events/s (one core)`,
  );
  console.log(
    `  per event:   p50 ${us(percentile(latencies, 50))} µs, p99 ${us(percentile(latencies, 99))} µs, p99.9 ${us(percentile(latencies, 99.9))} µs, max ${us(latencies[COUNT - 1] ?? 0)} µs`,
  );
  console.log(
    `enrichBatch(): ${rows.length} rows in ${batchMs.toFixed(0)} ms = ${Math.round(COUNT / (batchMs / 1000))} events/s (with behaviour tracking)`,
  );
  const bots = rows.filter((r) => r.is_bot).length;
  console.log(
    `  bots: ${bots} (${((bots / rows.length) * 100).toFixed(1)} %), heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
  );
}

void main();
