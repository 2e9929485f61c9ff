import { createDataApiSql } from '../../lambdas/adapters/aws/data-api-sql';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { migrateToLatest } from '../../lambdas/db/migrate';
import { erasePerson } from '../../lambdas/identity/erase-person';
import { exportPerson } from '../../lambdas/identity/export-person';
import { lookupPerson } from '../../lambdas/identity/lookup-person';
import { createResolver } from '../../lambdas/identity/resolver';
import { eraseFromLake, LAKE_ERASURE_DELAY_MS } from '../../lambdas/lifecycle/lake-erasure';
import type { Sql } from '../../lambdas/ports/sql';
import { createTestDatabase } from '../support/postgres';
import { makeTempDir } from '../support/temp-dir';
import { createDataApiEmulator } from './support/data-api-emulator';
import { createTenant, createTestKeyring, observationOf } from './support/identity-fixture';

/**
 * Aurora through the RDS Data API types parameters its own way (UUID-looking strings as uuid, other
 * strings as varchar, no arrays): migrations, resolution and the person commands run through the
 * real Data API driver against an emulator that types parameters as the service does.
 */
describe('identity over the RDS Data API (emulated on a PostgreSQL server)', () => {
  let sql: Sql;
  let closeEmulator: () => Promise<void>;

  beforeAll(async () => {
    const emulator = createDataApiEmulator(await createTestDatabase());
    closeEmulator = emulator.close;
    sql = createDataApiSql({
      resourceArn: 'arn:cluster',
      secretArn: 'arn:secret',
      database: 'sightline',
      client: emulator.client,
    });
    await migrateToLatest(sql);
  });
  afterAll(async () => {
    await sql.close();
    await closeEmulator();
  });

  it('resolves, looks up, exports and erases a person whose ids look like UUIDs', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const keys = createTestKeyring(sql);
    const resolver = createResolver({ sql, keyring: keys.keyring });
    const laptop = '6f9619ff-8b86-4011-b42d-00c04fc964ff';
    const phone = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

    // Act
    const first = await resolver.resolve(
      observationOf(tenant, [{ type: 'anonymous_id', value: laptop }], { event: { type: 'page', sessionId: 's-1' } }),
    );
    await resolver.resolve(
      observationOf(tenant, [{ type: 'anonymous_id', value: phone }], { ip: '192.0.2.1', userAgent: 'UA' }),
    );
    await resolver.resolve(
      observationOf(
        tenant,
        [
          { type: 'anonymous_id', value: phone },
          { type: 'user_id', value: '11111111-2222-4333-8444-555555555555' },
          { type: 'email', value: 'ada@initech.com' },
        ],
        {
          traits: { $set: { plan: 'pro', name: 'Ada' } },
          company: { groupId: 'acct-1', name: 'Initech' },
          event: { type: 'identify' },
          raw: {
            receivedAt: Date.UTC(2026, 10, 1),
            event: { type: 'identify', userId: '11111111-2222-4333-8444-555555555555', traits: { name: 'Ada' } },
          },
        },
      ),
    );
    // A second device signing in, through the batch path: its raw event kept there.
    const [tablet] = await resolver.resolveBatch([
      observationOf(
        tenant,
        [
          { type: 'anonymous_id', value: '8b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e' },
          { type: 'user_id', value: '11111111-2222-4333-8444-555555555555' },
        ],
        {
          event: { type: 'identify' },
          raw: { receivedAt: Date.UTC(2026, 10, 2), event: { type: 'identify', anonymousId: 'tablet' } },
        },
      ),
    ]);
    const login = await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: laptop },
        { type: 'user_id', value: '11111111-2222-4333-8444-555555555555' },
      ]),
    );
    const { persons } = await lookupPerson(
      { sql, keyring: keys.keyring },
      { organizationId: tenant.organizationId, type: 'anonymous_id', value: phone },
    );
    const exported = await exportPerson(
      { sql, keyring: keys.keyring },
      { organizationId: tenant.organizationId, personId: first.personId as string },
    );
    const erased = await erasePerson(
      { sql, keyring: keys.keyring },
      { organizationId: tenant.organizationId, personId: first.personId as string },
    );
    const lake = makeTempDir('sightline-data-api-lake-');
    const [lakePass] = await eraseFromLake(
      { sql, lake: createLocalObjectStore({ root: lake.dir }) },
      new Date(Date.now() + LAKE_ERASURE_DELAY_MS),
    );
    const lakeErasures = await sql.db
      .selectFrom('lake_erasures')
      .select(['anonymous_ids', 'user_ids', 'completed_at'])
      .where('site_id', '=', tenant.siteId)
      .execute();
    lake.cleanup();

    // Assess
    expect(login.personId).toBe(first.personId);
    expect(login.merges).toHaveLength(1);
    expect(persons.map((p) => p.id)).toEqual([first.personId]);
    expect(persons[0]?.traits).toEqual({ plan: 'pro', name: 'Ada' });
    expect(persons[0]?.identifiers.map((i) => i.value)).toEqual(
      expect.arrayContaining([laptop, phone, '8b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e', 'ada@initech.com']),
    );
    expect(persons[0]?.companies.map((c) => c.groupId ?? c.domain).sort()).toEqual(['acct-1', 'initech.com']);
    expect(exported.erased).toBe(false);
    expect(tablet?.ok).toBe(true);
    expect(exported.erased === false && exported.rawEvents.map((e) => e.payload)).toEqual([
      { type: 'identify', userId: '11111111-2222-4333-8444-555555555555', traits: { name: 'Ada' } },
      { type: 'identify', anonymousId: 'tablet' },
    ]);
    expect(erased).toMatchObject({
      personId: first.personId,
      identifiersDeleted: 5,
      rawEventsDeleted: 2,
      lakeErasurePending: true,
      alreadyErased: false,
    });
    // Pending lake erasures are read back (their id arrays) and completed through the Data API too.
    expect(lakePass).toMatchObject({ siteId: tenant.siteId, requests: 1 });
    expect(lakeErasures).toEqual([{ anonymous_ids: [], user_ids: [], completed_at: expect.any(Date) }]);
    keys.cleanup();
  });
});
