import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../../lambdas/adapters/local/parquet-lake-sink';
import { createResolver } from '../../lambdas/identity/resolver';
import { LOCAL_DATABASE } from '../../lambdas/lake/named-queries';
import { eventsTable, failedEventsTable } from '../../lambdas/lake/tables';
import { enforceRetention, retentionCutoff } from '../../lambdas/lifecycle/enforce-retention';
import type { Analytics } from '../../lambdas/ports/analytics';
import type { ObjectStore } from '../../lambdas/ports/object-store';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant, createTestKeyring, observationOf, openDatabase } from '../identity/support/identity-fixture';
import { queryLake } from '../support/lake';
import { makeTempDir } from '../support/temp-dir';

const DAY = 86_400_000;
const NOW = new Date('2026-11-22T10:00:00Z');
const daysAgo = (n: number) => NOW.getTime() - n * DAY;

describe('retention (each site keeps events and persons for its retentionDays)', () => {
  let sql: Sql;
  let lake: ObjectStore;
  let analytics: Analytics;
  let temp: ReturnType<typeof makeTempDir>;
  let keys: ReturnType<typeof createTestKeyring>;
  let limited: { organizationId: string; siteId: string };
  let unlimited: { organizationId: string; siteId: string };

  /** The site, set to keep 30 days. */
  const keepingThirtyDays = async <T extends { siteId: string }>(site: T): Promise<T> => {
    await sql.db
      .updateTable('sites')
      .set({ settings: JSON.stringify({ retentionDays: 30 }) })
      .where('id', '=', site.siteId)
      .execute();
    return site;
  };

  beforeAll(async () => {
    ({ sql } = await openDatabase('PGlite (embedded)'));
    temp = makeTempDir('sightline-retention-');
    lake = createLocalObjectStore({ root: `${temp.dir}/lake` });
    keys = createTestKeyring(sql);
    limited = await keepingThirtyDays(await createTenant(sql, 'limited'));
    unlimited = await createTenant(sql, 'unlimited');

    const sink = createParquetLakeSink(lake);
    for (const site of [limited, unlimited]) {
      for (const age of [45, 31, 30, 2]) {
        const at = new Date(daysAgo(age));
        const dt = at.toISOString().slice(0, 10);
        const row = { event_id: `${site.siteId}-${age}`, site_id: site.siteId, dt, event_time: at, received_at: at };
        await sink.write(eventsTable, [row], `batch-${age}`);
        await sink.write(failedEventsTable, [{ failure_id: `f-${age}`, site_id: site.siteId, dt }], `batch-${age}`);
      }
    }

    const resolver = createResolver({ sql, keyring: keys.keyring, softLinks: false });
    const seen = (site: typeof limited, id: string, age: number, email?: string) =>
      resolver.resolve(
        observationOf(
          site,
          [{ type: 'anonymous_id', value: id }, ...(email ? [{ type: 'email' as const, value: email }] : [])],
          { observedAt: daysAgo(age), event: { type: 'page', sessionId: `${id}-${age}` } },
        ),
      );
    await seen(limited, 'gone-visitor', 40, 'gone@example.com');
    await seen(limited, 'returning-visitor', 40);
    await seen(limited, 'returning-visitor', 3);
    await seen(unlimited, 'old-visitor', 400, 'old@example.com');
    analytics = await createDuckDbAnalytics({ lakeDir: `${temp.dir}/lake` });
  }, 60_000);
  afterAll(async () => {
    await analytics?.close();
    await sql?.close();
    keys?.cleanup();
    temp?.cleanup();
  });

  it('cuts at the UTC midnight retentionDays before today, keeping that whole day', () => {
    expect(retentionCutoff(NOW, 30).toISOString()).toBe('2026-10-23T00:00:00.000Z');
  });

  it('removes the lake partitions before the cutoff, for events and failed events, of that site only', async () => {
    // Act
    const [report] = await enforceRetention(
      { sql, keyring: keys.keyring, lake, analytics, analyticsDatabase: LOCAL_DATABASE },
      NOW,
    );
    const days = async (table: string) =>
      (await queryLake(temp.dir, `select site_id, dt from ${table} group by 1, 2`))
        .map((r) => `${r.site_id === limited.siteId ? 'limited' : 'unlimited'} ${r.dt}`)
        .sort();

    // Assess
    expect(report?.siteId).toBe(limited.siteId);
    expect(report?.lake.events?.days).toEqual(['2026-10-08', '2026-10-22']);
    const expected = [
      'limited 2026-10-23',
      'limited 2026-11-20',
      'unlimited 2026-10-08',
      'unlimited 2026-10-22',
      'unlimited 2026-10-23',
      'unlimited 2026-11-20',
    ];
    expect(await days('events')).toEqual(expected);
    expect(await days('failed_events')).toEqual(expected);
  });

  it('deletes old slim events and sessions, erases persons with nothing left and keeps returning ones', async () => {
    // Prepare: the first run above already applied the cutoff; a second finds nothing more.
    const persons = await sql.db
      .selectFrom('persons')
      .innerJoin('identifiers', 'identifiers.person_id', 'persons.id')
      .select(['identifiers.value', 'persons.erased_at', 'persons.site_id'])
      .where('identifiers.type', '=', 'anonymous_id')
      .execute();
    const tombstones = await sql.db
      .selectFrom('persons')
      .select(['site_id', 'erased_at'])
      .where('erased_at', 'is not', null)
      .execute();
    const events = await sql.db.selectFrom('events').select(['site_id', 'occurred_at']).execute();

    // Act
    const [again] = await enforceRetention(
      { sql, keyring: keys.keyring, lake, analytics, analyticsDatabase: LOCAL_DATABASE },
      NOW,
    );

    // Assess
    expect(persons.map((p) => p.value).sort()).toEqual(['old-visitor', 'returning-visitor']);
    expect(tombstones.map((t) => t.site_id)).toEqual([limited.siteId]);
    // Their lake rows went with the partitions before the cutoff: no lake erasure is owed for them.
    const owed = await sql.db.selectFrom('lake_erasures').select('id').where('site_id', '=', limited.siteId).execute();
    expect(owed).toEqual([]);
    expect(
      events.every((e) => e.site_id === unlimited.siteId || new Date(e.occurred_at).getTime() >= daysAgo(30)),
    ).toBe(true);
    expect(events.filter((e) => e.site_id === limited.siteId)).toHaveLength(1);
    expect(again?.database).toEqual({
      events: 0,
      sessions: 0,
      rawEvents: 0,
      conversions: 0,
      softSignals: 0,
      softLinkEvidence: 0,
      softLinks: 0,
      personsErased: 0,
      personsSeenInLake: 0,
      personsRemaining: false,
    });
    expect(again?.lake.events?.objects).toBe(0);
  });

  it('deletes the IP and user-agent sightings of a visitor who stays active, from before the cutoff', async () => {
    // Prepare: a site keeping 30 days, a visitor seen 40 days ago and 3 days ago from one office
    const site = await keepingThirtyDays(await createTenant(sql, 'sightings'));
    const resolver = createResolver({ sql, keyring: keys.keyring });
    for (const age of [40, 3]) {
      await resolver.resolve(
        observationOf(site, [{ type: 'anonymous_id', value: 'regular' }], {
          observedAt: daysAgo(age),
          ip: '203.0.113.7',
          userAgent: 'Mozilla/5.0 (office)',
          event: { type: 'page' },
        }),
      );
    }
    const sightings = () =>
      sql.db
        .selectFrom('soft_signals')
        .select('last_seen_at')
        .where('site_id', '=', site.siteId)
        .execute()
        .then((rows) => rows.map((r) => new Date(r.last_seen_at).getTime()).sort());

    // Act
    const before = await sightings();
    const reports = await enforceRetention(
      { sql, keyring: keys.keyring, lake, analytics, analyticsDatabase: LOCAL_DATABASE },
      NOW,
    );

    // Assess
    expect(before).toEqual([daysAgo(40), daysAgo(3)]);
    expect(reports.find((r) => r.siteId === site.siteId)?.database.softSignals).toBe(1);
    expect(await sightings()).toEqual([daysAgo(3)]);
  });

  it('withdraws open soft links whose evidence all dates from before the cutoff, keeping decided ones and recent evidence', async () => {
    // Prepare: a site keeping 30 days; three pairs of visitors sharing an office's network and browser
    const site = await keepingThirtyDays(await createTenant(sql, 'soft-links'));
    const resolver = createResolver({ sql, keyring: keys.keyring });
    const together = async (pair: string, ages: readonly number[]) => {
      for (const age of ages) {
        for (const who of ['a', 'b']) {
          await resolver.resolve(
            observationOf(site, [{ type: 'anonymous_id', value: `${pair}-${who}` }], {
              observedAt: daysAgo(age) + (who === 'b' ? 60_000 : 0),
              ip: '203.0.113.9',
              userAgent: `Mozilla/5.0 (${pair})`,
              event: { type: 'page' },
            }),
          );
        }
      }
    };
    await together('stale', [40]);
    await together('renewed', [40, 3]);
    await together('rejected', [40]);
    // All of them still visit, each from a network of their own: retention keeps the persons.
    for (const visitor of ['stale-a', 'stale-b', 'rejected-a', 'rejected-b']) {
      await resolver.resolve(
        observationOf(site, [{ type: 'anonymous_id', value: visitor }], {
          observedAt: daysAgo(3),
          event: { type: 'page' },
        }),
      );
    }
    const links = () =>
      sql.db
        .selectFrom('soft_links as l')
        .innerJoin('identifiers as i', (join) => join.onRef('i.person_id', '=', 'l.person_a'))
        .select(['i.value', 'l.status'])
        .select((eb) =>
          eb
            .selectFrom('soft_link_evidence as e')
            .select((e) => e.fn.countAll<string>().as('n'))
            .whereRef('e.link_id', '=', 'l.id')
            .as('evidence'),
        )
        .where('l.site_id', '=', site.siteId)
        .orderBy('i.value')
        .execute()
        .then((rows) => rows.map((r) => `${r.value.replace(/-[ab]$/, '')} ${r.status} ${r.evidence}`));
    const before = await links();
    await sql.db
      .updateTable('soft_links')
      .set({ status: 'rejected', decided_at: new Date() })
      .where('site_id', '=', site.siteId)
      .where('person_a', 'in', (eb) =>
        eb.selectFrom('identifiers').select('person_id').where('value', 'like', 'rejected-%'),
      )
      .execute();

    // Act
    const reports = await enforceRetention(
      { sql, keyring: keys.keyring, lake, analytics, analyticsDatabase: LOCAL_DATABASE },
      NOW,
    );

    // Assess
    expect(before).toEqual(['rejected open 1', 'renewed open 2', 'stale open 1']);
    expect(reports.find((r) => r.siteId === site.siteId)?.database).toMatchObject({
      softLinkEvidence: 3,
      softLinks: 1,
    });
    expect(await links()).toEqual(['rejected rejected 0', 'renewed open 1']);
    const persons = await sql.db
      .selectFrom('identifiers')
      .select('value')
      .where('site_id', '=', site.siteId)
      .orderBy('value')
      .execute();
    expect(persons.map((p) => p.value)).toEqual([
      'rejected-a',
      'rejected-b',
      'renewed-a',
      'renewed-b',
      'stale-a',
      'stale-b',
    ]);
  });

  it('crypto-shreds an expired person as erasure does: the e-mail no longer finds anyone', async () => {
    // Act
    const emails = await sql.db.selectFrom('identifiers').select(['site_id']).where('type', '=', 'email').execute();

    // Assess
    expect(emails.map((e) => e.site_id)).toEqual([unlimited.siteId]);
  });
});
