import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createLocalKeyValue, type LocalKeyValue } from '../../lambdas/adapters/local/local-key-value';
import { createPGliteSql } from '../../lambdas/adapters/sql/create-sql';
import type { CollectedEventEnvelope } from '../../lambdas/collection/collected-event';
import type { SiteRecord } from '../../lambdas/collection/site-registry';
import { envelopeRecords } from '../../lambdas/collection/stream-records';
import { migrateToLatest } from '../../lambdas/db/migrate';
import type { EventRow } from '../../lambdas/enrichment/event-row';
import { makeEnrichHandler } from '../../lambdas/handlers/enrich';
import { identityObservation } from '../../lambdas/identity/identity-observation-filter';
import type { LakeSink } from '../../lambdas/ports/lake-sink';
import type { Queue } from '../../lambdas/ports/queue';
import type { Sql } from '../../lambdas/ports/sql';
import { kinesisRecord, pageEnvelope } from '../support/stream-envelopes';
import { makeTempDir } from '../support/temp-dir';

const SITE = randomUUID();
const ORGANIZATION = randomUUID();

/** A sign-in: the visitor's anonymous id and the user id the site gave them. */
const signIn = (eventId: string, userId: string): CollectedEventEnvelope => {
  const page = pageEnvelope(eventId, { siteId: SITE, organizationId: ORGANIZATION, anonymousId: `anon-${eventId}` });
  return { ...page, event: { ...page.event, type: 'identify', userId } } as CollectedEventEnvelope;
};

describe('enrichment and the identity queue', () => {
  let sql: Sql;
  let keyValue: LocalKeyValue;
  let temp: ReturnType<typeof makeTempDir>;
  beforeAll(async () => {
    sql = await createPGliteSql();
    await migrateToLatest(sql);
    temp = makeTempDir('sightline-enrich-identity-');
    keyValue = createLocalKeyValue({ path: join(temp.dir, 'kv.log') });
  });
  afterAll(async () => {
    await keyValue.close();
    await sql.close();
    temp.cleanup();
  });

  it('files an event whose identity PostgreSQL could not store as a failure naming the field, and still keeps the event', async () => {
    // Prepare
    const lake = new Map<string, Record<string, unknown>[]>();
    const lakeSink: LakeSink = {
      async write(table, rows) {
        lake.set(table.name, [...(lake.get(table.name) ?? []), ...rows]);
      },
    };
    const sent: string[] = [];
    const identityQueue = {
      send: async (messages: { body: string }[]) => void sent.push(...messages.map((m) => m.body)),
    };
    const enrich = makeEnrichHandler({
      lakeSink,
      keyValue,
      sql,
      sites: { byId: async (id: string) => ({ id, settings: {} }) as unknown as SiteRecord } as never,
      enricher: {
        enrichBatch: (events) => events.map((e) => ({ event_id: e.event.eventId, site_id: e.siteId }) as EventRow),
      },
      identityQueue: identityQueue as unknown as Queue,
      observe: identityObservation,
    });
    const records = envelopeRecords([signIn('good', 'ada'), signIn('lone-surrogate', 'bob-\ud800')]).map((r, i) =>
      kinesisRecord(r.data as Uint8Array, String(i + 1), r.partitionKey),
    );

    // Act
    const response = await enrich({ Records: records }, {} as never);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(sent.map((body) => JSON.parse(body).eventId)).toEqual(['good']);
    expect(lake.get('events')?.map((r) => r.event_id)).toEqual(['good', 'lone-surrogate']);
    expect(lake.get('failed_events')).toEqual([
      expect.objectContaining({
        site_id: SITE,
        reason: 'identity_refused',
        field: 'identifiers.1.value',
        message: expect.stringContaining('well-formed Unicode'),
      }),
    ]);
  });

  it("sends the site's default phone region with an observation that carries a phone", async () => {
    // Prepare
    const sent: string[] = [];
    const enrich = makeEnrichHandler({
      lakeSink: { write: async () => undefined },
      keyValue,
      sql,
      sites: {
        byId: async (id: string) => ({ id, settings: { phoneRegion: 'FR' } }) as unknown as SiteRecord,
      } as never,
      enricher: {
        enrichBatch: (events) => events.map((e) => ({ event_id: e.event.eventId, site_id: e.siteId }) as EventRow),
      },
      identityQueue: {
        send: async (messages: { body: string }[]) => void sent.push(...messages.map((m) => m.body)),
      } as unknown as Queue,
      observe: identityObservation,
    });
    const withPhone = signIn('with-phone', 'carol');
    const event = { ...withPhone.event, traits: { phone: '06 12 34 56 78' } } as CollectedEventEnvelope['event'];
    const records = envelopeRecords([{ ...withPhone, event } as CollectedEventEnvelope, signIn('no-phone', 'dan')]).map(
      (r, i) => kinesisRecord(r.data as Uint8Array, String(i + 1), r.partitionKey),
    );

    // Act
    await enrich({ Records: records }, {} as never);

    // Assess
    expect(sent.map((body) => JSON.parse(body)).map((o) => [o.eventId, o.phoneRegion])).toEqual([
      ['with-phone', 'FR'],
      ['no-phone', undefined],
    ]);
  });
});
