import { type RawBuilder, sql as raw } from 'kysely';
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

interface OwnRows {
  readonly org: string;
  readonly site: string;
  /** The organization's own site, whichever `site` is. */
  readonly ownSite: string;
  readonly personA: string;
  readonly personB: string;
  readonly identifierId: number;
  readonly linkId: number;
}

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

  // A row of one's own organization that names another's site: owner-run work trusts a row's site
  // (the lake erasure rewrites that site's files), and the row takes that site's unique keys.
  const FOREIGN_SITE_ROWS: Record<string, (own: OwnRows) => RawBuilder<unknown>> = {
    persons: (o) => raw`insert into persons (id, organization_id, site_id, first_seen_at)
      values (gen_random_uuid(), ${o.org}, ${o.site}, now())`,
    identifiers: (o) => raw`insert into identifiers (organization_id, site_id, type, value, first_seen_at)
      values (${o.org}, ${o.site}, 'anonymous_id', 'planted', now())`,
    identity_links: (
      o,
    ) => raw`insert into identity_links (organization_id, site_id, identifier_ids, first_observed_at, first_event_id)
      values (${o.org}, ${o.site}, array[${o.identifierId}::bigint, 9000000000000000000], now(), 'planted')`,
    identity_conflicts: (
      o,
    ) => raw`insert into identity_conflicts (organization_id, site_id, link_id, identifier_id, reason)
      values (${o.org}, ${o.site}, ${o.linkId}, ${o.identifierId}, 'planted')`,
    person_merges: (o) => raw`insert into person_merges (organization_id, site_id, from_person_id, into_person_id, rule)
      values (${o.org}, ${o.site}, ${o.personA}, ${o.personB}, 'planted')`,
    soft_signals: (
      o,
    ) => raw`insert into soft_signals (organization_id, site_id, kind, digest, person_id, first_seen_at, last_seen_at)
      values (${o.org}, ${o.site}, 'ip_user_agent', ${'0'.repeat(64)}, ${o.personA}, now(), now())`,
    soft_links: (o) => raw`insert into soft_links (organization_id, site_id, person_a, person_b)
      values (${o.org}, ${o.site}, ${o.personA}, ${o.personB})`,
    // Evidence of a link of one's own site, naming the other site.
    soft_link_evidence: (o) => raw`with link as (
        insert into soft_links (organization_id, site_id, person_a, person_b)
        values (${o.org}, ${o.ownSite}, ${o.personA}, ${o.personB}) returning id)
      insert into soft_link_evidence (organization_id, site_id, link_id, kind, window_start, first_seen_at,
        last_seen_at)
      select ${o.org}, ${o.site}, link.id, 'email_variant', 'epoch', now(), now() from link`,
    sessions: (
      o,
    ) => raw`insert into sessions (organization_id, site_id, session_id, person_id, started_at, last_event_at)
      values (${o.org}, ${o.site}, 'planted', ${o.personA}, now(), now())`,
    events: (o) => raw`insert into events (organization_id, site_id, event_id, occurred_at, person_id, type)
      values (${o.org}, ${o.site}, 'planted', now(), ${o.personA}, 'page')`,
    raw_events: (
      o,
    ) => raw`insert into raw_events (organization_id, site_id, sha256, event_id, received_at, payload_cipher)
      values (${o.org}, ${o.site}, sha256('planted'), 'planted', now(), '\\x00')`,
    lake_erasures: (o) => raw`insert into lake_erasures (organization_id, site_id, person_id, anonymous_ids, user_ids)
      values (${o.org}, ${o.site}, ${o.personA}, array['shared-device'], array[]::text[])`,
    erased_identifiers: (o) => raw`insert into erased_identifiers (organization_id, site_id, digest, erased_at)
      values (${o.org}, ${o.site}, ${'0'.repeat(64)}, now())`,
    postback_settings: (o) => raw`insert into postback_settings (site_id, organization_id, token_hash)
      values (${o.site}, ${o.org}, ${'0'.repeat(64)})`,
    affiliates: (o) =>
      raw`insert into affiliates (organization_id, site_id, id, name) values (${o.org}, ${o.site}, 'planted', 'planted')`,
    tracked_links: (o) => raw`insert into tracked_links (id, organization_id, site_id, destination)
      values ('planted', ${o.org}, ${o.site}, 'https://example.com/')`,
    conversions: (
      o,
    ) => raw`insert into conversions (organization_id, site_id, network, transaction_id, status, event_name,
        occurred_at, raw_payload, received_at, updated_at)
      values (${o.org}, ${o.site}, 'generic', 'planted', 'approved', 'sale', now(), '{}', now(), now())`,
  };

  it.each(Object.keys(FOREIGN_SITE_ROWS))("refuses %s rows naming another organization's site", async (table) => {
    // Prepare
    const own = await withOrganization(sql, a.organizationId, async (trx) => {
      const persons = await trx.selectFrom('persons').select('id').orderBy('id').limit(2).execute();
      const identifier = await trx.selectFrom('identifiers').select('id').limit(1).executeTakeFirstOrThrow();
      const link = await trx.selectFrom('identity_links').select('id').limit(1).executeTakeFirstOrThrow();
      return { persons, identifierId: identifier.id, linkId: link.id };
    });
    const row = FOREIGN_SITE_ROWS[table] as (own: OwnRows) => RawBuilder<unknown>;
    const ownRows = (site: string): OwnRows => ({
      org: a.organizationId,
      site,
      ownSite: a.siteId,
      personA: own.persons[0]?.id as string,
      personB: own.persons[1]?.id as string,
      identifierId: Number(own.identifierId),
      linkId: Number(own.linkId),
    });

    // The same row is valid in its own site (written, then rolled back).
    const writingOwn = withOrganization(sql, a.organizationId, async (trx) => {
      await row(ownRows(a.siteId)).execute(trx);
      throw new Error('rolled back');
    });
    await expect(writingOwn).rejects.toThrow('rolled back');

    // Act
    const planting = withOrganization(sql, a.organizationId, (trx) => row(ownRows(b.siteId)).execute(trx));

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
      expect.arrayContaining([...TENANT_TABLES, 'soft_links', 'soft_link_evidence', 'raw_events']),
    );
    expect(rows.filter((r) => !r.rls)).toEqual([]);
  });

  it('reads the organization once per statement on every tenant table, not once per row', async () => {
    // Act
    const { rows } = await raw<{ table_name: string; qual: string }>`
      select tablename as table_name, qual from pg_policies where schemaname = 'public'`.execute(sql.db);

    // Assess
    expect(rows.length).toBeGreaterThanOrEqual(TENANT_TABLES.length);
    expect(
      rows.filter((r) => !/\(\s*select\s*\(?\s*nullif\(current_setting/i.test(r.qual)).map((r) => r.table_name),
    ).toEqual([]);
  });

  it('searches the temporary schema last in every security-definer function', async () => {
    // Act
    const { rows } = await raw<{ name: string; config: string[] | null }>`
      select p.proname as name, p.proconfig as config from pg_proc p
      join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.prosecdef`.execute(sql.db);

    // Assess
    expect(rows.length).toBeGreaterThanOrEqual(6);
    const unsafe = rows.filter(
      (r) => !(r.config ?? []).some((c) => /^search_path=.*pg_temp$/.test(c.replaceAll('"', ''))),
    );
    expect(unsafe.map((r) => r.name)).toEqual([]);
  });

  it('plans an organization created after the last ANALYZE for its share of a table, not for no rows', async () => {
    // Prepare: statistics that know only the organizations so far, then a new one with an identifier
    await raw`analyze identifiers`.execute(sql.db);
    const late = await createTenant(sql, 'tenant-late');
    await resolver.resolve(observationOf(late, [{ type: 'anonymous_id', value: 'newcomer' }]));

    // Act
    const plan = await withOrganization(sql, late.organizationId, async (trx) => {
      const { rows } = await raw<{ 'QUERY PLAN': unknown }>`explain (format json) select * from identifiers`.execute(
        trx,
      );
      const explained = rows[0]?.['QUERY PLAN'];
      return (typeof explained === 'string' ? JSON.parse(explained) : explained) as { Plan: { 'Plan Rows': number } }[];
    });

    // Assess: the planner's average organization (the rows over the organizations it knows), not 1
    expect(plan[0]?.Plan['Plan Rows']).toBeGreaterThan(1);
  });

  it("checks a new row's site against the organization's sites on every table that has a site_id", async () => {
    // Act
    const { rows } = await raw<{ table_name: string; with_check: string | null }>`
      select c.relname as table_name, p.with_check
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'site_id' and not a.attisdropped
      left join pg_policies p on p.schemaname = n.nspname and p.tablename = c.relname
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition`.execute(sql.db);

    // Assess
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(Object.keys(FOREIGN_SITE_ROWS)));
    expect(rows.filter((r) => !/from sites/i.test(r.with_check ?? '')).map((r) => r.table_name)).toEqual([]);
  });
});
