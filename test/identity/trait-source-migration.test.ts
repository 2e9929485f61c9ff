import { Migrator, sql as raw } from 'kysely';
import { createPGliteSql } from '../../lambdas/adapters/sql/create-sql';
import { migrations } from '../../lambdas/db/migrations';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant } from './support/identity-fixture';

/** The migrator `migrateToLatest` uses, to stop before a migration and step back over one. */
function migratorOf(sql: Sql): Migrator {
  return new Migrator({
    db: sql.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'sightline_migrations',
    migrationLockTableName: 'sightline_migrations_lock',
  });
}

describe('migration 0028: traits and company links get the identifier that showed them', () => {
  let sql: Sql;
  afterEach(async () => {
    await sql?.close();
  });

  /** Ada (two identifiers, a merged person's traits folded into hers, as merges did) with a plan and a company. */
  const seedBefore0028 = async () => {
    sql = await createPGliteSql();
    const migrated = await migratorOf(sql).migrateTo('0027-lake-erasures');
    expect(migrated.error).toBeUndefined();
    const tenant = await createTenant(sql);
    const org = raw`${tenant.organizationId}::uuid`;
    const site = raw`${tenant.siteId}::uuid`;
    const { rows } = await raw<{ creator: number; ada: string }>`
      with ada as (
        insert into persons (id, organization_id, site_id, first_seen_at)
        values (gen_random_uuid(), ${org}, ${site}, now()) returning id
      ), ids as (
        insert into identifiers (organization_id, site_id, type, value, person_id, first_seen_at)
        select ${org}, ${site}, t.type, t.value, ada.id, now()
        from ada, (values ('anonymous_id', 'ada-laptop'), ('user_id', 'ada')) as t(type, value)
        returning id, value
      )
      select (select id from ids where value = 'ada-laptop') as creator, (select id from ada) as ada`.execute(sql.db);
    const { creator, ada } = rows[0] as { creator: number; ada: string };
    await raw`update persons set creator_identifier_id = ${creator} where id = ${ada}::uuid`.execute(sql.db);
    await raw`insert into person_traits (person_id, organization_id, key, mode, value, digest, observed_at)
      values (${ada}::uuid, ${org}, 'plan', 'set', '"pro"', repeat('a', 64), now()),
             (${ada}::uuid, ${org}, 'source', 'set_once', '"ads"', repeat('b', 64), now())`.execute(sql.db);
    await raw`with c as (insert into companies (organization_id, domain) values (${org}, 'acme.io') returning id)
      insert into person_companies (person_id, company_id, organization_id, source, first_seen_at)
      select ${ada}::uuid, c.id, ${org}, 'email_domain', now() from c`.execute(sql.db);
    return { ada, creator };
  };

  it("credits what a person held to its creator identifier, keeping it the person's", async () => {
    // Prepare
    const { ada, creator } = await seedBefore0028();

    // Act
    const migrated = await migratorOf(sql).migrateToLatest();

    // Assess
    expect(migrated.error).toBeUndefined();
    const { rows: traits } = await raw<{ person_id: string; source_identifier_id: string; key: string }>`
      select person_id, source_identifier_id, key from person_traits order by key`.execute(sql.db);
    expect(traits).toEqual([
      { person_id: ada, source_identifier_id: expect.anything(), key: 'plan' },
      { person_id: ada, source_identifier_id: expect.anything(), key: 'source' },
    ]);
    expect(traits.map((t) => Number(t.source_identifier_id))).toEqual([creator, creator]);
    const { rows: companies } = await raw<{ person_id: string; source_identifier_id: string }>`
      select person_id, source_identifier_id from person_companies`.execute(sql.db);
    expect(companies.map((c) => [c.person_id, Number(c.source_identifier_id)])).toEqual([[ada, creator]]);
  });

  it('steps back to one row per person and key, the best of them', async () => {
    // Prepare: after the migration, Ada's other identifier shows a later plan.
    const { ada } = await seedBefore0028();
    await migratorOf(sql).migrateToLatest();
    await raw`insert into person_traits (person_id, source_identifier_id, organization_id, key, mode, value, digest, observed_at)
      select person_id, i.id, organization_id, 'plan', 'set', '"team"', repeat('c', 64), now() + interval '1 hour'
      from identifiers i where i.value = 'ada'`.execute(sql.db);

    // Act
    const back = await migratorOf(sql).migrateTo('0027-lake-erasures');

    // Assess
    expect(back.error).toBeUndefined();
    const { rows } = await raw<{ person_id: string; key: string; value: unknown }>`
      select person_id, key, value from person_traits order by key`.execute(sql.db);
    expect(rows).toEqual([
      { person_id: ada, key: 'plan', value: 'team' },
      { person_id: ada, key: 'source', value: 'ads' },
    ]);
  });
});
