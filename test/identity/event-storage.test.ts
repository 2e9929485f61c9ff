import { sql as raw } from 'kysely';
import type { OrganizationKeyring } from '../../lambdas/identity/crypto/organization-keys';
import { ensureEventPartitions } from '../../lambdas/identity/event-partitions';
import { storeRawEvent } from '../../lambdas/identity/raw-events';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant, createTestKeyring, ENGINES, openDatabase } from './support/identity-fixture';

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

  it('keeps a raw event once by the SHA-256 of its content, sealed at rest', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const base = { ...tenant, eventId: 'raw-1', receivedAt: Date.UTC(2026, 10, 1) };

    // Act
    const first = await storeRawEvent({ sql, keyring }, { ...base, payload: { email: 'ada@acme.io', plan: 'pro' } });
    const sameContent = await storeRawEvent(
      { sql, keyring },
      { ...base, payload: { plan: 'pro', email: 'ada@acme.io' } },
    );
    const other = await storeRawEvent({ sql, keyring }, { ...base, payload: { email: 'bob@acme.io' } });

    // Assess
    expect([first.stored, sameContent.stored, other.stored]).toEqual([true, false, true]);
    expect(sameContent.sha256).toBe(first.sha256);
    const stored = await sql.db
      .selectFrom('raw_events')
      .select('payload_cipher')
      .where('site_id', '=', tenant.siteId)
      .execute();
    expect(stored).toHaveLength(2);
    for (const row of stored) expect(Buffer.from(row.payload_cipher).toString('latin1')).not.toContain('acme.io');
  });
});

function ids(tenant: { organizationId: string; siteId: string }) {
  return { organization_id: tenant.organizationId, site_id: tenant.siteId };
}
