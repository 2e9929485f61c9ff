import { sql as raw } from 'kysely';
import { blindIndex } from '../../lambdas/identity/crypto/blind-index';
import type { OrganizationKeyring } from '../../lambdas/identity/crypto/organization-keys';
import type { IdentifierInput } from '../../lambdas/identity/identifier-types';
import { DEFAULT_IDENTITY_RULES, type IdentityRules } from '../../lambdas/identity/identity-rules';
import { lookupPerson } from '../../lambdas/identity/lookup-person';
import type { IdentityObservation } from '../../lambdas/identity/observation';
import { createResolver, type Resolver } from '../../lambdas/identity/resolver';
import type { Sql } from '../../lambdas/ports/sql';
import {
  createTenant,
  createTestKeyring,
  observationOf,
  openDatabase,
  type ResolvePath,
  resolveEach,
} from './support/identity-fixture';

type Tenant = { organizationId: string; siteId: string };
const MODES: readonly ResolvePath[] = ['one by one', 'in a batch'];

/**
 * Per-type limits, the merge cap and the region cap as the database ends up after resolution: the
 * persons (`identity_map`), the merges (`person_merges`) and the conflicts (`identity_conflicts`).
 */
describe('identity rules through the database', () => {
  let sql: Sql;
  let keyring: OrganizationKeyring;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ sql } = await openDatabase('PGlite (embedded)'));
    const keys = createTestKeyring(sql);
    keyring = keys.keyring;
    cleanup = keys.cleanup;
  });
  afterAll(async () => {
    await sql.close();
    cleanup();
  });

  const resolverWith = (rules: Partial<IdentityRules> = {}) =>
    createResolver({ sql, keyring, rules: { ...DEFAULT_IDENTITY_RULES, ...rules }, softLinks: false });

  const resolveAll = (resolver: Resolver, mode: ResolvePath, observations: readonly IdentityObservation[]) =>
    resolveEach(resolver, mode, observations);

  /** Observations of `sets`, one a second apart, in that order of event time. */
  const stream = (tenant: Tenant, sets: readonly (readonly IdentifierInput[])[]) => {
    const start = Date.UTC(2026, 10, 5);
    return sets.map((identifiers, i) => observationOf(tenant, identifiers, { observedAt: start + i * 1_000 }));
  };
  const anon = (value: string): IdentifierInput => ({ type: 'anonymous_id', value });

  const personOf = async (siteId: string, type: string, value: string) => {
    const { rows } = await raw<{ person_id: string }>`select person_id from identity_map
      where site_id = ${siteId}::uuid and identifier_type = ${type} and identifier_value = ${value}`.execute(sql.db);
    return rows[0]?.person_id;
  };
  const conflictsOf = async (siteId: string) => {
    const { rows } = await raw<{ reason: string; type: string; value: string; person_ids: string[] }>`
      select c.reason, i.type, i.value, c.person_ids from identity_conflicts c join identifiers i on i.id = c.identifier_id
      where c.site_id = ${siteId}::uuid order by c.id`.execute(sql.db);
    return rows.map((r) => ({ ...r, person_ids: [...r.person_ids].sort() }));
  };
  const mergesOf = (siteId: string) =>
    sql.db
      .selectFrom('person_merges')
      .select(['from_person_id', 'into_person_id', 'rule'])
      .where('site_id', '=', siteId)
      .execute();

  it('never merges two persons with different user ids in a batch either, and records the conflict', async () => {
    // Prepare: the one-by-one case is in resolver.test.ts.
    const tenant = await createTenant(sql);
    const pc = anon('shared-pc');
    const observations = stream(tenant, [
      [pc, { type: 'user_id', value: 'ada' }],
      [pc, { type: 'user_id', value: 'bob' }],
    ]);

    // Act
    await resolveAll(resolverWith(), 'in a batch', observations);

    // Assess
    const ada = await personOf(tenant.siteId, 'user_id', 'ada');
    const bob = await personOf(tenant.siteId, 'user_id', 'bob');
    expect(bob).not.toBe(ada);
    expect(await personOf(tenant.siteId, 'anonymous_id', 'shared-pc')).toBe(ada);
    expect(await conflictsOf(tenant.siteId)).toEqual([
      { reason: 'limit:user_id', type: 'anonymous_id', value: 'shared-pc', person_ids: [ada, bob].sort() },
    ]);
  });

  describe.each(MODES)('resolved %s', (mode) => {
    it('gives a person at most five e-mails: a sixth one seen with its user id is dropped and recorded', async () => {
      // Prepare: one user signing up, then changing their address five times.
      const tenant = await createTenant(sql);
      const addresses = [1, 2, 3, 4, 5, 6].map((n) => `ada.${n}@${mode.replaceAll(' ', '-')}.example`);
      const observations = stream(
        tenant,
        addresses.map((value): IdentifierInput[] => [
          { type: 'user_id', value: 'ada' },
          { type: 'email', value },
        ]),
      );
      const { indexKey } = await keyring.keysFor(tenant.organizationId);
      const indexOf = (address: string) => blindIndex(indexKey, 'email', address);

      // Act
      await resolveAll(resolverWith(), mode, observations);

      // Assess: the first five are the user's; the sixth stands alone, recorded against the user's person.
      const ada = await personOf(tenant.siteId, 'user_id', 'ada');
      const owners = await Promise.all(addresses.map((a) => personOf(tenant.siteId, 'email', indexOf(a))));
      expect(owners.slice(0, 5)).toEqual([ada, ada, ada, ada, ada]);
      expect(owners[5]).toEqual(expect.any(String));
      expect(owners[5]).not.toBe(ada);
      expect(await conflictsOf(tenant.siteId)).toEqual([
        { reason: 'limit:email', type: 'email', value: indexOf(addresses[5] as string), person_ids: [ada] },
      ]);
    });

    it('lists a user id conflict on both persons, the second login seen for the first time', async () => {
      // Prepare: Ada signs in on the family computer; Bob, never seen before, signs in on it too.
      const tenant = await createTenant(sql);
      const pc = anon('family-pc');
      const observations = stream(tenant, [
        [pc, { type: 'user_id', value: 'ada' }],
        [pc, { type: 'user_id', value: 'bob' }],
      ]);

      // Act
      await resolveAll(resolverWith(), mode, observations);

      // Assess: the conflict names both, so that looking Bob up shows it too.
      const ada = await personOf(tenant.siteId, 'user_id', 'ada');
      const bob = await personOf(tenant.siteId, 'user_id', 'bob');
      expect(bob).not.toBe(ada);
      expect(await personOf(tenant.siteId, 'anonymous_id', 'family-pc')).toBe(ada);
      expect(await conflictsOf(tenant.siteId)).toEqual([
        { reason: 'limit:user_id', type: 'anonymous_id', value: 'family-pc', person_ids: [ada, bob].sort() },
      ]);
      const { persons } = await lookupPerson(
        { sql, keyring },
        { organizationId: tenant.organizationId, type: 'user_id', value: 'bob' },
      );
      expect(persons.map((p) => p.conflicts.map((c) => [c.reason, [...c.personIds].sort()]))).toEqual([
        [['limit:user_id', [ada, bob].sort()]],
      ]);
    });

    it('keeps the persons a conflict names current when a later link merges one of them away', async () => {
      // Prepare: a cookie q; Bob on his phone; Ada and then Bob on the family computer (a conflict);
      // then Ada on q, whose person is older than hers: Ada's person is merged into q's.
      const tenant = await createTenant(sql);
      const pc = anon('family-pc');
      const ada = { type: 'user_id', value: 'ada' } as const;
      const bob = { type: 'user_id', value: 'bob' } as const;
      const observations = stream(tenant, [
        [anon('q')],
        [anon('bob-phone'), bob],
        [pc, ada],
        [pc, bob],
        [anon('q'), ada],
      ]);

      // Act
      await resolveAll(resolverWith(), mode, observations);

      // Assess: the conflict names the persons Ada and Bob are now, on either path.
      const adaNow = await personOf(tenant.siteId, 'user_id', 'ada');
      const bobNow = await personOf(tenant.siteId, 'user_id', 'bob');
      expect(adaNow).toBe(await personOf(tenant.siteId, 'anonymous_id', 'q'));
      expect(await conflictsOf(tenant.siteId)).toEqual([
        {
          reason: 'limit:user_id',
          type: 'anonymous_id',
          value: 'family-pc',
          person_ids: [adaNow, bobNow].sort(),
        },
      ]);
    });

    /** Person A (one cookie, seen first), person B (`size` cookies linked), then one link of both. */
    const mergeOfSize = async (size: number) => {
      const tenant = await createTenant(sql);
      const others = Array.from({ length: size - 1 }, (_, i) => [anon('b-1'), anon(`b-${i + 2}`)]);
      await resolveAll(
        resolverWith({ mergeCap: 3 }),
        mode,
        stream(tenant, [[anon('a-1')], ...others, [anon('a-1'), anon('b-1')]]),
      );
      const persons = await sql.db
        .selectFrom('persons')
        .select('id')
        .where('site_id', '=', tenant.siteId)
        .orderBy('first_seen_at')
        .execute();
      return {
        tenant,
        persons: persons.map((p) => p.id),
        a: await personOf(tenant.siteId, 'anonymous_id', 'a-1'),
        b: await personOf(tenant.siteId, 'anonymous_id', 'b-1'),
        bOthers: await Promise.all(others.map(([, b]) => personOf(tenant.siteId, 'anonymous_id', b?.value ?? ''))),
      };
    };

    it('merges a person whose identifiers number the merge cap', async () => {
      // Prepare, Act
      const { tenant, persons, a, b, bOthers } = await mergeOfSize(3);

      // Assess
      expect(persons).toHaveLength(2);
      expect(b).toBe(a);
      expect(bOthers).toEqual([a, a]);
      expect(await mergesOf(tenant.siteId)).toEqual([
        { from_person_id: persons[1], into_person_id: a, rule: 'hard:anonymous_id' },
      ]);
      expect(await conflictsOf(tenant.siteId)).toEqual([]);
    });

    it('refuses a merge that would move more identifiers than the merge cap, and records the conflict', async () => {
      // Prepare, Act
      const { tenant, persons, a, b, bOthers } = await mergeOfSize(4);

      // Assess
      expect(persons).toEqual([a, b]);
      expect(bOthers).toEqual([b, b, b]);
      expect(await mergesOf(tenant.siteId)).toEqual([]);
      expect(await conflictsOf(tenant.siteId)).toEqual([
        { reason: 'merge_cap', type: 'anonymous_id', value: 'b-1', person_ids: [a, b].sort() },
      ]);
    });

    /** A region of `size` linked cookies (resolved one by one), then a new login seen with one of them. */
    const loginJoiningRegionOf = async (size: number) => {
      const tenant = await createTenant(sql);
      const resolver = resolverWith({ regionCap: 4 });
      const region = Array.from({ length: size - 1 }, (_, i) => [anon('r-1'), anon(`r-${i + 2}`)]);
      for (const observation of stream(tenant, region)) await resolver.resolve(observation);
      const cookies = await personOf(tenant.siteId, 'anonymous_id', 'r-1');
      // The cookie first: priority, not the order sent, decides which identifier is dropped.
      const login = observationOf(tenant, [anon('r-1'), { type: 'user_id', value: 'late-login' }], {
        observedAt: Date.UTC(2026, 10, 6),
      });

      await resolveAll(resolver, mode, [login]);

      const { rows: links } = await raw<{ types: string[] }>`
        select array(select i.type from identifiers i where i.id = any(l.identifier_ids) order by i.type) as types
        from identity_links l
        where l.site_id = ${tenant.siteId}::uuid and l.first_observed_at = ${new Date(login.observedAt)}`.execute(
        sql.db,
      );
      return {
        tenant,
        cookies,
        cookiesAfter: await personOf(tenant.siteId, 'anonymous_id', 'r-1'),
        user: await personOf(tenant.siteId, 'user_id', 'late-login'),
        linked: links.map((l) => l.types),
      };
    };

    it('lets a login join a region that stays within the region cap', async () => {
      // Prepare, Act
      const { tenant, cookies, cookiesAfter, user, linked } = await loginJoiningRegionOf(3);

      // Assess
      expect(user).toBe(cookies);
      expect(cookiesAfter).toBe(cookies);
      expect(linked).toEqual([['anonymous_id', 'user_id']]);
      expect(await conflictsOf(tenant.siteId)).toEqual([]);
    });

    it('drops the lowest-priority identifier of a login that would grow a region past the region cap', async () => {
      // Prepare, Act
      const { tenant, cookies, cookiesAfter, user, linked } = await loginJoiningRegionOf(4);

      // Assess
      expect(user).toEqual(expect.any(String));
      expect(user).not.toBe(cookies);
      expect(cookiesAfter).toBe(cookies);
      expect(linked).toEqual([['user_id']]);
      expect(await conflictsOf(tenant.siteId)).toEqual([
        { reason: 'region_cap', type: 'anonymous_id', value: 'r-1', person_ids: [] },
      ]);
    });
  });
});
