import { sql as raw } from 'kysely';
import { erasePerson } from '../../lambdas/identity/erase-person';
import type { IdentifierInput } from '../../lambdas/identity/identifier-types';
import { lookupPerson } from '../../lambdas/identity/lookup-person';
import type { IdentityObservation } from '../../lambdas/identity/observation';
import type { PersonProfile } from '../../lambdas/identity/person-profile';
import { createResolver } from '../../lambdas/identity/resolver';
import {
  createTenant,
  createTestKeyring,
  ENGINES,
  type Engine,
  observationOf,
  openDatabase,
  type ResolvePath,
  resolveEach,
} from './support/identity-fixture';
import { identityInvariantViolations } from './support/identity-invariants';

const PATHS: readonly ResolvePath[] = ['one by one', 'in a batch'];

/**
 * A family computer: its cookie browses anonymously (Ada, choosing a theme), then Bob signs in on it
 * (his account older than the cookie, so the cookie's person is merged into his), and Ada's own
 * sign-in on it, earlier by event time, arrives last. The computer is Ada's: the merge into Bob is
 * reversed, and what the cookie showed must leave Bob with it.
 */
function familyComputer(tenant: { organizationId: string; siteId: string }): IdentityObservation[] {
  const at = Date.UTC(2026, 10, 2, 9);
  const seen = (minute: number, identifiers: IdentifierInput[], extra: Partial<IdentityObservation>) => ({
    ...observationOf(tenant, identifiers, extra),
    observedAt: at + minute * 60_000,
  });
  return [
    seen(0, [{ type: 'user_id', value: 'bob' }], { traits: { $set: { plan: 'team', phone_model: 'pixel' } } }),
    seen(10, [{ type: 'anonymous_id', value: 'family-pc' }], { traits: { $set: { theme: 'dark' } } }),
    seen(
      30,
      [
        { type: 'anonymous_id', value: 'family-pc' },
        { type: 'user_id', value: 'bob' },
        { type: 'email', value: 'bob@initech.com' },
      ],
      { traits: { $set: { plan: 'enterprise' }, $set_once: { first_device: 'family-pc' } } },
    ),
    seen(
      20,
      [
        { type: 'anonymous_id', value: 'family-pc' },
        { type: 'user_id', value: 'ada' },
        { type: 'email', value: 'ada@acme.io' },
      ],
      { traits: { $set: { plan: 'pro' } }, company: { groupId: 'acme-account', name: 'Acme' } },
    ),
  ];
}

/** A fresh database with one tenant, its resolver, and the persons holding a user id, as lookup finds them. */
async function openFamily(engine: Engine) {
  const { sql } = await openDatabase(engine);
  const keys = createTestKeyring(sql);
  const tenant = await createTenant(sql);
  const resolver = createResolver({ sql, keyring: keys.keyring, softLinks: false });
  const access = { sql, keyring: keys.keyring };
  const personsWithUserId = async (userId: string) =>
    (
      await lookupPerson(access, {
        organizationId: tenant.organizationId,
        siteId: tenant.siteId,
        type: 'user_id',
        value: userId,
      })
    ).persons;
  return { sql, keys, tenant, resolver, access, personsWithUserId };
}

describe.each(ENGINES)('traits and companies follow the identifiers that showed them on %s', (engine) => {
  it.each(PATHS)(
    'takes what a family computer showed back from the person a late sign-in reverses its merge into (%s)',
    async (path) => {
      // Prepare
      const { sql, keys, tenant, resolver, personsWithUserId } = await openFamily(engine);
      const profileOf = async (userId: string): Promise<PersonProfile> => {
        const persons = await personsWithUserId(userId);
        expect(persons).toHaveLength(1);
        return persons[0] as PersonProfile;
      };

      try {
        // Act: Bob's sign-in on the computer first; Ada's, earlier by event time, last.
        const stream = familyComputer(tenant);
        await resolveEach(resolver, path, stream.slice(0, 3));
        const beforeAda = await profileOf('bob');
        await resolveEach(resolver, path, stream.slice(3));
        const ada = await profileOf('ada');
        const bob = await profileOf('bob');

        // Assess: the merge into Bob happened, and Ada's sign-in reversed it.
        expect(beforeAda.traits).toEqual({
          plan: 'enterprise',
          phone_model: 'pixel',
          theme: 'dark',
          first_device: 'family-pc',
        });
        expect(bob.merges).toEqual(
          expect.arrayContaining([expect.objectContaining({ into: bob.id, reversedAt: expect.any(String) })]),
        );
        expect(ada.identifiers.map((i) => i.value).sort()).toEqual(['ada', 'ada@acme.io', 'family-pc']);
        expect(ada.traits).toEqual({ plan: 'pro', theme: 'dark' });
        expect(ada.companies.map((c) => c.domain ?? c.groupId).sort()).toEqual(['acme-account', 'acme.io']);
        // Bob keeps what his own login and address showed, including on the family computer.
        expect(bob.identifiers.map((i) => i.value).sort()).toEqual(['bob', 'bob@initech.com']);
        expect(bob.traits).toEqual({ plan: 'enterprise', phone_model: 'pixel', first_device: 'family-pc' });
        expect(bob.companies.map((c) => c.domain)).toEqual(['initech.com']);
        expect(await identityInvariantViolations(sql, tenant.siteId)).toEqual([]);
        const { rows } = await raw<{ n: number }>`select count(*)::int as n from person_traits`.execute(sql.db);
        // One row per identifier, key and mode: Bob's three, the cookie's theme, Ada's plan.
        expect(rows[0]?.n).toBe(5);
      } finally {
        await sql.close();
        keys.cleanup();
      }
    },
    60_000,
  );

  it.each(PATHS)(
    "seals what a late sign-in re-assigns with its new person's key: erasing the person who lost it leaves it readable (%s)",
    async (path) => {
      // Prepare: Ada types her name on the family computer while it is Bob's (he signed in on it
      // earlier that day): sealed with Bob's key. Her own sign-in on it, before his, arrives last.
      const { sql, keys, tenant, resolver, access, personsWithUserId } = await openFamily(engine);
      const personOf = async (userId: string) => (await personsWithUserId(userId))[0];
      const [bobAccount, , bobOnPc, adaOnPc] = familyComputer(tenant) as IdentityObservation[];
      const nameTyped = {
        ...observationOf(tenant, [{ type: 'anonymous_id', value: 'family-pc' }], {
          traits: { $set: { firstName: 'Ada' } },
        }),
        observedAt: (bobOnPc as IdentityObservation).observedAt + 60_000,
      };

      try {
        // Act
        await resolveEach(resolver, path, [bobAccount, bobOnPc, nameTyped] as IdentityObservation[]);
        const bobBefore = await personOf('bob');
        await resolveEach(resolver, path, [adaOnPc as IdentityObservation]);
        const violations = await identityInvariantViolations(sql, tenant.siteId);
        const bob = await personOf('bob');
        await erasePerson(access, { organizationId: tenant.organizationId, personId: bob?.id as string });
        const ada = await personOf('ada');

        // Assess: the name was Bob's person's, sealed with his key, and is Ada's, readable after his erasure.
        expect(bobBefore?.traits).toEqual(expect.objectContaining({ firstName: 'Ada' }));
        expect(violations).toEqual([]);
        expect(bob?.traits).not.toHaveProperty('firstName');
        expect(ada?.traits).toEqual({ plan: 'pro', firstName: 'Ada' });
        expect(ada?.identifiers.map((i) => i.value).sort()).toEqual(['ada', 'ada@acme.io', 'family-pc']);
      } finally {
        await sql.close();
        keys.cleanup();
      }
    },
    60_000,
  );
});
