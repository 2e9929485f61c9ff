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
import { makeCollectHandler } from '../../lambdas/handlers/collect';
import { makeEnrichHandler } from '../../lambdas/handlers/enrich';
import { FIXED_SITE, fixedSiteRegistry } from '../support/fixed-site';
import { queryLake } from '../support/lake';
import { makeTempDir } from '../support/temp-dir';

const SITE = FIXED_SITE;
const sites = fixedSiteRegistry;

const post = (body: string) =>
  ({
    version: '2.0',
    routeKey: 'POST /e',
    rawPath: '/e',
    rawQueryString: '',
    headers: { 'user-agent': 'Mozilla/5.0 Firefox/128.0' },
    requestContext: { http: { method: 'POST', path: '/e', sourceIp: '192.0.2.10' } },
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

describe('collector to lake under random input', () => {
  it('puts every event it answered for into the lake: accepted as rows, rejected as failures, none missing', async () => {
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
    let accepted = 0;
    let rejected = 0;
    try {
      // Act: random batches through the collector, then the whole stream through enrichment.
      await fc.assert(
        fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 25 }), async (events) => {
          const response = (await collect(post(JSON.stringify({ site: SITE.siteKey, events })), {} as never)) as {
            statusCode: number;
            body: string;
          };
          expect(response.statusCode).toBe(202);
          const body = JSON.parse(response.body) as { accepted: number; rejected: unknown[] };
          accepted += body.accepted;
          rejected += body.rejected.length;
        }),
        { numRuns: 60 },
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
      expect(rows).toEqual({ n: accepted, ids: accepted });
      expect(failures).toEqual({ n: rejected });
      expect(accepted).toBeGreaterThan(0);
      expect(rejected).toBeGreaterThan(0);
    } finally {
      await stream.close();
      await keyValue.close();
      await sql.close();
      temp.cleanup();
    }
  }, 120_000);
});
