import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../../lambdas/adapters/local/parquet-lake-sink';
import { exportPerson } from '../../lambdas/identity/export-person';
import type { IdentifierInput } from '../../lambdas/identity/identifier-types';
import { lookupPerson } from '../../lambdas/identity/lookup-person';
import { createResolver } from '../../lambdas/identity/resolver';
import { LOCAL_DATABASE } from '../../lambdas/lake/named-queries';
import { eventsTable } from '../../lambdas/lake/tables';
import { deleteExpiredRows } from '../../lambdas/lifecycle/database-retention';
import { enforceRetention, retentionCutoff } from '../../lambdas/lifecycle/enforce-retention';
import type { Analytics } from '../../lambdas/ports/analytics';
import type { ObjectStore } from '../../lambdas/ports/object-store';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant, createTestKeyring, observationOf, openDatabase } from '../identity/support/identity-fixture';
import { makeTempDir } from '../support/temp-dir';

const DAY = 86_400_000;
const NOW = new Date('2026-11-22T10:00:00Z');
const daysAgo = (n: number) => NOW.getTime() - n * DAY;

type Site = { organizationId: string; siteId: string };

describe('retention keeps persons the lake still shows visiting (only identity-linking events reach PostgreSQL)', () => {
  let sql: Sql;
  let lake: ObjectStore;
  let analytics: Analytics;
  let temp: ReturnType<typeof makeTempDir>;
  let keys: ReturnType<typeof createTestKeyring>;
  let site: Site;
  let otherSite: Site;
  let paged: Site;
  let resolver: ReturnType<typeof createResolver>;
  const deps = () => ({ sql, keyring: keys.keyring, lake, analytics, analyticsDatabase: LOCAL_DATABASE });

  const visitIn = async (
    where: Site,
    age: number,
    ids: { anonymous_id?: string | null; user_id?: string | null },
    eventId: string,
  ) => {
    const at = new Date(daysAgo(age));
    const row = {
      event_id: eventId,
      site_id: where.siteId,
      dt: at.toISOString().slice(0, 10),
      event_time: at,
      received_at: at,
      event_type: 'page',
      anonymous_id: ids.anonymous_id ?? null,
      user_id: ids.user_id ?? null,
    };
    await createParquetLakeSink(lake).write(eventsTable, [row], eventId);
  };
  const identifiedIn = (where: Site, age: number, identifiers: IdentifierInput[]) =>
    resolver.resolve(
      observationOf(where, identifiers, {
        observedAt: daysAgo(age),
        event: { type: 'identify', sessionId: `s-${age}` },
      }),
    );
  /** The current person holding the anonymous id, or null once erased (its identifiers are gone). */
  const personOf = async (where: Site, value: string) =>
    (
      await lookupPerson(
        { sql, keyring: keys.keyring },
        { organizationId: where.organizationId, siteId: where.siteId, type: 'anonymous_id', value },
      )
    ).persons[0] ?? null;
  const retain = (settingsSite: Site, days: number) =>
    sql.db
      .updateTable('sites')
      .set({ settings: JSON.stringify({ retentionDays: days }) })
      .where('id', '=', settingsSite.siteId)
      .execute();

  beforeAll(async () => {
    ({ sql } = await openDatabase('PGlite (embedded)'));
    temp = makeTempDir('sightline-retention-lake-');
    lake = createLocalObjectStore({ root: `${temp.dir}/lake` });
    keys = createTestKeyring(sql);
    site = await createTenant(sql, 'retained');
    otherSite = await createTenant(sql, 'other');
    paged = await createTenant(sql, 'paged');
    await retain(site, 30);
    resolver = createResolver({ sql, keyring: keys.keyring, softLinks: false });

    // Each identified 40 days ago, with nothing since that reached PostgreSQL.
    await identifiedIn(site, 40, [
      { type: 'anonymous_id', value: 'cookie-form' },
      { type: 'email', value: 'form@example.com' },
    ]);
    await identifiedIn(site, 40, [
      { type: 'anonymous_id', value: 'cookie-login' },
      { type: 'user_id', value: 'user-7' },
    ]);
    await identifiedIn(site, 41, [
      { type: 'anonymous_id', value: 'cookie-laptop' },
      { type: 'email', value: 'two-devices@example.com' },
    ]);
    await identifiedIn(site, 40, [
      { type: 'anonymous_id', value: 'cookie-phone' },
      { type: 'email', value: 'two-devices@example.com' },
    ]);
    await identifiedIn(site, 40, [
      { type: 'anonymous_id', value: 'cookie-gone' },
      { type: 'email', value: 'gone@example.com' },
    ]);
    // Since then, only page views in the lake:
    await visitIn(site, 2, { anonymous_id: 'cookie-form' }, 'form-2');
    await visitIn(site, 30, { anonymous_id: null, user_id: ' user-7 ' }, 'login-30'); // cookieless, on the cutoff day
    await visitIn(site, 3, { anonymous_id: 'cookie-phone' }, 'phone-3'); // the merged-in device
    await visitIn(site, 31, { anonymous_id: 'cookie-gone' }, 'gone-31'); // the day before the cutoff
    await visitIn(otherSite, 2, { anonymous_id: 'cookie-gone' }, 'other-site-2'); // same cookie, another site
    analytics = await createDuckDbAnalytics({ lakeDir: `${temp.dir}/lake` });
  }, 60_000);
  afterAll(async () => {
    await analytics?.close();
    await sql?.close();
    keys?.cleanup();
    temp?.cleanup();
  });

  it('keeps a person seen in the lake since the cutoff under any anonymous or user id of theirs, erases the one last seen before it', async () => {
    // Act
    const [report] = await enforceRetention(deps(), NOW);

    // Assess
    expect(report?.database).toMatchObject({ personsErased: 1, personsSeenInLake: 3, personsRemaining: false });
    expect(await personOf(site, 'cookie-form')).not.toBeNull();
    expect(await personOf(site, 'cookie-login')).not.toBeNull();
    expect((await personOf(site, 'cookie-laptop'))?.id).toBe((await personOf(site, 'cookie-phone'))?.id);
    expect(await personOf(site, 'cookie-gone')).toBeNull();
    const marked = await sql.db
      .selectFrom('persons')
      .select(['lake_seen_at'])
      .where('site_id', '=', site.siteId)
      .where('lake_seen_at', 'is not', null)
      .execute();
    expect(marked.map((p) => new Date(p.lake_seen_at as Date).toISOString()).sort()).toEqual(
      [daysAgo(30), daysAgo(3), daysAgo(2)].map((ms) => new Date(ms).toISOString()).sort(),
    );
    const formPerson = await personOf(site, 'cookie-form');
    const exported = await exportPerson(
      { sql, keyring: keys.keyring },
      { organizationId: site.organizationId, personId: formPerson?.id ?? '' },
    );
    expect(exported).toMatchObject({ erased: false, lakeSeenAt: new Date(daysAgo(2)).toISOString() });
  });

  it('does not ask the lake again about a person it found until that visit is older than the cutoff, then erases them', async () => {
    // Act: the next day, only the visit on the old cutoff day has expired
    const [nextDay] = await enforceRetention(deps(), new Date(NOW.getTime() + DAY));

    // Assess: that person alone is asked about again, and erased
    expect(nextDay?.database).toMatchObject({ personsErased: 1, personsSeenInLake: 0 });
    expect(await personOf(site, 'cookie-login')).toBeNull();
    expect(await personOf(site, 'cookie-form')).not.toBeNull();

    // Act: a month on, the cutoff is after every visit above
    const later = new Date(NOW.getTime() + 33 * DAY);
    const [afterwards] = await enforceRetention(deps(), later);

    // Assess
    expect(retentionCutoff(later, 30).getTime()).toBeGreaterThan(daysAgo(2));
    expect(afterwards?.database).toMatchObject({ personsErased: 2, personsSeenInLake: 0, personsRemaining: false });
    expect(await personOf(site, 'cookie-form')).toBeNull();
    expect(await personOf(site, 'cookie-phone')).toBeNull();
  });

  it('reaches stale persons behind active ones a page at a time, and leaves what maxPersons cuts off for the next call', async () => {
    // Prepare: the oldest two are active in the lake, the two after them are stale.
    for (const [age, name] of [
      [50, 'active-1'],
      [49, 'active-2'],
      [48, 'stale-1'],
      [47, 'stale-2'],
    ] as const)
      await identifiedIn(paged, age, [
        { type: 'anonymous_id', value: name },
        { type: 'email', value: `${name}@example.com` },
      ]);
    await visitIn(paged, 1, { anonymous_id: 'active-1' }, 'paged-active-1');
    await visitIn(paged, 1, { anonymous_id: 'active-2' }, 'paged-active-2');
    const cutoff = retentionCutoff(NOW, 30);

    // Act
    const first = await deleteExpiredRows(deps(), paged, cutoff, { maxPersons: 1, pageSize: 1 });
    const second = await deleteExpiredRows(deps(), paged, cutoff, { maxPersons: 1, pageSize: 1 });

    // Assess
    expect(first).toMatchObject({ personsErased: 1, personsSeenInLake: 2, personsRemaining: true });
    expect(second).toMatchObject({ personsErased: 1, personsSeenInLake: 0, personsRemaining: false });
    expect(await personOf(paged, 'stale-1')).toBeNull();
    expect(await personOf(paged, 'stale-2')).toBeNull();
    expect(await personOf(paged, 'active-1')).not.toBeNull();
    expect(await personOf(paged, 'active-2')).not.toBeNull();
  });

  it('keeps a person the lake shows visiting under their user id as the client spelled it (a zero-width character)', async () => {
    // Prepare: identity stores the user id without the zero-width space the client sent; the lake keeps it.
    const spelled = await createTenant(sql, 'spelled');
    await retain(spelled, 30);
    await identifiedIn(spelled, 40, [
      { type: 'anonymous_id', value: 'cookie-spelled' },
      { type: 'user_id', value: 'user-9\u200b' },
    ]);
    await visitIn(spelled, 2, { anonymous_id: null, user_id: 'user-9\u200b' }, 'spelled-2');

    // Act
    const report = await deleteExpiredRows(deps(), spelled, retentionCutoff(NOW, 30));

    // Assess
    expect(report).toMatchObject({ personsErased: 0, personsSeenInLake: 1 });
    expect(await personOf(spelled, 'cookie-spelled')).not.toBeNull();
  });
});
