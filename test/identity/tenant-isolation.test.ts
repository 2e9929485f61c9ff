import { sql as raw } from 'kysely';
import { withOrganization } from '../../lambdas/db/tenant';
import { createResolver, type Resolver } from '../../lambdas/identity/resolver';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant, createTestKeyring, ENGINES, observationOf, openDatabase } from './support/identity-fixture';

const TENANT_TABLES = [
  'persons',
  'person_keys',
  'identifiers',
  'identity_links',
  'identity_conflicts',
  'person_merges',
  'person_traits',
  'companies',
  'person_companies',
  'soft_signals',
  'sessions',
  'events',
  'identity_organization_keys',
] as const;

describe.each(ENGINES)('identity tenant isolation on %s', (engine) => {
  let sql: Sql;
  let cleanup: () => void;
  let a: { organizationId: string; siteId: string };
  let b: { organizationId: string; siteId: string };
  let personOfB: string;
  let resolver: Resolver;

  beforeAll(async () => {
    ({ sql } = await openDatabase(engine));
    const keys = createTestKeyring(sql);
    cleanup = keys.cleanup;
    resolver = createResolver({ sql, keyring: keys.keyring });
    a = await createTenant(sql, 'tenant-a');
    b = await createTenant(sql, 'tenant-b');
    for (const tenant of [a, b]) {
      await resolver.resolve(
        observationOf(tenant, [{ type: 'anonymous_id', value: 'shared-device' }], {
          event: { type: 'page', sessionId: 's1' },
          ip: '203.0.113.9',
          userAgent: 'ua',
        }),
      );
      const login = await resolver.resolve(
        observationOf(
          tenant,
          [
            { type: 'anonymous_id', value: 'shared-device' },
            { type: 'user_id', value: 'same-user-id' },
            { type: 'email', value: 'ada@acme.io' },
          ],
          { traits: { $set: { plan: 'pro' } }, event: { type: 'identify' } },
        ),
      );
      if (tenant === b) personOfB = login.personId as string;
      // A second device merged in, and a second user on the first device (a conflict).
      await resolver.resolve(observationOf(tenant, [{ type: 'anonymous_id', value: 'phone' }]));
      await resolver.resolve(
        observationOf(tenant, [
          { type: 'anonymous_id', value: 'phone' },
          { type: 'user_id', value: 'same-user-id' },
        ]),
      );
      await resolver.resolve(
        observationOf(tenant, [
          { type: 'anonymous_id', value: 'shared-device' },
          { type: 'user_id', value: 'another-user-id' },
        ]),
      );
    }
  });
  afterAll(async () => {
    await sql.close();
    cleanup();
  });

  it.each(TENANT_TABLES)("shows one organization none of another's %s", async (table) => {
    // Prepare
    const ownRows = await withOrganization(sql, b.organizationId, (trx) =>
      raw<{ organization_id: string }>`select organization_id from ${raw.table(table)}`.execute(trx),
    );

    // Act
    const visibleToA = await withOrganization(sql, a.organizationId, (trx) =>
      raw<{ organization_id: string }>`select organization_id from ${raw.table(table)}`.execute(trx),
    );

    // Assess
    expect(ownRows.rows.length).toBeGreaterThan(0);
    expect(visibleToA.rows.length).toBeGreaterThan(0);
    expect(visibleToA.rows.every((r) => r.organization_id === a.organizationId)).toBe(true);
  });

  it("keeps one organization from changing or deleting another's persons and identifiers", async () => {
    // Act
    const updated = await withOrganization(sql, a.organizationId, (trx) =>
      trx.updateTable('persons').set({ erased_at: new Date() }).where('id', '=', personOfB).executeTakeFirst(),
    );
    const deleted = await withOrganization(sql, a.organizationId, (trx) =>
      trx.deleteFrom('identifiers').where('organization_id', '=', b.organizationId).executeTakeFirst(),
    );

    // Assess
    expect(Number(updated.numUpdatedRows)).toBe(0);
    expect(Number(deleted.numDeletedRows)).toBe(0);
    const person = await sql.db
      .selectFrom('persons')
      .select('erased_at')
      .where('id', '=', personOfB)
      .executeTakeFirstOrThrow();
    expect(person.erased_at).toBeNull();
  });

  it("refuses to plant rows in another organization's name", async () => {
    // Act
    const planting = withOrganization(sql, a.organizationId, (trx) =>
      trx
        .insertInto('identifiers')
        .values({
          organization_id: b.organizationId,
          site_id: b.siteId,
          type: 'anonymous_id',
          value: 'planted',
          first_seen_at: new Date(),
        })
        .execute(),
    );

    // Assess
    await expect(planting).rejects.toThrow(/row-level security/);
  });

  it('resolves nothing into a site of another organization', async () => {
    // Prepare
    const forged = {
      ...observationOf(b, [{ type: 'anonymous_id', value: 'forged' }]),
      organizationId: a.organizationId,
    };

    // Act
    const resolving = resolver.resolve(forged);

    // Assess
    await expect(resolving).rejects.toMatchObject({ name: 'ValidationError', field: 'siteId' });
  });

  it('shows identity_map rows of the current organization only', async () => {
    // Act
    const rows = await withOrganization(sql, a.organizationId, (trx) =>
      trx.selectFrom('identity_map').select(['site_id']).execute(),
    );

    // Assess
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.site_id))).toEqual(new Set([a.siteId]));
  });

  it('enables row-level security on every table that has an organization_id', async () => {
    // Act
    const { rows } = await raw<{ table_name: string; rls: boolean }>`
      select c.relname as table_name, c.relrowsecurity as rls
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'organization_id' and not a.attisdropped
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition`.execute(sql.db);

    // Assess
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([...TENANT_TABLES, 'soft_links', 'raw_events']),
    );
    expect(rows.filter((r) => !r.rls)).toEqual([]);
  });
});
