import { sql as raw } from 'kysely';
import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createPostgresSql } from '../../lambdas/adapters/sql/create-sql';
import { listCompanies } from '../../lambdas/api/persons/company-list';
import { personDetail } from '../../lambdas/api/persons/person-detail';
import { listPersons } from '../../lambdas/api/persons/person-list';
import { softLinkPage } from '../../lambdas/api/persons/soft-link-list';
import { withOrganization } from '../../lambdas/db/tenant';
import type { OrganizationKeyring } from '../../lambdas/identity/crypto/organization-keys';
import { erasePerson } from '../../lambdas/identity/erase-person';
import { exportPerson } from '../../lambdas/identity/export-person';
import { lookupPerson } from '../../lambdas/identity/lookup-person';
import { createResolver } from '../../lambdas/identity/resolver';
import { LOCAL_DATABASE } from '../../lambdas/lake/named-queries';
import { deleteExpiredRows } from '../../lambdas/lifecycle/database-retention';
import type { Sql } from '../../lambdas/ports/sql';
import { makeTempDir } from '../support/temp-dir';
import { createTenant, createTestKeyring, ENGINES, openDatabase } from './support/identity-fixture';
import { generateVisitors } from './support/synthetic-visitors';

/** The tables identity resolution and the person views read. */
const TABLES = [
  'persons',
  'identifiers',
  'identity_links',
  'identity_conflicts',
  'person_keys',
  'person_traits',
  'person_companies',
  'person_merges',
  'soft_signals',
  'soft_links',
  'soft_link_evidence',
  'sessions',
  'raw_events',
  'events',
] as const;
type Table = (typeof TABLES)[number];

/**
 * Rows each table has handed to statements so far (sequential and index reads), as the statistics
 * count them; `events` is the sum of its monthly partitions.
 */
async function rowsReadSoFar(sql: Sql): Promise<Map<Table, number>> {
  // Counts reach the statistics when the backend goes idle; this forces it at the next chance.
  await raw`select pg_stat_force_next_flush()`.execute(sql.db);
  const { rows } = await raw<{ table: Table; read: string }>`
    select case when relname like 'events\\_%' then 'events' else relname end as table,
      sum(seq_tup_read + coalesce(idx_tup_fetch, 0)) as read
    from pg_stat_user_tables
    where relname in (${raw.join(TABLES.map((t) => raw.lit(t)))}) or relname like 'events\\_%'
    group by 1`.execute(sql.db);
  return new Map(rows.map((r) => [r.table, Number(r.read)]));
}

/**
 * `count` persons of `tenant` with a row in every table of `TABLES`, written in one statement as the
 * owner: enough rows that reading a whole table costs the planner more than probing an index.
 */
async function addFillerPersons(sql: Sql, tenant: { organizationId: string; siteId: string }, count: number) {
  const org = raw`${tenant.organizationId}::uuid`;
  const site = raw`${tenant.siteId}::uuid`;
  await raw`
    with p as (
      insert into persons (id, organization_id, site_id, first_seen_at)
      select gen_random_uuid(), ${org}, ${site}, now() - interval '1 day' from generate_series(1, ${count}::int)
      returning id
    ), numbered as (select id, row_number() over (order by id) as n from p),
    pairs as (select a.id as a, b.id as b from numbered a join numbered b on b.n = a.n + 1 where a.n % 2 = 1),
    keys as (insert into person_keys (person_id, organization_id, wrapped_key) select id, ${org}, '\\x00'::bytea from p),
    ids as (
      insert into identifiers (organization_id, site_id, type, value, person_id, first_seen_at)
      select ${org}, ${site}, 'anonymous_id', 'filler-' || id, id, now() from p
      returning id, person_id
    ), links as (
      insert into identity_links (organization_id, site_id, identifier_ids, first_observed_at, first_event_id)
      select ${org}, ${site}, array[id], now(), 'filler-' || id from ids
      returning id, identifier_ids[1] as identifier_id
    ), conflicts as (
      insert into identity_conflicts (organization_id, site_id, link_id, identifier_id, reason, person_ids)
      select ${org}, ${site}, l.id, l.identifier_id, 'limit:user_id', array[i.person_id]
      from links l join ids i on i.id = l.identifier_id
    ), traits as (
      insert into person_traits (person_id, source_identifier_id, organization_id, key, mode, value, digest, observed_at)
      select person_id, id, ${org}, 'plan', 'set', '"filler"', repeat('0', 64), now() from ids
    ), company as (
      insert into companies (organization_id, domain) values (${org}, 'filler.example') returning id
    ), works_at as (
      insert into person_companies (person_id, source_identifier_id, company_id, organization_id, source, first_seen_at)
      select ids.person_id, ids.id, company.id, ${org}, 'observation', now() from ids cross join company
    ), merges as (
      insert into person_merges (organization_id, site_id, from_person_id, into_person_id, rule)
      select ${org}, ${site}, a, b, 'filler' from pairs
    ), signals as (
      insert into soft_signals (organization_id, site_id, kind, digest, person_id, first_seen_at, last_seen_at)
      select ${org}, ${site}, 'ip_user_agent', encode(sha256(id::text::bytea), 'hex'), id, now(), now() from p
    ), soft as (
      insert into soft_links (organization_id, site_id, person_a, person_b)
      select ${org}, ${site}, least(a, b), greatest(a, b) from pairs returning id
    ), soft_evidence as (
      insert into soft_link_evidence (organization_id, site_id, link_id, kind, window_start, first_seen_at,
        last_seen_at)
      select ${org}, ${site}, id, 'ip_user_agent', 'epoch', now(), now() from soft
    ), visits as (
      insert into sessions (organization_id, site_id, session_id, person_id, started_at, last_event_at)
      select ${org}, ${site}, 'filler-' || id, id, now(), now() from p
    ), slim as (
      insert into events (organization_id, site_id, event_id, occurred_at, person_id, session_id, type)
      select ${org}, ${site}, 'filler-' || id, now(), id, 'filler-' || id, 'page' from p
    ), raws as (
      insert into raw_events (organization_id, site_id, sha256, event_id, received_at, payload_cipher, person_id)
      select ${org}, ${site}, sha256(id::text::bytea), 'filler-' || id, now(), '\\x00'::bytea, id from p
    )
    select count(*) as persons from p`.execute(sql.db);
}

describe.each(ENGINES)(
  'rows read by identity statements, in a small organization next to a large one, on %s',
  (engine) => {
    let sql: Sql;
    /** One connection, so that the statistics read are those of the statements measured. */
    let measured: Sql;
    let keyring: OrganizationKeyring;
    let cleanup: () => void;
    const small = { organizationId: '', siteId: '' };
    const large = { organizationId: '', siteId: '' };
    /** Rows the other, larger organization holds in each table. */
    const held = new Map<Table, number>();

    beforeAll(async () => {
      const opened = await openDatabase(engine);
      sql = opened.sql;
      const keys = createTestKeyring(sql);
      keyring = keys.keyring;
      cleanup = keys.cleanup;
      // Prepare: a large organization (100 people: ~1,300 events, and 10,000 more persons written
      // directly) and a small one (12 people), both resolved from the synthetic visitors (merges,
      // conflicts, traits, companies, soft links).
      const resolver = createResolver({ sql, keyring });
      Object.assign(large, await createTenant(sql, 'large'));
      Object.assign(small, await createTenant(sql, 'small'));
      for (const [tenant, people, seed] of [
        [large, 100, 11],
        [small, 12, 12],
      ] as const) {
        const observations = generateVisitors({ people, seed, ...tenant }).observations;
        for (let i = 0; i < observations.length; i += 500) await resolver.resolveBatch(observations.slice(i, i + 500));
      }
      await addFillerPersons(sql, large, 10_000);
      for (const table of TABLES) {
        const { rows } = await raw<{ n: string }>`
        select count(*) as n from ${raw.table(table)} where organization_id = ${large.organizationId}::uuid`.execute(
          sql.db,
        );
        held.set(table, Number(rows[0]?.n));
      }
      await raw`analyze`.execute(sql.db);
      measured = opened.url ? createPostgresSql({ connectionString: opened.url, maxConnections: 1 }) : sql;
      // Plans as a large table gets them: no sequential scans, no hash or merge joins (each of which
      // reads a whole table), so a condition that cannot use an index shows as rows read.
      for (const setting of ['enable_seqscan', 'enable_hashjoin', 'enable_mergejoin']) {
        await raw`select set_config(${setting}, 'off', false)`.execute(measured.db);
      }
    });
    afterAll(async () => {
      if (measured !== sql) await measured.close();
      await sql.close();
      cleanup();
    });

    /** Tables from which `work` read more than half as many rows as the large organization holds there. */
    async function tablesScannedBy(work: () => Promise<unknown>): Promise<string[]> {
      const before = await rowsReadSoFar(measured);
      await work();
      const after = await rowsReadSoFar(measured);
      return TABLES.filter((t) => (held.get(t) ?? 0) >= 2_000)
        .map((t) => ({ table: t, read: (after.get(t) ?? 0) - (before.get(t) ?? 0) }))
        .filter(({ table, read }) => read > (held.get(table) ?? 0) / 2)
        .map(({ table, read }) => `${table}: ${read} rows read of the ${held.get(table)} the large organization holds`);
    }

    const someone = async (identified: boolean) =>
      (await listPersons({ sql: measured, keyring }, { ...small, identified, limit: 1, offset: 0 })).rows[0]
        ?.id as string;

    it("holds large tables, so that a whole-table read shows (the statistics' counts are in reach)", async () => {
      expect(held.get('identifiers')).toBeGreaterThan(1_000);
      expect(held.get('soft_signals')).toBeGreaterThan(100);
      const before = await rowsReadSoFar(measured);
      // A column no index holds: an index-only scan of pages vacuum has marked all-visible (autovacuum
      // runs when it likes) would read the rows without the statistics counting them.
      await raw`select count(first_seen_at) from identifiers`.execute(measured.db);
      const after = await rowsReadSoFar(measured);
      expect((after.get('identifiers') ?? 0) - (before.get('identifiers') ?? 0)).toBeGreaterThanOrEqual(
        held.get('identifiers') ?? 0,
      );
    });

    it('lists persons, companies and soft links, and opens a person, reading only its own rows', async () => {
      const deps = { sql: measured, keyring };
      const page = { ...small, limit: 50, offset: 0 };
      expect(await tablesScannedBy(() => listPersons(deps, { ...page, identified: false }))).toEqual([]);
      expect(await tablesScannedBy(() => listPersons(deps, { ...page, identified: true }))).toEqual([]);
      expect(await tablesScannedBy(() => listCompanies(measured, page))).toEqual([]);
      expect(await tablesScannedBy(() => softLinkPage(deps, { ...page, status: 'open' }))).toEqual([]);
      const personId = await someone(true);
      expect(await tablesScannedBy(() => personDetail(deps, small.organizationId, personId))).toEqual([]);
      expect(await tablesScannedBy(() => softLinkPage(deps, { ...page, status: 'open', personId }))).toEqual([]);
      expect(
        await tablesScannedBy(() => lookupPerson(deps, { ...small, type: 'user_id', value: 'nobody-at-all' })),
      ).toEqual([]);
    });

    it('exports and erases a person reading only their rows', async () => {
      const access = { sql: measured, keyring };
      const personId = await someone(true);
      expect(
        await tablesScannedBy(() => exportPerson(access, { organizationId: small.organizationId, personId })),
      ).toEqual([]);
      expect(
        await tablesScannedBy(() => erasePerson(access, { organizationId: small.organizationId, personId })),
      ).toEqual([]);
      const erased = await withOrganization(measured, small.organizationId, (trx) =>
        trx.selectFrom('persons').select('erased_at').where('id', '=', personId).executeTakeFirstOrThrow(),
      );
      expect(erased.erased_at).not.toBeNull();
    });

    it('resolves new events of the small organization reading only its own rows, in batches and one by one', async () => {
      const resolver = createResolver({ sql: measured, keyring });
      const more = generateVisitors({ people: 4, seed: 13, ...small, start: Date.UTC(2026, 10, 20) }).observations;
      const half = Math.ceil(more.length / 2);
      let failed = 0;
      expect(
        await tablesScannedBy(async () => {
          for (const outcome of await resolver.resolveBatch(more.slice(0, half))) if (!outcome.ok) failed++;
        }),
      ).toEqual([]);
      expect(
        await tablesScannedBy(async () => {
          for (const observation of more.slice(half)) await resolver.resolve(observation);
        }),
      ).toEqual([]);
      expect(failed).toBe(0);
    });

    it('resolves new events of the large organization reading the rows they touch, not its whole tables', async () => {
      const resolver = createResolver({ sql: measured, keyring });
      const more = generateVisitors({ people: 4, seed: 14, ...large, start: Date.UTC(2026, 10, 21) }).observations;
      const half = Math.ceil(more.length / 2);
      expect(
        await tablesScannedBy(async () => {
          for (const outcome of await resolver.resolveBatch(more.slice(0, half))) expect(outcome.ok).toBe(true);
        }),
      ).toEqual([]);
      expect(
        await tablesScannedBy(async () => {
          for (const observation of more.slice(half)) await resolver.resolve(observation);
        }),
      ).toEqual([]);
    });

    it('enforces retention on the small organization reading only its own rows (run last: it erases its persons)', async () => {
      const temp = makeTempDir('sightline-rows-read-lake-');
      const analytics = await createDuckDbAnalytics({ lakeDir: `${temp.dir}/lake` });
      try {
        const deps = {
          sql: measured,
          keyring,
          lake: createLocalObjectStore({ root: `${temp.dir}/lake` }),
          analytics,
          analyticsDatabase: LOCAL_DATABASE,
        };
        let report: Awaited<ReturnType<typeof deleteExpiredRows>> | undefined;
        expect(
          await tablesScannedBy(async () => {
            report = await deleteExpiredRows(deps, small, new Date(Date.UTC(2026, 11, 31)));
          }),
        ).toEqual([]);
        expect(report?.personsErased).toBeGreaterThan(0);
      } finally {
        await analytics.close();
        temp.cleanup();
      }
    });
  },
);
