import { sql as raw } from 'kysely';
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

/** What an identify call sends: who the person is, in plaintext, as the collector receives it. */
const ADDRESS = 'Augusta.Byronesque@analytical-engine.example';
const PHONE = '+44 20 7946 0958';
const PII = {
  $set: { first_name: 'Augusta', lastName: 'Byronesque', name: 'Augusta Byronesque', plan: 'difference-engine' },
  $set_once: { contact: ADDRESS },
};
/** Spellings of the PII the database must not hold, compared lower-cased. */
const FORBIDDEN = [
  'augusta.byronesque@analytical-engine.example',
  'augusta.byronesque',
  '2079460958',
  'augusta',
  'byronesque',
];

describe.each<ResolvePath>(['one by one', 'in a batch'])('personal data at rest, resolved %s', (mode) => {
  let sql: Sql;
  let resolver: Resolver;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ sql } = await openDatabase('PGlite (embedded)'));
    const keys = createTestKeyring(sql);
    cleanup = keys.cleanup;
    resolver = createResolver({ sql, keyring: keys.keyring, softLinks: false });
  });
  afterAll(async () => {
    await sql.close();
    cleanup();
  });

  /** Resolves an identify of Augusta (e-mail, phone, name traits, one harmless trait); its tenant. */
  const identify = async () => {
    const tenant = await createTenant(sql);
    const observation = observationOf(
      tenant,
      [
        { type: 'anonymous_id', value: 'engine-room' },
        { type: 'user_id', value: 'u-1815' },
        { type: 'email', value: ADDRESS },
        { type: 'phone', value: PHONE },
      ],
      { traits: PII },
    );
    await resolveEach(resolver, mode, [observation]);
    return tenant;
  };

  /** Every row of the tables that hold identities, as `pg_dump` would print them: one JSON text each. */
  const dump = async (tenant: { organizationId: string; siteId: string }) => {
    const { rows } = await raw<{ row: string }>`
      select row_to_json(t)::text as row from identifiers t where t.site_id = ${tenant.siteId}::uuid
      union all select row_to_json(t)::text from person_traits t where t.organization_id = ${tenant.organizationId}::uuid
      union all select row_to_json(t)::text from identity_map t where t.site_id = ${tenant.siteId}::uuid`.execute(
      sql.db,
    );
    return rows.map((r) => r.row.toLowerCase());
  };

  it('stores e-mails and phones as their blind index and ciphertext only', async () => {
    // Prepare, Act
    const tenant = await identify();

    // Assess
    const rows = await sql.db
      .selectFrom('identifiers')
      .select(['type', 'value', 'value_cipher', 'key_person_id'])
      .where('site_id', '=', tenant.siteId)
      .where('type', 'in', ['email', 'phone'])
      .orderBy('type')
      .execute();
    expect(rows.map((r) => r.type)).toEqual(['email', 'phone']);
    for (const row of rows) {
      expect(row.value).toMatch(/^[0-9a-f]{64}$/);
      expect(row.value_cipher?.length).toBeGreaterThan(16);
      expect(row.key_person_id).toEqual(expect.any(String));
    }
  });

  it('stores the name traits and an address-valued trait as ciphertext with no plaintext value', async () => {
    // Prepare, Act
    const tenant = await identify();

    // Assess
    const traits = await sql.db
      .selectFrom('person_traits')
      .select(['key', 'value', 'value_cipher'])
      .where('organization_id', '=', tenant.organizationId)
      .orderBy('key')
      .execute();
    expect(
      traits.map((t) => ({
        key: t.key,
        value: t.value,
        sealed: t.value_cipher !== null && t.value_cipher.length > 16,
      })),
    ).toEqual([
      { key: 'contact', value: null, sealed: true },
      { key: 'first_name', value: null, sealed: true },
      { key: 'lastName', value: null, sealed: true },
      { key: 'name', value: null, sealed: true },
      { key: 'plan', value: 'difference-engine', sealed: false },
    ]);
  });

  it('leaves neither the address, the phone nor the name anywhere in a dump of the identity tables', async () => {
    // Prepare, Act
    const tenant = await identify();

    // Assess: the harmless trait shows the dump holds plaintext where there is some.
    const rows = await dump(tenant);
    expect(rows.some((row) => row.includes('difference-engine'))).toBe(true);
    expect(rows.some((row) => row.includes('u-1815'))).toBe(true);
    const found = FORBIDDEN.filter((text) => rows.some((row) => row.includes(text)));
    expect(found).toEqual([]);
  });

  it('stores a trait object that holds a phone or a name under a key of its own as ciphertext', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const observation = observationOf(tenant, [{ type: 'user_id', value: 'u-1816' }], {
      traits: { $set: { billing: { phone: '+44 20 7946 0111', full_name: 'Ada King', plan: 'annual' } } },
    });

    // Act
    await resolveEach(resolver, mode, [observation]);

    // Assess
    const rows = await dump(tenant);
    expect(rows.some((row) => row.includes('u-1816'))).toBe(true);
    expect(['7946 0111', 'ada king'].filter((text) => rows.some((row) => row.includes(text)))).toEqual([]);
  });
});
