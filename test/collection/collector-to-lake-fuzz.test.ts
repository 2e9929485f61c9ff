import type { APIGatewayProxyEventV2, KinesisStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { createLocalEventStream } from '../../lambdas/adapters/local/local-event-stream';
import { createLocalKeyValue } from '../../lambdas/adapters/local/local-key-value';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../../lambdas/adapters/local/parquet-lake-sink';
import { createPGliteSql } from '../../lambdas/adapters/sql/create-sql';
import { migrateToLatest } from '../../lambdas/db/migrate';
import { createEnricher } from '../../lambdas/enrichment/enrich-event';
import { emptyGeoIp } from '../../lambdas/enrichment/geoip';
import { makeCollectHandler, PIXEL_REJECTED_HEADER } from '../../lambdas/handlers/collect';
import { makeEnrichHandler } from '../../lambdas/handlers/enrich';
import { FIXED_SITE, fixedSiteRegistry } from '../support/fixed-site';
import { queryLake } from '../support/lake';
import { makeTempDir } from '../support/temp-dir';

const SITE = FIXED_SITE;
const sites = fixedSiteRegistry;

const request = (
  method: 'GET' | 'POST',
  path: string,
  body: string,
  options: { query?: string; headers?: Record<string, string> } = {},
) =>
  ({
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers: { 'user-agent': 'Mozilla/5.0 Firefox/128.0', ...options.headers },
    requestContext: { http: { method, path, sourceIp: '192.0.2.10' } },
    body,
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

/** Mostly valid events with unique ids; any field may turn hostile. */
const event = fc.record({
  id: fc.uuid(),
  type: fc.oneof(fc.constantFrom('page', 'track'), fc.anything()),
  name: fc.oneof(fc.constant('signup'), fc.string({ maxLength: 250 })),
  ts: fc.oneof(fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), fc.anything()),
  url: fc.oneof(fc.webUrl({ withQueryParameters: true }), fc.string({ maxLength: 2100 })),
  props: fc.oneof(fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(fc.string(), fc.integer())), fc.anything()),
});

/** Segment messages: mostly valid, some hostile, some over 32 KB. */
const segmentMessage = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constantFrom('track', 'page', 'identify'),
      messageId: fc.uuid(),
      userId: fc.string({ minLength: 1, maxLength: 40 }),
      event: fc.string({ minLength: 1, maxLength: 40 }),
      properties: fc.dictionary(fc.string({ maxLength: 20 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      { type: fc.anything(), messageId: fc.uuid(), userId: fc.anything(), event: fc.anything() },
      { requiredKeys: ['messageId'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.uuid().map((messageId) => ({
      type: 'track',
      messageId,
      userId: 'u',
      event: 'Huge',
      properties: { blob: 'x'.repeat(33 * 1024) },
    })),
  },
);

/** One request to any collection endpoint, and what the lake must then hold for it. */
const collectionRequest = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.array(event, { minLength: 1, maxLength: 25 }).map((events) => ({ kind: 'tracker' as const, events })),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(event, { minLength: 1, maxLength: 3 })
      .map((events) => ({ kind: 'unknown-site' as const, events })),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(event, { minLength: 1, maxLength: 3 })
      .map((events) => ({ kind: 'bad-origin' as const, events })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record(
        { t: fc.constantFrom('page', 'track', 'nope'), n: fc.string({ maxLength: 250 }), u: fc.webUrl() },
        { requiredKeys: ['u'] },
      )
      .map((query) => ({ kind: 'pixel' as const, query })),
  },
  {
    weight: 3,
    arbitrary: fc
      .array(segmentMessage, { minLength: 1, maxLength: 8 })
      .map((batch) => ({ kind: 'segment' as const, batch })),
  },
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 100 }).map((text) => ({ kind: 'segment-not-json' as const, text: `[${text}` })),
  },
);

describe('collector to lake under random input', () => {
  it('puts every event any endpoint answered for into the lake: accepted as rows, refused as failures, none missing', async () => {
    // Prepare: the real collector and enrichment over a temporary stream and lake.
    const temp = makeTempDir();
    const stream = createLocalEventStream({ dir: `${temp.dir}/stream`, shardCount: 2 });
    const keyValue = createLocalKeyValue({ path: `${temp.dir}/kv.log` });
    const sql = await createPGliteSql();
    await migrateToLatest(sql);
    const collect = makeCollectHandler({ sites, events: stream, trustedProxies: '' });
    const enrich = makeEnrichHandler({
      lakeSink: createParquetLakeSink(createLocalObjectStore({ root: `${temp.dir}/lake` })),
      sites,
      keyValue,
      sql,
      enricher: createEnricher({ geo: emptyGeoIp }),
    });
    const basic = `Basic ${Buffer.from('sk_fuzz:').toString('base64')}`;
    const expected = { rows: 0, failures: 0 } as Record<string, number>;
    const failuresBy: Record<string, number> = {};
    const fail = (reason: string, n = 1) => {
      expected.failures = (expected.failures ?? 0) + n;
      failuresBy[reason] = (failuresBy[reason] ?? 0) + n;
    };
    type Answer = { statusCode: number; body: string; headers?: Record<string, string> };
    try {
      // Act: random requests to every endpoint, then the whole stream through enrichment.
      await fc.assert(
        fc.asyncProperty(collectionRequest, async (input) => {
          if (input.kind === 'pixel') {
            const query = new URLSearchParams({ site: SITE.siteKey, ...input.query }).toString();
            const response = (await collect(request('GET', '/e.gif', '', { query }), {} as never)) as Answer;
            expect(response.statusCode).toBe(200);
            if (response.headers?.[PIXEL_REJECTED_HEADER]) fail('schema_violation');
            else expected.rows = (expected.rows ?? 0) + 1;
            return;
          }
          if (input.kind === 'segment' || input.kind === 'segment-not-json') {
            const text = input.kind === 'segment' ? JSON.stringify({ batch: input.batch }) : input.text;
            const headers = { authorization: basic, 'content-type': 'application/json' };
            const response = (await collect(request('POST', '/v1/batch', text, { headers }), {} as never)) as Answer;
            const answer = JSON.parse(response.body) as { accepted?: number; rejected?: { message: string }[] };
            if (input.kind === 'segment-not-json') {
              expect(response.statusCode).toBe(400);
              fail('invalid_json');
            } else if (response.statusCode === 200) {
              expected.rows = (expected.rows ?? 0) + input.batch.length;
            } else {
              expect(response.statusCode).toBe(400);
              expected.rows = (expected.rows ?? 0) + (answer.accepted ?? Number.NaN);
              fail('segment', answer.rejected?.length ?? Number.NaN);
            }
            return;
          }
          const site = input.kind === 'unknown-site' ? 'pk_nope' : SITE.siteKey;
          const headers = input.kind === 'bad-origin' ? { origin: 'https://evil.example' } : undefined;
          const body = JSON.stringify({ site, events: input.events });
          const response = (await collect(request('POST', '/e', body, { headers }), {} as never)) as Answer;
          if (input.kind === 'tracker') {
            expect(response.statusCode).toBe(202);
            const answer = JSON.parse(response.body) as { accepted: number; rejected: unknown[] };
            expected.rows = (expected.rows ?? 0) + answer.accepted;
            fail('schema_violation', answer.rejected.length);
          } else {
            expect(response.statusCode).toBe(400);
            fail(input.kind === 'unknown-site' ? 'unknown_site' : 'origin_not_allowed');
          }
        }),
        { numRuns: 80 },
      );
      const consumer = stream.consumer('fuzz-enrich');
      for (const shardId of await consumer.shardIds()) {
        const records = await consumer.read(shardId, 100_000);
        const kinesis: KinesisStreamEvent = {
          Records: records.map((r) => ({
            eventID: `${shardId}:${r.sequenceNumber}`,
            kinesis: {
              data: Buffer.from(r.data).toString('base64'),
              partitionKey: r.partitionKey,
              sequenceNumber: r.sequenceNumber,
              approximateArrivalTimestamp: r.arrivedAt / 1000,
            },
          })) as KinesisStreamEvent['Records'],
        };
        await enrich(kinesis, {} as never);
      }

      // Assess: the lake holds exactly what the collector answered for.
      const [rows] = await queryLake(temp.dir, 'select count(*) as n, count(distinct event_id) as ids from events');
      const [failures] = await queryLake(temp.dir, 'select count(*) as n from failed_events');
      const reasons = await queryLake(temp.dir, 'select distinct reason from failed_events order by reason');
      expect(rows).toEqual({ n: expected.rows, ids: expected.rows });
      expect(failures).toEqual({ n: expected.failures });
      expect(reasons.map((r) => r.reason)).toEqual(
        expect.arrayContaining([
          'invalid_json',
          'origin_not_allowed',
          'schema_violation',
          'size_violation',
          'unknown_site',
        ]),
      );
      expect(Object.keys(failuresBy).sort()).toEqual([
        'invalid_json',
        'origin_not_allowed',
        'schema_violation',
        'segment',
        'unknown_site',
      ]);
      expect(expected.rows).toBeGreaterThan(0);
    } finally {
      await stream.close();
      await keyValue.close();
      await sql.close();
      temp.cleanup();
    }
  }, 120_000);
});
