import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../../lambdas/adapters/local/parquet-lake-sink';
import { erasePerson } from '../../lambdas/identity/erase-person';
import { createResolver } from '../../lambdas/identity/resolver';
import { LOCAL_DATABASE } from '../../lambdas/lake/named-queries';
import { eventsTable, failedEventsTable, visitorDaysTable } from '../../lambdas/lake/tables';
import { runDailyMaintenance } from '../../lambdas/lifecycle/daily-maintenance';
import { eraseFromLake, LAKE_ERASURE_DELAY_MS, payloadIds } from '../../lambdas/lifecycle/lake-erasure';
import type { Analytics } from '../../lambdas/ports/analytics';
import type { ObjectStore } from '../../lambdas/ports/object-store';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant, createTestKeyring, observationOf, openDatabase } from '../identity/support/identity-fixture';
import { queryLake } from '../support/lake';
import { makeTempDir } from '../support/temp-dir';

const HOUR = 3_600_000;
const ERASED_AT = new Date('2026-11-22T10:00:00Z');

describe('erasing a person from the lake', () => {
  let sql: Sql;
  let lake: ObjectStore;
  let analytics: Analytics;
  let temp: ReturnType<typeof makeTempDir>;
  let keys: ReturnType<typeof createTestKeyring>;
  let tenant: { organizationId: string; siteId: string };

  /** An event row as enrichment writes it, with a column of every type the lake has. */
  const event = (id: string, anonymousId: string, userId: string | null, at: number) => ({
    event_id: id,
    site_id: tenant.siteId,
    organization_id: tenant.organizationId,
    dt: new Date(at).toISOString().slice(0, 10),
    event_type: 'page',
    event_time: new Date(at),
    received_at: new Date(at),
    anonymous_id: anonymousId,
    user_id: userId,
    cookieless: false,
    is_bot: false,
    path: '/pricing',
    latitude: 51.5,
    asn: 64_500,
    screen_width: 1440,
  });
  const lakeEvents = async () =>
    (await queryLake(temp.dir, `select event_id from events where site_id = '${tenant.siteId}' order by 1`)).map(
      (r) => r.event_id,
    );

  beforeAll(async () => {
    ({ sql } = await openDatabase('PGlite (embedded)'));
    temp = makeTempDir('sightline-lake-erasure-');
    lake = createLocalObjectStore({ root: `${temp.dir}/lake` });
    keys = createTestKeyring(sql);
    analytics = await createDuckDbAnalytics({ lakeDir: `${temp.dir}/lake` });
  }, 60_000);
  afterAll(async () => {
    await analytics?.close();
    await sql?.close();
    keys?.cleanup();
    temp?.cleanup();
  });

  beforeEach(async () => {
    tenant = await createTenant(sql);
    const resolver = createResolver({ sql, keyring: keys.keyring, softLinks: false });
    // Ada on her laptop, then signed in on her phone too; Bob on his own.
    await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'ada-laptop' },
        { type: 'user_id', value: 'ada' },
      ]),
    );
    await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'ada-phone' },
        { type: 'user_id', value: 'ada' },
      ]),
    );
    await resolver.resolve(observationOf(tenant, [{ type: 'anonymous_id', value: 'bob' }]));
    const sink = createParquetLakeSink(lake);
    const before = ERASED_AT.getTime() - 30 * HOUR;
    await sink.write(
      eventsTable,
      [
        event('e1-ada-laptop', 'ada-laptop', null, before),
        event('e2-bob', 'bob', null, before + HOUR),
        event('e3-ada-phone', 'ada-phone', 'ada', before + 2 * HOUR),
      ],
      'day-one',
    );
    await sink.write(eventsTable, [event('e4-ada-only', 'ada-laptop', 'ada', before + 25 * HOUR)], 'day-two');
    await sink.write(
      visitorDaysTable,
      [
        {
          site_id: tenant.siteId,
          dt: '2026-11-21',
          visitor: 'ada-laptop',
          pageviews: 3,
          conversions: 0,
          day_events: 3,
        },
        { site_id: tenant.siteId, dt: '2026-11-21', visitor: 'bob', pageviews: 1, conversions: 0, day_events: 3 },
      ],
      'rollup',
    );
  });

  /** Erases the person holding `identifier` (Ada by default), the request dated `ERASED_AT`. */
  const erase = async (identifier = 'ada') => {
    const [ada] = await sql.db
      .selectFrom('identifiers')
      .select('person_id')
      .where('site_id', '=', tenant.siteId)
      .where('value', '=', identifier)
      .execute();
    const report = await erasePerson({ sql, keyring: keys.keyring }, { ...tenant, personId: ada?.person_id as string });
    // The erasure's own clock is the database's: the request is dated now.
    await sql.db
      .updateTable('lake_erasures')
      .set({ requested_at: ERASED_AT })
      .where('site_id', '=', tenant.siteId)
      .execute();
    return report;
  };

  it("rewrites the site's lake files without the erased person's rows, keeping everyone else's exactly", async () => {
    // Prepare
    const bobBefore = await queryLake(temp.dir, `select * from events where event_id = 'e2-bob'`);
    const report = await erase();

    // Act
    const [pass] = await eraseFromLake({ sql, lake }, new Date(ERASED_AT.getTime() + LAKE_ERASURE_DELAY_MS));

    // Assess
    expect(report.lakeErasurePending).toBe(true);
    expect(pass).toEqual({
      siteId: tenant.siteId,
      requests: 1,
      objectsRead: 3,
      objectsRewritten: 2,
      objectsDeleted: 1,
      rowsRemoved: 4,
    });
    expect(await lakeEvents()).toEqual(['e2-bob']);
    expect(await queryLake(temp.dir, `select * from events where event_id = 'e2-bob'`)).toEqual(bobBefore);
    const visitors = await queryLake(temp.dir, `select visitor from visitor_days where site_id = '${tenant.siteId}'`);
    expect(visitors).toEqual([{ visitor: 'bob' }]);
  });

  it('marks the request done and forgets the ids it held', async () => {
    // Prepare
    await erase();

    // Act
    await eraseFromLake({ sql, lake }, new Date(ERASED_AT.getTime() + LAKE_ERASURE_DELAY_MS));
    const again = await eraseFromLake({ sql, lake }, new Date(ERASED_AT.getTime() + 2 * LAKE_ERASURE_DELAY_MS));

    // Assess
    const requests = await sql.db
      .selectFrom('lake_erasures')
      .selectAll()
      .where('site_id', '=', tenant.siteId)
      .execute();
    expect(requests).toEqual([
      expect.objectContaining({ anonymous_ids: [], user_ids: [], rows_removed: expect.anything() }),
    ]);
    expect(Number(requests[0]?.rows_removed)).toBe(4);
    expect(requests[0]?.completed_at).toEqual(new Date(ERASED_AT.getTime() + LAKE_ERASURE_DELAY_MS));
    expect(again.filter((p) => p.siteId === tenant.siteId)).toEqual([]);
  });

  it('waits until events acknowledged before the erasure have left the delivery buffers', async () => {
    // Prepare
    await erase();

    // Act
    const early = await eraseFromLake({ sql, lake }, new Date(ERASED_AT.getTime() + LAKE_ERASURE_DELAY_MS - 1));

    // Assess
    expect(early.filter((p) => p.siteId === tenant.siteId)).toEqual([]);
    expect(await lakeEvents()).toEqual(['e1-ada-laptop', 'e2-bob', 'e3-ada-phone', 'e4-ada-only']);
  });

  it('keeps what a returning visitor does after the erasure: that is a new person', async () => {
    // Prepare
    await erase();
    await createParquetLakeSink(lake).write(
      eventsTable,
      [event('e5-back', 'ada-laptop', null, ERASED_AT.getTime() + HOUR)],
      'after',
    );

    // Act
    await eraseFromLake({ sql, lake }, new Date(ERASED_AT.getTime() + 2 * HOUR));

    // Assess
    expect(await lakeEvents()).toEqual(['e2-bob', 'e5-back']);
  });

  it('takes out the failures whose stored payload names the erased person, whole or cut at 32 KB', async () => {
    // Prepare: rejected payloads of Ada's (one cut short, one an alias from her old cookie), Bob's, and
    // Ada's laptop again after the erasure (a new visitor by then).
    const failure = (id: string, payload: string, at: number) => ({
      site_id: tenant.siteId,
      dt: new Date(at).toISOString().slice(0, 10),
      failure_id: id,
      received_at: new Date(at),
      source: 'collect',
      reason: 'schema_violation',
      field: 'properties',
      message: 'too large',
      payload,
      context: '{}',
    });
    const before = ERASED_AT.getTime() - 5 * HOUR;
    const huge = 'x'.repeat(40_000);
    await createParquetLakeSink(lake).write(
      failedEventsTable,
      [
        failure('f1-ada', JSON.stringify({ type: 'track', anonymousId: 'ada-laptop', properties: {} }), before),
        failure('f2-ada-cut', JSON.stringify({ userId: 'ada', properties: { note: huge } }).slice(0, 32_768), before),
        failure('f3-alias', '{"type":"alias","previousId" : "ada-phone","userId":"ada-new"}', before),
        failure('f4-bob', JSON.stringify({ anonymousId: 'bob', properties: { mentions: 'ada' } }), before),
        failure(
          'f6-tracker',
          JSON.stringify({ events: [{ id: 'e', type: 'page', aid: 'ada-phone', uid: null }] }),
          before,
        ),
        failure('f5-after', JSON.stringify({ anonymousId: 'ada-laptop' }), ERASED_AT.getTime() + HOUR),
      ],
      'failures',
    );
    await erase();

    // Act
    const [pass] = await eraseFromLake({ sql, lake }, new Date(ERASED_AT.getTime() + 2 * HOUR));

    // Assess
    const kept = await queryLake(
      temp.dir,
      `select failure_id from failed_events where site_id = '${tenant.siteId}' order by 1`,
    );
    expect(kept.map((r) => r.failure_id)).toEqual(['f4-bob', 'f5-after']);
    expect(pass?.rowsRemoved).toBe(4 + 4);
  });

  it("takes out the erased person's events under their ids as the client spelled them (spaces, zero-width characters)", async () => {
    // Prepare: identity stores the ids trimmed and without zero-width characters; the lake keeps them as sent.
    const before = ERASED_AT.getTime() - 3 * HOUR;
    await createParquetLakeSink(lake).write(
      eventsTable,
      [event('e6-spaced', ' ada-laptop ', null, before), event('e7-zero-width', 'tablet', 'ada\u200b', before)],
      'spelled',
    );
    await erase();

    // Act
    await eraseFromLake({ sql, lake }, new Date(ERASED_AT.getTime() + LAKE_ERASURE_DELAY_MS));

    // Assess
    expect(await lakeEvents()).toEqual(['e2-bob']);
  });

  it('takes out the conversions that name the erased person only by a device id', async () => {
    // Prepare: Ada signed in on her iPhone; an MMP's install postback names the phone by its IDFA only.
    const idfa = '6D92078A-8246-4BA4-AE5B-76104861E7DC';
    await createResolver({ sql, keyring: keys.keyring, softLinks: false }).resolve(
      observationOf(tenant, [
        { type: 'user_id', value: 'ada' },
        { type: 'idfa', value: idfa },
      ]),
    );
    const conversion = (id: string, properties: Record<string, unknown>) => ({
      ...event(id, 'unused', null, ERASED_AT.getTime() - 2 * HOUR),
      anonymous_id: null,
      event_type: 'conversion',
      event_name: 'install',
      properties: JSON.stringify({ network: 'appsflyer', transaction_id: id, ...properties }),
    });
    await createParquetLakeSink(lake).write(
      eventsTable,
      [conversion('c1-ada-install', { idfa }), conversion('c2-other-install', { idfa: 'AAAA-OTHER' })],
      'postbacks',
    );
    const report = await erase();

    // Act
    await eraseFromLake({ sql, lake }, new Date(ERASED_AT.getTime() + LAKE_ERASURE_DELAY_MS));

    // Assess
    expect(report.lakeErasurePending).toBe(true);
    expect(await lakeEvents()).toEqual(['c2-other-install', 'e2-bob']);
  });

  it('reads the ids a failure payload names however it is spelled or escaped', () => {
    expect(
      payloadIds('{"anonymous_id":"a\\"b","user_id": "u-1","context":{"userId":"nested"},"anonymousId":"cut'),
    ).toEqual(['a"b', 'u-1', 'nested']);
    expect(payloadIds('{"properties":{"userIdentifier":"x"},"text":"userId"}')).toEqual([]);
    // The tracker's short keys, and Segment's numeric ids (a number cut short is not one).
    expect(payloadIds('[{"aid":"c-1","uid":"u-2"},{"userId":12345,"previousId": 7},{"userId":12')).toEqual([
      'c-1',
      'u-2',
      '12345',
      '7',
    ]);
  });

  it('runs in the daily maintenance, before the rollups', async () => {
    // Prepare
    await erase('bob');

    // Act
    const report = await runDailyMaintenance(
      { sql, keyring: keys.keyring, lake, analytics, analyticsDatabase: LOCAL_DATABASE },
      new Date(ERASED_AT.getTime() + HOUR),
    );

    // Assess
    expect(report.lakeErasures.filter((p) => p.siteId === tenant.siteId)).toEqual([
      expect.objectContaining({ requests: 1, rowsRemoved: 2 }),
    ]);
    expect(await lakeEvents()).toEqual(['e1-ada-laptop', 'e3-ada-phone', 'e4-ada-only']);
    const visitors = await queryLake(temp.dir, `select visitor from visitor_days where site_id = '${tenant.siteId}'`);
    expect(visitors.map((v) => v.visitor)).not.toContain('bob');
    expect(visitors.map((v) => v.visitor)).toContain('ada-phone'); // the day rolled up again, without Bob
  });
});
