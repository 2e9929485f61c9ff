/**
 * API latency over a local lake of 1,000,000 events: writes the events (one site, 30 days, about
 * 150,000 visitors in sessions of 1–8 events) with the real Parquet lake sink, in time-ordered
 * batches of 10,000 as a buffering delivery stream would, plus 1,000 identified persons through the
 * identity resolver; rolls the finished days up into `session_days`, `visitor_days` and
 * `page_days` as the daily `maintain` job does (sessions: every day but the last two, the last
 * playing today and the one before it yesterday, whose rows were judged on part of today's events,
 * so both are sessionized from events on each call; visitors and pages: every day but today); then
 * calls every report and list route of the API handler as a signed-in owner, a cold call and
 * `RUNS` warm ones each, and prints p50 / p95 / max per route. The target is p95 < 300 ms.
 *
 * The calls run in a fresh child process (as `npm start` would be): in the writing process, V8 is
 * still collecting the million row objects and takes CPU from DuckDB on a small machine.
 *
 * Run: npx tsx bench/api-latency.bench.ts [count]
 * (`SIGHTLINE_BENCH_KEEP=<dir>` keeps the generated lake and database there, for profiling.)
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createDuckDbAnalytics } from '../lambdas/adapters/local/duckdb-analytics';
import { createLocalKeyValue } from '../lambdas/adapters/local/local-key-value';
import { createLocalKeyWrapper } from '../lambdas/adapters/local/local-key-wrapper';
import { createLocalObjectStore } from '../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../lambdas/adapters/local/parquet-lake-sink';
import { createPGliteSql } from '../lambdas/adapters/sql/create-sql';
import { createSessionStore } from '../lambdas/api/auth/session-store';
import { migrateToLatest } from '../lambdas/db/migrate';
import { makeApiHandler } from '../lambdas/handlers/api';
import { createOrganizationKeyring } from '../lambdas/identity/crypto/organization-keys';
import { createResolver } from '../lambdas/identity/resolver';
import { PAGE_DAYS_ROLLUP, VISITOR_DAYS_ROLLUP } from '../lambdas/lake/daily-rollups';
import { rollUpDays } from '../lambdas/lake/day-rollup';
import { LOCAL_DATABASE } from '../lambdas/lake/named-queries';
import { rollUpSessionDays } from '../lambdas/lake/session-days';
import { eventsTable } from '../lambdas/lake/tables';

const COUNT = Number(process.argv[2] ?? 1_000_000);
const DAYS = 30;
const VISITORS = 150_000;
const BATCH = 10_000;
const PERSONS = 1_000;
const RUNS = 20;
const START = Date.UTC(2026, 2, 1);
const FROM = '2026-03-01';
const TO = '2026-03-30';
/** The day before TO: the newest day whose sessions the daily job has not rolled up for good. */
const YESTERDAY = '2026-03-29';

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

const PATHS = [
  '/',
  '/pricing',
  '/blog',
  '/blog/post-1',
  '/blog/post-2',
  '/blog/post-3',
  '/docs',
  '/docs/api',
  '/signup',
  '/about',
  '/features',
  '/contact',
];
const LATER = ['page', 'page', 'page', 'engagement', 'scroll', 'click', 'track'];
const BROWSERS = [
  ['Chrome', 'Windows', 'desktop'],
  ['Chrome', 'macOS', 'desktop'],
  ['Safari', 'macOS', 'desktop'],
  ['Firefox', 'Linux', 'desktop'],
  ['Mobile Safari', 'iOS', 'mobile'],
  ['Chrome', 'Android', 'mobile'],
  ['Safari', 'iPadOS', 'tablet'],
] as const;
const PLACES = [
  ['US', 'US-CA', 'San Francisco'],
  ['US', 'US-NY', 'New York'],
  ['DE', 'DE-BE', 'Berlin'],
  ['FR', 'FR-IDF', 'Paris'],
  ['GB', 'GB-LND', 'London'],
  ['IN', 'IN-KA', 'Bengaluru'],
  ['BR', 'BR-SP', 'São Paulo'],
  ['JP', 'JP-13', 'Tokyo'],
] as const;
const LANDINGS = [
  { channel: 'Direct', referrer_type: 'direct' },
  { channel: 'Organic Search', referrer_type: 'search', referrer_host: 'www.google.com' },
  { channel: 'Organic Search', referrer_type: 'search', referrer_host: 'www.bing.com' },
  { channel: 'Referral', referrer_type: 'other', referrer_host: 'news.ycombinator.com' },
  { channel: 'Organic Social', referrer_type: 'social', referrer_host: 'www.reddit.com' },
  { channel: 'Email', referrer_type: 'email', utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'march' },
  {
    channel: 'Paid Search',
    referrer_type: 'paid',
    referrer_host: 'www.google.com',
    utm_source: 'google',
    utm_medium: 'cpc',
    utm_campaign: 'spring',
    click_id_type: 'gclid',
    ad_network: 'google_ads',
  },
  {
    channel: 'Paid Social',
    referrer_type: 'paid',
    referrer_host: 'm.facebook.com',
    utm_source: 'facebook',
    utm_medium: 'paid_social',
    utm_campaign: 'spring',
    click_id_type: 'fbclid',
    ad_network: 'meta',
  },
] as const;

let eventNumber = 0;

/** One session of 1–8 events starting at `start`, landing with a channel, then browsing. */
function session(siteId: string, start: number): Record<string, unknown>[] {
  const visitor = Math.floor(next() * VISITORS);
  const cookieless = visitor % 10 === 0;
  const [browser, os, device] = BROWSERS[visitor % BROWSERS.length] as (typeof BROWSERS)[number];
  const [country, region, city] = PLACES[(visitor >> 3) % PLACES.length] as (typeof PLACES)[number];
  const landing = pick(LANDINGS);
  const sessionId = cookieless ? null : `s${visitor}-${start}`;
  const bot = next() < 0.02;
  const length = 1 + Math.floor(next() * next() * 8);
  const rows: Record<string, unknown>[] = [];
  let time = start;
  for (let i = 0; i < length; i++) {
    const type = i === 0 ? 'page' : next() < 0.005 ? 'conversion' : pick(LATER);
    const at = new Date(time);
    const path = pick(PATHS);
    rows.push({
      event_id: `e${eventNumber++}`,
      site_id: siteId,
      organization_id: 'bench-org',
      event_type: type,
      event_name:
        type === 'track'
          ? pick(['signup', 'download'])
          : type === 'engagement'
            ? 'page_engagement'
            : type === 'conversion'
              ? 'purchase'
              : null,
      event_time: at,
      received_at: at,
      source: 'tracker',
      anonymous_id: cookieless ? null : `v${visitor}`,
      session_id: sessionId,
      cookieless,
      url: `https://shop.example.com${path}`,
      hostname: 'shop.example.com',
      path,
      title: path,
      ...(i === 0 ? landing : { channel: 'Direct', referrer_type: 'internal', referrer_host: 'shop.example.com' }),
      ...(i === 0 && 'click_id_type' in landing ? { click_id: `c${eventNumber}` } : {}),
      properties: type === 'engagement' ? JSON.stringify({ visible_ms: Math.floor(next() * 60_000) }) : null,
      ip: `10.${visitor >> 16}.${(visitor >> 8) & 255}.0`,
      user_agent: `Mozilla/5.0 (${os}) ${browser}/${120 + (visitor % 6)}`,
      browser,
      os,
      device_type: device,
      country,
      region,
      city,
      is_bot: bot,
      bot_reason: bot ? 'user_agent' : null,
      dt: at.toISOString().slice(0, 10),
    });
    time += Math.floor(next() * 300_000);
  }
  return rows;
}

async function writeLake(lakeDir: string, siteId: string): Promise<{ files: number; bytes: number; ms: number }> {
  const sink = createParquetLakeSink(createLocalObjectStore({ root: lakeDir }));
  const started = performance.now();
  const span = (DAYS * 86_400_000) / Math.ceil(COUNT / BATCH);
  let written = 0;
  for (let batch = 0; written < COUNT; batch++) {
    const rows: Record<string, unknown>[] = [];
    while (rows.length < Math.min(BATCH, COUNT - written)) {
      rows.push(
        ...session(siteId, Math.floor(START + batch * span + next() * span)).slice(
          0,
          Math.min(BATCH, COUNT - written) - rows.length,
        ),
      );
    }
    await sink.write(eventsTable, rows, `batch-${batch}`);
    written += rows.length;
  }
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(lakeDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes, ms: performance.now() - started };
}

async function main(): Promise<void> {
  const keep = process.env.SIGHTLINE_BENCH_KEEP;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'sightline-bench-api-'));
  const siteId = randomUUID();
  try {
    const lake = await writeLake(join(dir, 'lake'), siteId);
    console.log(
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}`,
    );
    console.log(
      `lake: ${COUNT.toLocaleString('en')} events over ${DAYS} days, ${lake.files} Parquet files, ${(lake.bytes / 2 ** 20).toFixed(1)} MiB, written in ${(lake.ms / 1000).toFixed(1)} s`,
    );
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, CALL_MODE, dir, siteId], {
      stdio: 'inherit',
    });
    if (child.status !== 0) process.exitCode = child.status ?? 1;
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`lake kept in ${keep} (site ${siteId})`);
  }
}

/** The child: the API over PGlite (persons resolved here) and DuckDB over the lake; times every route. */
async function callRoutes(dir: string, siteId: string): Promise<void> {
  const sql = await createPGliteSql();
  await migrateToLatest(sql);
  const org = await sql.db
    .insertInto('organizations')
    .values({ name: 'bench' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql.db
    .insertInto('sites')
    .values({
      id: siteId,
      organization_id: org.id,
      name: 'Shop',
      domain: 'shop.example.com',
      site_key: 'pk_bench',
      write_key_hash: 'bench',
      allowed_origins: '[]',
      settings: '{}',
    })
    .execute();
  const user = await sql.db
    .insertInto('users')
    .values({ organization_id: org.id, email: 'owner@bench.example', password_hash: 'x', role: 'owner' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const keyring = createOrganizationKeyring(sql, createLocalKeyWrapper({ path: join(dir, 'master.key') }));
  const resolver = createResolver({ sql, keyring });
  const resolveStarted = performance.now();
  let personId = '';
  for (let i = 0; i < PERSONS; i++) {
    const resolution = await resolver.resolve({
      v: 1,
      organizationId: org.id,
      siteId,
      eventId: `p${i}`,
      observedAt: START + i * 60_000,
      identifiers: [
        { type: 'anonymous_id', value: `v${i}` },
        { type: 'user_id', value: `user-${i}` },
        { type: 'email', value: `person${i}@company${i % 50}.example` },
      ],
      traits: { $set: { name: `Person ${i}`, plan: i % 3 === 0 ? 'pro' : 'free' } },
      event: { type: 'page', url: 'https://shop.example.com/', sessionId: `s${i}` },
    });
    personId = resolution.personId ?? personId;
  }
  const resolveMs = performance.now() - resolveStarted;
  const analytics = await createDuckDbAnalytics({ lakeDir: join(dir, 'lake') });
  const rollupStarted = performance.now();
  const rollup = { analytics, database: LOCAL_DATABASE, lake: createLocalObjectStore({ root: join(dir, 'lake') }) };
  const rolled = await rollUpSessionDays(rollup, siteId, YESTERDAY);
  console.log(
    `session rollup: ${rolled.length} days before ${YESTERDAY}, ${rolled.reduce((n, d) => n + d.fragments, 0).toLocaleString('en')} rows, in ${((performance.now() - rollupStarted) / 1000).toFixed(1)} s (the daily job's work; ${YESTERDAY} and ${TO} stay live)`,
  );
  for (const [name, table] of [
    ['visitor', VISITOR_DAYS_ROLLUP],
    ['page', PAGE_DAYS_ROLLUP],
  ] as const) {
    const started = performance.now();
    const days = await rollUpDays(rollup, siteId, TO, table);
    console.log(
      `${name} rollup: ${days.length} days before ${TO}, ${days.reduce((n, d) => n + d.rows, 0).toLocaleString('en')} rows, in ${((performance.now() - started) / 1000).toFixed(1)} s (${TO} stays live)`,
    );
  }
  const keyValue = createLocalKeyValue({ path: join(dir, 'kv.log') });
  // Answers are not reused between calls (reportCacheMs 0), so every call below runs its queries;
  // concurrent identical queries are still shared, as they are in production.
  const api = makeApiHandler({
    sql,
    analytics,
    analyticsDatabase: LOCAL_DATABASE,
    keyValue,
    keyring,
    auth: { kind: 'local' },
    reportCacheMs: 0,
  });
  const session = await createSessionStore(sql).create({ userId: user.id, organizationId: org.id });
  const company = await sql.db.selectFrom('companies').select('id').executeTakeFirstOrThrow();
  console.log(
    `persons: ${PERSONS.toLocaleString('en')} identified through the resolver in ${(resolveMs / 1000).toFixed(1)} s`,
  );

  const range = { from: FROM, to: TO };
  const site = `/api/sites/${siteId}`;
  const routes: [string, string, Record<string, string>][] = [
    ['overview (30 d + previous)', `${site}/stats/overview`, range],
    ['timeseries (30 days)', `${site}/stats/timeseries`, range],
    ['timeseries (1 day, hourly)', `${site}/stats/timeseries`, { from: TO, to: TO, interval: 'hour' }],
    ['realtime', `${site}/stats/realtime`, {}],
    ['pages: top', `${site}/stats/pages`, { ...range, kind: 'top' }],
    ['pages: entry', `${site}/stats/pages`, { ...range, kind: 'entry' }],
    ['pages: exit', `${site}/stats/pages`, { ...range, kind: 'exit' }],
    ['sources: channels', `${site}/stats/sources`, { ...range, kind: 'channels' }],
    ['sources: referrers', `${site}/stats/sources`, { ...range, kind: 'referrers' }],
    ['sources: campaigns', `${site}/stats/sources`, { ...range, kind: 'campaigns' }],
    ['sources: click ids', `${site}/stats/sources`, { ...range, kind: 'click-ids' }],
    ['geo: countries', `${site}/stats/geo`, { ...range, kind: 'country' }],
    ['geo: cities', `${site}/stats/geo`, { ...range, kind: 'city' }],
    ['devices: browsers', `${site}/stats/devices`, { ...range, kind: 'browser' }],
    ['funnel (3 steps, 1 day)', `${site}/stats/funnel`, { ...range, steps: '/,/pricing,signup' }],
    ['retention (weekly cohorts)', `${site}/stats/retention`, range],
    ['persons: list', `${site}/persons`, {}],
    ['persons: e-mail search', `${site}/persons`, { q: 'person500@company0.example' }],
    ['person detail', `/api/persons/${personId}`, {}],
    ['companies', `${site}/companies`, {}],
    ['company with its persons', `${site}/companies/${company.id}`, {}],
    ['sites', '/api/sites', {}],
  ];
  const call = async (path: string, query: Record<string, string>) => {
    const started = performance.now();
    const result = await api(
      {
        version: '2.0',
        routeKey: 'ANY /api/{proxy+}',
        rawPath: path,
        rawQueryString: new URLSearchParams(query).toString(),
        cookies: [`sl_session=${session.token}`],
        headers: { host: '127.0.0.1:8787' },
        queryStringParameters: query,
        requestContext: { apiId: 'local', http: { method: 'GET', path } },
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2,
      {} as never,
    );
    if (result.statusCode !== 200) throw new Error(`${path} answered ${result.statusCode}: ${result.body}`);
    return performance.now() - started;
  };

  console.log(
    `\n${'route'.padEnd(30)} ${'cold'.padStart(7)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)}  (ms, ${RUNS} warm calls each)`,
  );
  const p95s: number[] = [];
  for (const [name, path, query] of routes) {
    const cold = await call(path, query);
    const warm: number[] = [];
    for (let run = 0; run < RUNS; run++) warm.push(await call(path, query));
    warm.sort((a, b) => a - b);
    const at = (q: number) => warm[Math.min(warm.length - 1, Math.ceil(q * warm.length) - 1)] ?? Number.NaN;
    p95s.push(at(0.95));
    console.log(
      `${name.padEnd(30)} ${cold.toFixed(0).padStart(7)} ${at(0.5).toFixed(0).padStart(7)} ${at(0.95).toFixed(0).padStart(7)} ${(warm.at(-1) ?? 0).toFixed(0).padStart(7)}`,
    );
  }
  // What the Overview view asks for when it opens: four requests at once.
  const overviewView = async () => {
    const started = performance.now();
    await Promise.all([
      call(`${site}/stats/overview`, range),
      call(`${site}/stats/timeseries`, range),
      call(`${site}/stats/pages`, { ...range, kind: 'top', limit: '5' }),
      call(`${site}/stats/sources`, { ...range, kind: 'channels', limit: '5' }),
    ]);
    return performance.now() - started;
  };
  const views: number[] = [];
  for (let run = 0; run <= RUNS; run++) views.push(await overviewView());
  views.sort((a, b) => a - b);
  console.log(
    `${'Overview view (4 at once)'.padEnd(30)} ${''.padStart(7)} ${(views[Math.floor(views.length / 2)] ?? 0).toFixed(0).padStart(7)} ${(views[Math.ceil(0.95 * views.length) - 1] ?? 0).toFixed(0).padStart(7)} ${(views.at(-1) ?? 0).toFixed(0).padStart(7)}`,
  );
  const worst = Math.max(...p95s);
  console.log(`\nworst p95 ${worst.toFixed(0)} ms; target < 300 ms: ${worst < 300 ? 'met' : 'MISSED'}`);
  await analytics.close();
  await keyValue.close();
  await sql.close();
}

const CALL_MODE = '--call-routes';
const [mode, dirArg, siteArg] = process.argv.slice(2);
(mode === CALL_MODE && dirArg && siteArg ? callRoutes(dirArg, siteArg) : main()).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
