import { sql as raw } from 'kysely';
import { withOrganization } from '../../lambdas/db/tenant';
import type { OrganizationKeyring } from '../../lambdas/identity/crypto/organization-keys';
import { loadPersonProfile, loadPersonProfiles } from '../../lambdas/identity/person-profile';
import { createResolver, type Resolver } from '../../lambdas/identity/resolver';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant, createTestKeyring, ENGINES, observationOf, openDatabase } from './support/identity-fixture';

describe.each(ENGINES)('person profiles loaded a page at a time on %s', (engine) => {
  let sql: Sql;
  let keyring: OrganizationKeyring;
  let resolver: Resolver;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ sql } = await openDatabase(engine));
    const keys = createTestKeyring(sql);
    keyring = keys.keyring;
    cleanup = keys.cleanup;
    resolver = createResolver({ sql, keyring, softLinks: false });
  });
  afterAll(async () => {
    await sql.close();
    cleanup();
  });

  it('gives each person exactly the profile loaded alone: identifiers, traits, companies, merges and conflicts stay with their person', async () => {
    // Prepare: Ada on two devices merged by her e-mail, with traits and a company; Bob with his own
    // login and traits; a family computer both sign in on (a conflict naming both); Cy, anonymous.
    const tenant = await createTenant(sql);
    const seen = (identifiers: Parameters<typeof observationOf>[1], extra: Parameters<typeof observationOf>[2] = {}) =>
      resolver.resolve(observationOf(tenant, identifiers, extra));
    const ada = await seen(
      [
        { type: 'anonymous_id', value: 'ada-laptop' },
        { type: 'user_id', value: 'ada' },
        { type: 'email', value: 'ada@acme.io' },
      ],
      { traits: { $set: { plan: 'pro', firstName: 'Ada' } }, company: { domain: 'acme.io', name: 'Acme' } },
    );
    await seen([{ type: 'anonymous_id', value: 'ada-phone' }]);
    await seen([
      { type: 'anonymous_id', value: 'ada-phone' },
      { type: 'email', value: 'ada@acme.io' },
    ]);
    const bob = await seen(
      [
        { type: 'anonymous_id', value: 'bob-laptop' },
        { type: 'user_id', value: 'bob' },
        { type: 'phone', value: '+44 20 7946 0000' },
      ],
      { traits: { $set: { plan: 'free' }, $set_once: { initial_utm_source: 'ads' } } },
    );
    await seen([
      { type: 'anonymous_id', value: 'family-pc' },
      { type: 'user_id', value: 'ada' },
    ]);
    await seen([
      { type: 'anonymous_id', value: 'family-pc' },
      { type: 'user_id', value: 'bob' },
    ]);
    const cy = await seen([{ type: 'anonymous_id', value: 'cy-tablet' }]);
    const ids = [ada.personId, bob.personId, cy.personId].map((id) => id as string);

    // Act
    const { together, alone, merged } = await withOrganization(sql, tenant.organizationId, async (trx) => {
      const keys = await keyring.keysFor(tenant.organizationId);
      const phonePerson = await trx
        .selectFrom('persons')
        .select('id')
        .where('merged_into', 'is not', null)
        .where('site_id', '=', tenant.siteId)
        .execute();
      return {
        together: await loadPersonProfiles(trx, keys, tenant.organizationId, [...ids, ...phonePerson.map((p) => p.id)]),
        alone: await Promise.all(ids.map((id) => loadPersonProfile(trx, keys, tenant.organizationId, id))),
        merged: phonePerson.map((p) => p.id),
      };
    });

    // Assess
    expect([...together.keys()].sort()).toEqual([...ids].sort()); // a merged person is no profile of its own
    expect(merged).toHaveLength(1);
    ids.forEach((id, i) => {
      expect(together.get(id)).toEqual(alone[i]);
    });
    const adaProfile = together.get(ids[0] as string);
    const bobProfile = together.get(ids[1] as string);
    expect(adaProfile?.mergedFrom).toEqual(merged);
    expect(adaProfile?.merges).toHaveLength(1);
    expect(bobProfile?.merges).toEqual([]);
    expect(adaProfile?.traits).toEqual({ plan: 'pro', firstName: 'Ada' });
    expect(bobProfile?.traits).toEqual({ plan: 'free', initial_utm_source: 'ads' });
    expect(adaProfile?.companies.map((c) => c.domain)).toEqual(['acme.io']);
    expect(bobProfile?.companies).toEqual([]);
    expect(bobProfile?.identifiers.find((i) => i.type === 'phone')?.value).toBe('+442079460000');
    expect(adaProfile?.identifiers.filter((i) => i.type === 'email').map((i) => i.value)).toEqual(['ada@acme.io']);
    expect(adaProfile?.conflicts.length).toBeGreaterThan(0);
    expect(bobProfile?.conflicts).toEqual(adaProfile?.conflicts);
    expect(together.get(ids[2] as string)?.conflicts).toEqual([]);
  });

  it("reads only the rows of the persons it loads, none of another organization's", async () => {
    // Prepare: another organization with 3,000 persons, each with an identifier in conflict (rows
    // written directly, as the owner), then two persons in conflict here (a family computer both
    // sign in on). Statistics taken, so that the planner sees the tables as they are.
    const other = await createTenant(sql);
    await raw`
      with people as (
        insert into persons (id, organization_id, site_id, first_seen_at)
        select gen_random_uuid(), ${other.organizationId}::uuid, ${other.siteId}::uuid, now()
        from generate_series(1, 3000)
        returning id
      ), made as (
        insert into identifiers (organization_id, site_id, type, value, person_id, first_seen_at)
        select ${other.organizationId}::uuid, ${other.siteId}::uuid, 'anonymous_id', 'device-' || p.id, p.id, now()
        from people p
        returning id, person_id
      ), linked as (
        insert into identity_links (organization_id, site_id, identifier_ids, first_observed_at, first_event_id)
        select ${other.organizationId}::uuid, ${other.siteId}::uuid, array[m.id], now(), 'bulk-' || m.id from made m
        returning id, identifier_ids[1] as identifier_id
      )
      insert into identity_conflicts (organization_id, site_id, link_id, identifier_id, reason, person_ids)
      select ${other.organizationId}::uuid, ${other.siteId}::uuid, l.id, l.identifier_id, 'limit:user_id',
        array[m.person_id]
      from linked l join made m on m.id = l.identifier_id`.execute(sql.db);
    const tenant = await createTenant(sql);
    const seen = (identifiers: Parameters<typeof observationOf>[1]) =>
      resolver.resolve(observationOf(tenant, identifiers));
    const ann = await seen([
      { type: 'anonymous_id', value: 'ann-laptop' },
      { type: 'user_id', value: 'ann' },
    ]);
    await seen([
      { type: 'anonymous_id', value: 'shared-pc' },
      { type: 'user_id', value: 'ann' },
    ]);
    const ben = await seen([
      { type: 'anonymous_id', value: 'shared-pc' },
      { type: 'user_id', value: 'ben' },
    ]);
    const ids = [ann.personId, ben.personId].map((id) => id as string);
    await raw`analyze persons, identifiers, identity_links, identity_conflicts`.execute(sql.db);

    // Act: rows each table handed to the profile's statements.
    const { profiles, rowsRead } = await withOrganization(sql, tenant.organizationId, async (trx) => {
      // Counts not yet flushed to the statistics include earlier transactions: compare two readings.
      const counts = async () =>
        new Map(
          (
            await raw<{ table: string; read: string }>`
              select relname as table, seq_tup_read + coalesce(idx_tup_fetch, 0) as read from pg_stat_xact_user_tables
              where relname in ('persons', 'identifiers', 'person_traits', 'person_companies', 'person_merges',
                'identity_conflicts')`.execute(trx)
          ).rows.map((r) => [r.table, Number(r.read)]),
        );
      const keys = await keyring.keysFor(tenant.organizationId);
      const before = await counts();
      const loaded = await loadPersonProfiles(trx, keys, tenant.organizationId, ids);
      const after = await counts();
      return {
        profiles: loaded,
        rowsRead: Object.fromEntries([...after].map(([table, read]) => [table, read - (before.get(table) ?? 0)])),
      };
    });

    // Assess: one conflict, two persons and their identifiers; nothing of the other organization.
    const conflicts = profiles.get(ids[0] as string)?.conflicts ?? [];
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.identifier.value).toBe('shared-pc');
    // Index probes fetch a few rows each; the other organization holds 3,000 of every kind.
    expect(Object.entries(rowsRead).filter(([, read]) => read > 20)).toEqual([]);
    expect(rowsRead.persons).toBeGreaterThan(0);
    expect(rowsRead.identifiers).toBeGreaterThan(0);
    expect(rowsRead.identity_conflicts).toBeGreaterThan(0);
  });
});
