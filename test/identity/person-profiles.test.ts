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
});
