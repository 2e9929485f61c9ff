import { sql as raw } from 'kysely';
import { createPGliteSql, createPostgresSql } from '../../lambdas/adapters/sql/create-sql';
import { migrateToLatest } from '../../lambdas/db/migrate';
import { migrations } from '../../lambdas/db/migrations';
import { withOrganization } from '../../lambdas/db/tenant';
import type { Sql } from '../../lambdas/ports/sql';
import { createTestDatabase } from '../support/postgres';

/** Migrations, transactions and row-level security behave the same on every engine that runs here. */
describe.each([
  ['PGlite (embedded)', async () => createPGliteSql()],
  ['PostgreSQL server', async () => createPostgresSql({ connectionString: await createTestDatabase() })],
])('Sql contract: %s', (_name, open) => {
  let sql: Sql;

  beforeAll(async () => {
    sql = await open();
    await migrateToLatest(sql);
  });
  afterAll(async () => {
    await sql.close();
  });

  const newOrganization = (name: string) =>
    sql.db.insertInto('organizations').values({ name }).returning('id').executeTakeFirstOrThrow();

  const newSite = (organizationId: string, key: string) =>
    sql.db
      .insertInto('sites')
      .values({
        organization_id: organizationId,
        name: key,
        domain: `${key}.example`,
        site_key: key,
        write_key_hash: `hash-${key}`,
        allowed_origins: JSON.stringify([`https://${key}.example`]),
        settings: JSON.stringify({ honorDnt: true }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();

  it('applies every migration, and a second run applies none', async () => {
    const applied = await sql.db
      .selectFrom(raw<{ name: string }>`sightline_migrations`.as('m'))
      .select('name')
      .execute();
    expect(applied.map((m) => m.name)).toEqual(Object.keys(migrations));
    const again = await migrateToLatest(sql);
    expect(again.results).toEqual([]);
  });

  it('round-trips JSON columns as values and counts as numbers', async () => {
    const org = await newOrganization('json');
    await newSite(org.id, 'json-site');
    const site = await sql.db
      .selectFrom('sites')
      .select(['allowed_origins', 'settings'])
      .where('site_key', '=', 'json-site')
      .executeTakeFirstOrThrow();
    expect(site.allowed_origins).toEqual(['https://json-site.example']);
    expect(site.settings).toEqual({ honorDnt: true });
    const { n } = await sql.db
      .selectFrom('sites')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site_key', '=', 'json-site')
      .executeTakeFirstOrThrow();
    expect(n).toBe(1);
  });

  it('rolls back every statement of a failed transaction', async () => {
    await expect(
      sql.db.transaction().execute(async (trx) => {
        await trx.insertInto('organizations').values({ name: 'rolled-back' }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const found = await sql.db.selectFrom('organizations').select('id').where('name', '=', 'rolled-back').execute();
    expect(found).toHaveLength(0);
  });

  it("keeps one organization from reading or changing another's rows", async () => {
    const a = await newOrganization('tenant-a');
    const b = await newOrganization('tenant-b');
    await newSite(a.id, 'site-of-a');
    const siteOfB = await newSite(b.id, 'site-of-b');

    const visibleToA = await withOrganization(sql, a.id, (trx) => trx.selectFrom('sites').select('site_key').execute());
    expect(visibleToA.map((s) => s.site_key)).toEqual(['site-of-a']);

    const updated = await withOrganization(sql, a.id, (trx) =>
      trx.updateTable('sites').set({ name: 'hijacked' }).where('id', '=', siteOfB.id).executeTakeFirst(),
    );
    expect(Number(updated.numUpdatedRows)).toBe(0);

    await expect(
      withOrganization(sql, a.id, (trx) =>
        trx
          .insertInto('sites')
          .values({
            organization_id: b.id,
            name: 'planted',
            domain: 'planted.example',
            site_key: 'planted',
            write_key_hash: 'hash-planted',
            allowed_origins: '[]',
            settings: '{}',
          })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const orgsVisibleToA = await withOrganization(sql, a.id, (trx) =>
      trx.selectFrom('organizations').select('name').execute(),
    );
    expect(orgsVisibleToA.map((o) => o.name)).toEqual(['tenant-a']);
  });

  it('sees no rows at all without an organization set', async () => {
    const rows = await sql.db.transaction().execute(async (trx) => {
      await raw`set local role sightline_app`.execute(trx);
      return trx.selectFrom('sites').select('id').execute();
    });
    expect(rows).toEqual([]);
  });
});
