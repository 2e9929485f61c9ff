import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { createLocalKeyValue, type LocalKeyValue } from '../../lambdas/adapters/local/local-key-value';
import { createPGliteSql } from '../../lambdas/adapters/sql/create-sql';
import type { SiteRecord } from '../../lambdas/collection/site-registry';
import { envelopeRecords } from '../../lambdas/collection/stream-records';
import { migrateToLatest } from '../../lambdas/db/migrate';
import type { EventRow } from '../../lambdas/enrichment/event-row';
import { makeEnrichHandler } from '../../lambdas/handlers/enrich';
import type { LakeSink } from '../../lambdas/ports/lake-sink';
import type { Sql } from '../../lambdas/ports/sql';
import { kinesisRecord, pageEnvelope } from '../support/stream-envelopes';
import { makeTempDir } from '../support/temp-dir';

const SITE = randomUUID();
const ORGANIZATION = randomUUID();

/** One stream record holding `ids`' events, as the collector writes one per request. */
const record = (sequenceNumber: string, ids: readonly string[]): KinesisStreamRecord => {
  const [data] = envelopeRecords(ids.map((id) => pageEnvelope(id, { siteId: SITE, organizationId: ORGANIZATION })));
  return kinesisRecord(data?.data as Uint8Array, sequenceNumber, `${SITE}:v1`);
};
const batch = (...records: KinesisStreamRecord[]): KinesisStreamEvent => ({ Records: records });

describe('enrich handler: first deliveries across retries', () => {
  let sql: Sql;
  let keyValue: LocalKeyValue;
  let temp: ReturnType<typeof makeTempDir>;
  let written: string[];
  let failNextWrite: boolean;
  let enrich: ReturnType<typeof makeEnrichHandler>;

  beforeEach(async () => {
    temp = makeTempDir('sightline-enrich-');
    keyValue = createLocalKeyValue({ path: join(temp.dir, 'kv.log') });
    written = [];
    failNextWrite = false;
    const lakeSink: LakeSink = {
      async write(table, rows) {
        if (table.name !== 'events') return;
        if (failNextWrite) {
          failNextWrite = false;
          throw new Error('delivery stream unavailable');
        }
        written.push(...rows.map((r) => String(r.event_id)));
      },
    };
    enrich = makeEnrichHandler({
      lakeSink,
      keyValue,
      sql,
      sites: { byId: async (id: string) => ({ id }) as unknown as SiteRecord } as never,
      enricher: {
        enrichBatch: (events) => events.map((e) => ({ event_id: e.event.eventId, site_id: e.siteId }) as EventRow),
      },
    });
  });
  beforeAll(async () => {
    sql = await createPGliteSql();
    await migrateToLatest(sql);
  });
  afterEach(async () => {
    await keyValue.close();
    temp.cleanup();
  });
  afterAll(async () => {
    await sql.close();
  });

  it('keeps the events a failed attempt claimed when the retry is batched differently (bisected)', async () => {
    // Prepare
    failNextWrite = true;
    const whole = batch(record('100', ['a', 'b']), record('101', ['c']));

    // Act
    await expect(enrich(whole, {} as never)).rejects.toThrow('delivery stream unavailable');
    await enrich(batch(record('100', ['a', 'b'])), {} as never);
    await enrich(batch(record('101', ['c'])), {} as never);

    // Assess
    expect(written.sort()).toEqual(['a', 'b', 'c']);
  });

  it('drops an event id already delivered in another record, and a repeat inside one record', async () => {
    // Act
    await enrich(batch(record('200', ['d', 'd', 'e'])), {} as never);
    await enrich(batch(record('201', ['d', 'f'])), {} as never);

    // Assess
    expect(written).toEqual(['d', 'e', 'f']);
  });
});
