import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createParquetLakeSink } from '../../lambdas/adapters/local/parquet-lake-sink';
import { erasePerson } from '../../lambdas/identity/erase-person';
import { exportLakeEvents, exportPerson } from '../../lambdas/identity/export-person';
import { lakeEventsOfPerson } from '../../lambdas/identity/person-lake-events';
import { createResolver } from '../../lambdas/identity/resolver';
import { LOCAL_DATABASE } from '../../lambdas/lake/named-queries';
import { eventsTable } from '../../lambdas/lake/tables';
import type { Analytics } from '../../lambdas/ports/analytics';
import type { Sql } from '../../lambdas/ports/sql';
import { makeTempDir } from '../support/temp-dir';
import { createTenant, createTestKeyring, observationOf, openDatabase } from './support/identity-fixture';

type Site = { organizationId: string; siteId: string };
const AT = Date.UTC(2026, 10, 20, 9);

describe('the export of a person includes what the event lake holds on them', () => {
  let sql: Sql;
  let analytics: Analytics;
  let temp: ReturnType<typeof makeTempDir>;
  let keys: ReturnType<typeof createTestKeyring>;
  let site: Site;
  let ada: string;
  let bob: string;
  const lakeDeps = () => ({ analytics, analyticsDatabase: LOCAL_DATABASE });

  beforeAll(async () => {
    ({ sql } = await openDatabase('PGlite (embedded)'));
    temp = makeTempDir('sightline-person-lake-');
    const lake = createLocalObjectStore({ root: `${temp.dir}/lake` });
    keys = createTestKeyring(sql);
    site = await createTenant(sql, 'shop');
    const elsewhere = await createTenant(sql, 'elsewhere');
    const resolver = createResolver({ sql, keyring: keys.keyring, softLinks: false });
    const signIn = async (identifiers: { type: 'anonymous_id' | 'user_id'; value: string }[]) =>
      (await resolver.resolve(observationOf(site, identifiers, { observedAt: AT, event: { type: 'identify' } })))
        .personId as string;
    ada = await signIn([
      { type: 'anonymous_id', value: 'ada-laptop' },
      { type: 'user_id', value: 'ada-1' },
    ]);
    await signIn([
      { type: 'anonymous_id', value: 'ada-phone' },
      { type: 'user_id', value: 'ada-1' },
    ]);
    bob = await signIn([{ type: 'anonymous_id', value: 'bob-laptop' }]);

    const visit = (where: Site, eventId: string, minutes: number, ids: { anonymous_id?: string; user_id?: string }) => {
      const at = new Date(AT + minutes * 60_000);
      return {
        event_id: eventId,
        site_id: where.siteId,
        dt: at.toISOString().slice(0, 10),
        event_time: at,
        received_at: at,
        event_type: 'page',
        url: `https://shop.example/${eventId}`,
        ip: '203.0.113.0',
        user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
        city: 'London',
        asn: 64_500,
        anonymous_id: ids.anonymous_id ?? null,
        user_id: ids.user_id ?? null,
      };
    };
    await createParquetLakeSink(lake).write(
      eventsTable,
      [
        visit(site, 'ada-3', 3, { anonymous_id: 'ada-laptop' }),
        visit(site, 'ada-1', 1, { anonymous_id: 'ada-laptop' }),
        // Same minute as ada-1: the page order falls back to the event id.
        visit(site, 'ada-0', 1, { anonymous_id: ' ada-phone\u200b' }),
        visit(site, 'ada-5', 5, { user_id: 'ada-1' }),
        visit(site, 'ada-9', 60 * 24 * 2, { anonymous_id: 'ada-phone', user_id: 'ada-1' }),
        visit(site, 'bob-2', 2, { anonymous_id: 'bob-laptop' }),
        visit(elsewhere, 'elsewhere-4', 4, { anonymous_id: 'ada-laptop' }),
      ],
      'visits',
    );
    analytics = await createDuckDbAnalytics({ lakeDir: `${temp.dir}/lake` });
  }, 60_000);
  afterAll(async () => {
    await analytics?.close();
    await sql?.close();
    keys?.cleanup();
    temp?.cleanup();
  });

  it('lists every lake event under any of their anonymous or user ids, whole and oldest first, and no one else’s', async () => {
    // Act
    const exported = await exportPerson(
      { sql, keyring: keys.keyring },
      { organizationId: site.organizationId, personId: ada },
      { ...lakeDeps(), allPages: true },
    );

    // Assess
    if (exported.erased) throw new Error('erased');
    expect(exported.lakeEvents?.events.map((e) => e.event_id)).toEqual(['ada-0', 'ada-1', 'ada-3', 'ada-5', 'ada-9']);
    expect(exported.lakeEvents?.next).toBeNull();
    expect(exported.lakeEvents?.events[1]).toMatchObject({
      url: 'https://shop.example/ada-1',
      ip: '203.0.113.0',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
      city: 'London',
      asn: 64_500,
      event_time: new Date(AT + 60_000).toISOString(),
    });
    // What the API sends: it must survive JSON.
    expect(JSON.parse(JSON.stringify(exported)).lakeEvents.events).toHaveLength(5);
  });

  it('pages through them by time and event id without losing or repeating one', async () => {
    // Act
    const ids = [
      { type: 'anonymous_id' as const, value: 'ada-laptop' },
      { type: 'anonymous_id' as const, value: 'ada-phone' },
      { type: 'user_id' as const, value: 'ada-1' },
    ];
    const seen: string[] = [];
    let page = await lakeEventsOfPerson(lakeDeps(), site.siteId, ids, { limit: 2 });
    let pages = 1;
    seen.push(...page.events.map((e) => String(e.event_id)));
    while (page.next) {
      page = await lakeEventsOfPerson(lakeDeps(), site.siteId, ids, { limit: 2, after: page.next });
      seen.push(...page.events.map((e) => String(e.event_id)));
      pages++;
    }

    // Assess
    expect(seen).toEqual(['ada-0', 'ada-1', 'ada-3', 'ada-5', 'ada-9']);
    expect(pages).toBe(3);
  });

  it('finds the events of a person holding more anonymous ids than one query asks about (identity allows 200)', async () => {
    // Prepare: 24 cookies with nothing in the lake, then the two that hold Ada's visits
    const ids = [
      ...Array.from({ length: 24 }, (_, n) => ({ type: 'anonymous_id' as const, value: `old-cookie-${n}` })),
      { type: 'anonymous_id' as const, value: 'ada-laptop' },
      { type: 'anonymous_id' as const, value: 'ada-phone' },
    ];

    // Act
    const seen: string[] = [];
    let page = await lakeEventsOfPerson(lakeDeps(), site.siteId, ids, { limit: 2 });
    seen.push(...page.events.map((e) => String(e.event_id)));
    while (page.next) {
      page = await lakeEventsOfPerson(lakeDeps(), site.siteId, ids, { limit: 2, after: page.next });
      seen.push(...page.events.map((e) => String(e.event_id)));
    }

    // Assess
    expect(seen).toEqual(['ada-0', 'ada-1', 'ada-3', 'ada-9']);
    expect(page.idsLeftOut).toBe(0);
  });

  it('answers the first page with the export and the rest on request, and refuses a cursor it did not make, naming it', async () => {
    // Act
    const exported = await exportPerson(
      { sql, keyring: keys.keyring },
      { organizationId: site.organizationId, personId: bob },
      lakeDeps(),
    );
    const rest = await exportLakeEvents({ sql, keyring: keys.keyring }, lakeDeps(), {
      organizationId: site.organizationId,
      personId: ada,
    });
    const forged = exportLakeEvents({ sql, keyring: keys.keyring }, lakeDeps(), {
      organizationId: site.organizationId,
      personId: ada,
      after: 'not-a-cursor',
    });

    // Assess
    if (exported.erased) throw new Error('erased');
    expect(exported.lakeEvents).toEqual(expect.objectContaining({ next: null, idsLeftOut: 0 }));
    expect(exported.lakeEvents?.events.map((e) => e.event_id)).toEqual(['bob-2']);
    expect(rest.events).toHaveLength(5);
    await expect(forged).rejects.toMatchObject({ field: 'after' });
  });

  it('has nothing to show of an erased person: their ids are gone with them', async () => {
    // Prepare
    await erasePerson({ sql, keyring: keys.keyring }, { organizationId: site.organizationId, personId: bob });

    // Act
    const exported = await exportPerson(
      { sql, keyring: keys.keyring },
      { organizationId: site.organizationId, personId: bob },
      lakeDeps(),
    );
    const page = await exportLakeEvents({ sql, keyring: keys.keyring }, lakeDeps(), {
      organizationId: site.organizationId,
      personId: bob,
    });

    // Assess
    expect(exported.erased).toBe(true);
    expect(page).toEqual({ events: [], next: null, idsLeftOut: 0 });
  });
});
