import type { CollectedEventEnvelope, NormalizedEvent } from '../../lambdas/collection/collected-event';
import { createSiteRegistry } from '../../lambdas/collection/site-registry';
import type { OrganizationKeyring } from '../../lambdas/identity/crypto/organization-keys';
import { exportPerson } from '../../lambdas/identity/export-person';
import { identityObservation } from '../../lambdas/identity/identity-observation-filter';
import { lookupPerson } from '../../lambdas/identity/lookup-person';
import type { IdentityObservation } from '../../lambdas/identity/observation';
import { createResolver, type Resolver } from '../../lambdas/identity/resolver';
import type { Sql } from '../../lambdas/ports/sql';
import {
  createTenant,
  createTestKeyring,
  ENGINES,
  observationOf,
  openDatabase,
  type ResolvePath,
  resolveEach,
} from './support/identity-fixture';

const PATHS: readonly ResolvePath[] = ['one by one', 'in a batch'];

describe.each(ENGINES)('phones on a site with a default phone region, on %s', (engine) => {
  let sql: Sql;
  let keyring: OrganizationKeyring;
  let resolver: Resolver;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ sql } = await openDatabase(engine));
    const keys = createTestKeyring(sql);
    ({ keyring, cleanup } = keys);
    resolver = createResolver({ sql, keyring });
  }, 60_000);
  afterAll(async () => {
    await sql.close();
    cleanup();
  });

  /** A tenant whose site has the settings given, stored as the sites API stores them. */
  const tenantWith = async (settings: Record<string, unknown>) => {
    const tenant = await createTenant(sql);
    await sql.db
      .updateTable('sites')
      .set({ settings: JSON.stringify(settings) })
      .where('id', '=', tenant.siteId)
      .execute();
    return tenant;
  };

  /** Ada's phone typed nationally on her laptop, then internationally on her phone. */
  const twoSpellings = (tenant: { organizationId: string; siteId: string }, phoneRegion?: 'FR') => {
    const region = phoneRegion ? { phoneRegion } : {};
    return [
      observationOf(
        tenant,
        [
          { type: 'anonymous_id', value: 'ada-laptop' },
          { type: 'phone', value: '06 12 34 56 78' },
        ],
        region,
      ),
      observationOf(
        tenant,
        [
          { type: 'anonymous_id', value: 'ada-phone' },
          { type: 'phone', value: '+33 6 12 34 56 78' },
        ],
        region,
      ),
    ];
  };

  it.each(PATHS)('makes one person of a national and an international spelling, resolved %s', async (path) => {
    // Prepare
    const tenant = await tenantWith({ phoneRegion: 'FR' });

    // Act
    const [laptop, phone] = await resolveEach(resolver, path, twoSpellings(tenant, 'FR'));

    // Assess
    expect(laptop?.personId).toBeDefined();
    expect(phone?.personId).toBe(laptop?.personId);
    expect(phone?.refused).toEqual([]);
    const { persons } = await lookupPerson({ sql, keyring }, { ...tenant, type: 'phone', value: '+33612345678' });
    expect(persons.map((p) => p.id)).toEqual([laptop?.personId]);
  });

  it('looks a phone up across the organization’s sites though another site’s region finds it no possible number', async () => {
    // Prepare: Ada on the French site; the organization also has a US site, where 612345678 is too short
    const tenant = await tenantWith({ phoneRegion: 'FR' });
    await sql.db
      .insertInto('sites')
      .values({
        organization_id: tenant.organizationId,
        name: `us-${tenant.siteId}`,
        domain: `us-${tenant.siteId}.example`,
        site_key: `us-${tenant.siteId}`,
        write_key_hash: `hash-us-${tenant.siteId}`,
        allowed_origins: '[]',
        settings: JSON.stringify({ phoneRegion: 'US' }),
      })
      .execute();
    const [laptop] = await resolveEach(resolver, 'one by one', twoSpellings(tenant, 'FR'));

    // Act
    const { persons } = await lookupPerson(
      { sql, keyring },
      { organizationId: tenant.organizationId, type: 'phone', value: '6 12 34 56 78' },
    );

    // Assess
    expect(persons.map((p) => p.id)).toEqual([laptop?.personId]);
  });

  it('stores the same identifier whichever path resolved each spelling', async () => {
    // Prepare
    const tenant = await tenantWith({ phoneRegion: 'FR' });
    const [national, international] = twoSpellings(tenant, 'FR') as [IdentityObservation, IdentityObservation];

    // Act
    const alone = await resolver.resolve(national);
    const [batched] = await resolver.resolveBatch([international]);

    // Assess
    expect(batched).toMatchObject({ ok: true, resolution: { personId: alone.personId } });
    const rows = await sql.db
      .selectFrom('identifiers')
      .select('value')
      .where('site_id', '=', tenant.siteId)
      .where('type', '=', 'phone')
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('keeps the two spellings apart on a site without a region, as before', async () => {
    // Prepare
    const tenant = await tenantWith({});

    // Act
    const [laptop, phone] = await resolveEach(resolver, 'in a batch', twoSpellings(tenant));

    // Assess
    expect(phone?.personId).not.toBe(laptop?.personId);
    const { persons } = await lookupPerson({ sql, keyring }, { ...tenant, type: 'phone', value: '0612345678' });
    expect(persons.map((p) => p.id)).toEqual([laptop?.personId]);
  });

  it.each(PATHS)(
    'refuses a number that is not possible as malformed, %s, and resolves the rest of the observation',
    async (path) => {
      // Prepare
      const tenant = await tenantWith({ phoneRegion: 'FR' });
      const observation = observationOf(
        tenant,
        [
          { type: 'anonymous_id', value: 'bob-laptop' },
          { type: 'phone', value: '12 34 56' },
        ],
        { phoneRegion: 'FR' },
      );

      // Act
      const [resolution] = await resolveEach(resolver, path, [observation]);

      // Assess
      expect(resolution?.refused).toEqual([{ type: 'phone', reason: 'malformed' }]);
      expect(resolution?.personId).toBeDefined();
      const phones = await sql.db
        .selectFrom('identifiers')
        .select('id')
        .where('site_id', '=', tenant.siteId)
        .where('type', '=', 'phone')
        .execute();
      expect(phones).toEqual([]);
    },
  );

  it('reads phones in the region enrichment sent with the events, and looks up and exports by the national spelling', async () => {
    // Prepare: the region set on the site, read by enrichment through the site registry.
    const tenant = await tenantWith({ phoneRegion: 'FR' });
    const site = await createSiteRegistry(sql).byId(tenant.siteId);
    const identify = (eventId: string, event: Partial<NormalizedEvent>): CollectedEventEnvelope => ({
      kind: 'event',
      v: 1,
      siteId: tenant.siteId,
      organizationId: tenant.organizationId,
      source: 'segment',
      server: { receivedAt: Date.UTC(2026, 10, 2) },
      event: { eventId, type: 'identify', ...event },
    });
    const messages = [
      identityObservation(identify('e-1', { userId: 'ada', traits: { phone: '+33 6 12 34 56 78' } }), site?.settings),
      identityObservation(
        identify('e-2', { anonymousId: 'kiosk', traits: { phone: '06-12-34-56-78' } }),
        site?.settings,
      ),
    ];

    // Act
    const outcomes = await resolver.resolveBatch(messages.map((m) => JSON.parse(JSON.stringify(m))));
    const { persons } = await lookupPerson({ sql, keyring }, { ...tenant, type: 'phone', value: '06 12 34 56 78' });

    // Assess
    expect(messages.map((m) => m?.phoneRegion)).toEqual(['FR', 'FR']);
    const [first, second] = outcomes.map((o) => (o.ok ? o.resolution.personId : o.error));
    expect(second).toBe(first);
    expect(persons.map((p) => p.id)).toEqual([first]);
    const exported = await exportPerson(
      { sql, keyring },
      { organizationId: tenant.organizationId, personId: first as string },
    );
    expect(JSON.stringify(exported)).toContain('+33612345678');
  });
});
