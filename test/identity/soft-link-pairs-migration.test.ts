import { Migrator, sql as raw } from 'kysely';
import { createPGliteSql, createPostgresSql } from '../../lambdas/adapters/sql/create-sql';
import { migrations } from '../../lambdas/db/migrations';
import { listSoftLinks } from '../../lambdas/identity/soft-link-listing';
import type { Sql } from '../../lambdas/ports/sql';
import { createTestDatabase } from '../support/postgres';
import { createTenant, ENGINES, type Engine } from './support/identity-fixture';

/** The migrator `migrateToLatest` uses, to stop before a migration and step back over one. */
function migratorOf(sql: Sql): Migrator {
  return new Migrator({
    db: sql.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'sightline_migrations',
    migrationLockTableName: 'sightline_migrations_lock',
  });
}

async function emptyDatabase(engine: Engine): Promise<Sql> {
  if (engine === 'PGlite (embedded)') return createPGliteSql();
  return createPostgresSql({ connectionString: await createTestDatabase(), maxConnections: 2 });
}

describe.each(ENGINES)('migration 0033 (one soft link per pair) on %s', (engine) => {
  let sql: Sql;
  afterEach(async () => {
    await sql?.close();
  });

  /** Three persons; links stored per rule: A–B by inbox (open) and by network (rejected), A–C by network. */
  const seedBefore0033 = async () => {
    sql = await emptyDatabase(engine);
    const migrated = await migratorOf(sql).migrateTo('0032-soft-signal-windows');
    expect(migrated.error).toBeUndefined();
    const tenant = await createTenant(sql);
    const { rows } = await raw<{ id: string }>`
      insert into persons (id, organization_id, site_id, first_seen_at)
      select gen_random_uuid(), ${tenant.organizationId}::uuid, ${tenant.siteId}::uuid, now()
      from generate_series(1, 3) returning id`.execute(sql.db);
    const [a, b, c] = rows.map((r) => r.id).sort() as [string, string, string];
    await raw`
      insert into soft_links (organization_id, site_id, person_a, person_b, rule, score, evidence, status, created_at,
        updated_at)
      values
        (${tenant.organizationId}::uuid, ${tenant.siteId}::uuid, ${a}::uuid, ${b}::uuid, 'email_variant', 0.85,
          '{"signal":"email_variant"}', 'open', '2026-11-01T09:00:00Z', '2026-11-02T09:00:00Z'),
        (${tenant.organizationId}::uuid, ${tenant.siteId}::uuid, ${a}::uuid, ${b}::uuid, 'ip_user_agent', 0.35,
          '{"signal":"ip_user_agent","windowMinutes":30}', 'rejected', '2026-11-03T09:00:00Z', '2026-11-04T09:00:00Z'),
        (${tenant.organizationId}::uuid, ${tenant.siteId}::uuid, ${a}::uuid, ${c}::uuid, 'ip_user_agent', 0.35,
          '{"signal":"ip_user_agent","windowMinutes":30}', 'open', '2026-11-05T09:00:00Z', '2026-11-05T09:00:00Z')
    `.execute(sql.db);
    return { tenant, a, b, c };
  };

  it('merges the links of a pair into one, with the evidence of each and the decided status', async () => {
    // Prepare
    const { tenant, a, b, c } = await seedBefore0033();

    // Act
    const migrated = await migratorOf(sql).migrateToLatest();

    // Assess
    expect(migrated.error).toBeUndefined();
    const rejected = await listSoftLinks(sql, { ...tenant, status: 'rejected' });
    expect(rejected.links).toEqual([
      {
        id: expect.any(Number),
        siteId: tenant.siteId,
        personA: a,
        personB: b,
        score: 0.9,
        evidence: [
          {
            kind: 'email_variant',
            windows: 1,
            firstSeenAt: '2026-11-01T09:00:00.000Z',
            lastSeenAt: '2026-11-02T09:00:00.000Z',
          },
          {
            kind: 'ip_user_agent',
            windows: 1,
            firstSeenAt: '2026-11-03T09:00:00.000Z',
            lastSeenAt: '2026-11-04T09:00:00.000Z',
          },
        ],
        status: 'rejected',
        createdAt: '2026-11-01T09:00:00.000Z',
        decidedBy: null,
        decidedAt: '2026-11-04T09:00:00.000Z',
      },
    ]);
    const open = await listSoftLinks(sql, tenant);
    expect(open.links.map((l) => [l.personA, l.personB, l.score, l.status])).toEqual([[a, c, 0.35, 'open']]);
    const { rows } = await raw<{ n: string }>`select count(*) as n from soft_links`.execute(sql.db);
    expect(Number(rows[0]?.n)).toBe(2);
  });

  it('steps back to one link per pair and rule', async () => {
    // Prepare
    const { a, b, c } = await seedBefore0033();
    await migratorOf(sql).migrateToLatest();

    // Act
    const stepped = await migratorOf(sql).migrateTo('0032-soft-signal-windows');

    // Assess
    expect(stepped.error).toBeUndefined();
    const { rows } = await raw<{ person_a: string; person_b: string; rule: string; score: number; status: string }>`
      select person_a, person_b, rule, score, status from soft_links order by person_b, rule`.execute(sql.db);
    expect(rows.map((r) => [r.person_a, r.person_b, r.rule, Number(r.score.toFixed(2)), r.status])).toEqual([
      [a, b, 'email_variant', 0.85, 'rejected'],
      [a, b, 'ip_user_agent', 0.35, 'rejected'],
      [a, c, 'ip_user_agent', 0.35, 'open'],
    ]);
  });
});
