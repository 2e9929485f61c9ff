import { randomUUID } from 'node:crypto';
import { sql as raw } from 'kysely';
import type { OrganizationKeyring } from '../../lambdas/identity/crypto/organization-keys';
import { ensureEventPartitions } from '../../lambdas/identity/event-partitions';
import { exportPerson } from '../../lambdas/identity/export-person';
import { createResolver } from '../../lambdas/identity/resolver';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant, createTestKeyring, ENGINES, observationOf, openDatabase } from './support/identity-fixture';

describe.each(ENGINES)('event storage on %s', (engine) => {
  let sql: Sql;
  let keyring: OrganizationKeyring;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ sql } = await openDatabase(engine));
    ({ keyring, cleanup } = createTestKeyring(sql));
  });
  afterAll(async () => {
    await sql.close();
    cleanup();
  });

  const partitions = async () => {
    const { rows } = await raw<{ name: string }>`
      select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      join pg_class p on p.oid = i.inhparent where p.relname = 'events' order by 1`.execute(sql.db);
    return rows.map((r) => r.name);
  };

  it('creates the monthly partitions of the current and next two months, and again changes nothing', async () => {
    // Prepare
    const now = new Date(Date.UTC(2030, 11, 15));

    // Act
    const created = await ensureEventPartitions(sql, now);
    const again = await ensureEventPartitions(sql, now);

    // Assess
    expect(created).toEqual(['events_2030_12', 'events_2031_01', 'events_2031_02']);
    expect(again).toEqual(created);
    expect(await partitions()).toEqual(expect.arrayContaining([...created, 'events_default']));
  });

  it('moves the events a month received before its partition existed into it as it is created', async () => {
    // Prepare: no partition for May 2035 yet, so its events wait in the default partition.
    const tenant = await createTenant(sql);
    await sql.db
      .insertInto('events')
      .values({
        organization_id: tenant.organizationId,
        site_id: tenant.siteId,
        event_id: 'early-for-its-month',
        occurred_at: new Date(Date.UTC(2035, 4, 9, 12)),
        person_id: randomUUID(),
        type: 'page',
      })
      .execute();

    // Act
    const created = await ensureEventPartitions(sql, new Date(Date.UTC(2035, 4, 10)));

    // Assess
    expect(created).toEqual(['events_2035_05', 'events_2035_06', 'events_2035_07']);
    const { rows } = await raw<{ event_id: string; partition: string }>`
      select event_id, tableoid::regclass::text as partition from events
      where site_id = ${tenant.siteId}::uuid`.execute(sql.db);
    expect(rows).toEqual([{ event_id: 'early-for-its-month', partition: 'events_2035_05' }]);
    const { rows: indexes } = await raw<{ n: number }>`
      select count(*)::int as n from pg_indexes where tablename = 'events_2035_05'`.execute(sql.db);
    expect(indexes[0]?.n).toBe(2); // the primary key's and the person index, as every month has
  });

  it('routes an event to its month and one outside every month to the default partition', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    await ensureEventPartitions(sql, new Date(Date.UTC(2030, 11, 15)));
    const insert = (eventId: string, at: Date) =>
      sql.db
        .insertInto('events')
        .values({ ...ids(tenant), event_id: eventId, occurred_at: at, person_id: crypto.randomUUID(), type: 'page' })
        .execute();

    // Act
    await insert('in-month', new Date(Date.UTC(2031, 0, 20)));
    await insert('long-ago', new Date(Date.UTC(2001, 0, 1)));

    // Assess
    const { rows } = await raw<{ event_id: string; partition: string }>`
      select event_id, tableoid::regclass::text as partition from events where site_id = ${tenant.siteId}::uuid order by 1`.execute(
      sql.db,
    );
    expect(rows).toEqual([
      { event_id: 'in-month', partition: 'events_2031_01' },
      { event_id: 'long-ago', partition: 'events_default' },
    ]);
  });

  it.each(['one by one', 'in one batch'] as const)(
    'keeps each resolved event as collected once by the SHA-256 of its content, sealed with its person key (%s)',
    async (path) => {
      // Prepare
      const tenant = await createTenant(sql);
      const resolver = createResolver({ sql, keyring });
      const ids = [
        { type: 'anonymous_id', value: `${path}-device` },
        { type: 'user_id', value: `${path}-ada` },
      ] as const;
      const rawOf = (event: Record<string, unknown>) => ({ receivedAt: Date.UTC(2026, 10, 1, 9), event });
      const observations = [
        observationOf(tenant, ids, {
          event: { type: 'identify' },
          raw: rawOf({ type: 'identify', traits: { email: 'ada@acme.io', plan: 'pro' } }),
        }),
        // A redelivered copy, its keys in another order: the same content.
        observationOf(tenant, ids, {
          event: { type: 'identify' },
          raw: rawOf({ traits: { plan: 'pro', email: 'ada@acme.io' }, type: 'identify' }),
        }),
        observationOf(tenant, ids, {
          event: { type: 'identify' },
          raw: rawOf({ type: 'identify', traits: { email: 'ada@acme.org' } }),
        }),
      ];

      // Act
      const personIds =
        path === 'one by one'
          ? await Promise.all(observations.map(async (o) => (await resolver.resolve(o)).personId))
          : (await resolver.resolveBatch(observations)).map((o) => (o.ok ? o.resolution.personId : undefined));

      // Assess
      const personId = personIds[0] as string;
      expect(personIds).toEqual([personId, personId, personId]);
      const stored = await sql.db
        .selectFrom('raw_events')
        .select(['payload_cipher', 'person_id', 'key_person_id', 'received_at'])
        .where('site_id', '=', tenant.siteId)
        .execute();
      expect(stored).toHaveLength(2);
      for (const row of stored) {
        expect(row).toMatchObject({ person_id: personId, key_person_id: personId });
        expect(Buffer.from(row.payload_cipher).toString('latin1')).not.toContain('acme.');
      }
      const exported = await exportPerson({ sql, keyring }, { organizationId: tenant.organizationId, personId });
      if (exported.erased) throw new Error('expected a live person');
      expect(
        exported.rawEvents.map((e) => e.payload).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
      ).toEqual([
        { traits: { email: 'ada@acme.io', plan: 'pro' }, type: 'identify' },
        { traits: { email: 'ada@acme.org' }, type: 'identify' },
      ]);
      expect(exported.rawEvents.map((e) => e.receivedAt)).toEqual([
        '2026-11-01T09:00:00.000Z',
        '2026-11-01T09:00:00.000Z',
      ]);
    },
  );
});

function ids(tenant: { organizationId: string; siteId: string }) {
  return { organization_id: tenant.organizationId, site_id: tenant.siteId };
}
