/**
 * How many postbacks one handler instance takes per second over embedded PGlite (the `npm start`
 * database; Aurora through the Data API adds a network round trip per statement), and how long
 * parsing alone takes. The mix is what a network sends: 70% new conversions, 20% replays
 * (retries), 10% status changes. Each postback is authenticated, parsed, linked (a key-value
 * lookup), recorded in one transaction and put on the stream.
 *
 *   npx tsx bench/postback-throughput.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createLocalKeyWrapper } from '../lambdas/adapters/local/local-key-wrapper';
import { createPGliteSql } from '../lambdas/adapters/sql/create-sql';
import { createSiteRegistry } from '../lambdas/collection/site-registry';
import { migrateToLatest } from '../lambdas/db/migrate';
import { makePostbackHandler } from '../lambdas/handlers/postback';
import type { EventStream } from '../lambdas/ports/event-stream';
import type { JsonValue, KeyValue } from '../lambdas/ports/key-value';
import { validateConversion } from '../lambdas/postbacks/parsed-conversion';
import { parserFor } from '../lambdas/postbacks/parsers';
import { configurePostbacks } from '../lambdas/postbacks/postback-settings';
import { createSite } from '../lambdas/sites/create-site';

const POSTBACKS = 2_000;

function event(query: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /postback/{network}',
    rawPath: '/postback/everflow',
    rawQueryString: query,
    headers: {},
    pathParameters: { network: 'everflow' },
    requestContext: { http: { method: 'GET', path: '/postback/everflow', sourceIp: '52.1.2.3' } },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

function memoryKeyValue(): KeyValue {
  const entries = new Map<string, JsonValue>();
  return {
    get: async (key) => entries.get(key),
    put: async (key, value) => {
      entries.set(key, value);
      return true;
    },
    delete: async (key) => {
      entries.delete(key);
    },
    increment: async () => 0,
  };
}

function countingStream(): EventStream & { count: () => number } {
  let records = 0;
  return {
    count: () => records,
    put: async (batch) => {
      records += batch.length;
    },
    consumer: () => {
      throw new Error('not used');
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-postback-bench-'));
  const sql = await createPGliteSql();
  await migrateToLatest(sql);
  const org = await sql.db
    .insertInto('organizations')
    .values({ name: 'bench' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const site = await createSite(sql, { organizationId: org.id, domain: 'shop.example.com' });
  const keyWrapper = createLocalKeyWrapper({ path: join(dir, 'master.key') });
  const { token } = await configurePostbacks(sql, keyWrapper, { organizationId: org.id, siteId: site.id });
  const events = countingStream();
  const handler = makePostbackHandler({
    sql,
    sites: createSiteRegistry(sql),
    events,
    keyValue: memoryKeyValue(),
    keyWrapper,
    trustedProxies: 'cloudfront',
  });

  const queryOf = (i: number) => {
    const kind = i % 10;
    const id = kind < 7 ? i : i - kind; // replays (7, 8) and the update (9) reuse this decade's first id
    const status = kind === 9 ? 'rejected' : 'approved';
    return new URLSearchParams({
      sl_site: site.siteKey,
      sl_token: token ?? '',
      transaction_id: `click-${id}`,
      sale_amount: '49.90',
      payout_amount: '4.99',
      sub1: 'newsletter',
      status,
    }).toString();
  };

  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < POSTBACKS; i++) {
    const t0 = performance.now();
    const response = await handler(event(queryOf(i)), {} as Context);
    latencies.push(performance.now() - t0);
    if (response.statusCode !== 200) throw new Error(`postback ${i} answered ${response.statusCode}: ${response.body}`);
  }
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]?.toFixed(2);

  const parser = parserFor('everflow', null);
  if (!parser) throw new Error('no everflow parser');
  const fields = Object.fromEntries(new URLSearchParams(queryOf(1)));
  const parseRuns = 50_000;
  const p0 = performance.now();
  for (let i = 0; i < parseRuns; i++) {
    validateConversion('everflow', parser.read(fields), {
      status: 'approved',
      eventName: 'conversion',
      now: Date.now(),
    });
  }
  const parseMicros = ((performance.now() - p0) * 1000) / parseRuns;

  console.log(
    `postbacks: ${POSTBACKS} in ${seconds.toFixed(2)} s = ${(POSTBACKS / seconds).toFixed(0)}/s (PGlite, one instance)`,
  );
  console.log(`latency ms: p50 ${pct(0.5)}  p99 ${pct(0.99)}  max ${latencies.at(-1)?.toFixed(2)}`);
  console.log(`stream records: ${events.count()} (new + status changes; replays emit nothing)`);
  console.log(`parse + validate: ${parseMicros.toFixed(1)} µs per postback`);
  await sql.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
