import { sql as raw } from 'kysely';
import type { OrganizationKeyring } from '../../lambdas/identity/crypto/organization-keys';
import { open, openText } from '../../lambdas/identity/crypto/pii-cipher';
import { erasePerson } from '../../lambdas/identity/erase-person';
import { exportPerson } from '../../lambdas/identity/export-person';
import { identifierAad } from '../../lambdas/identity/identifier-aad';
import { lookupPerson } from '../../lambdas/identity/lookup-person';
import { createResolver, type Resolver } from '../../lambdas/identity/resolver';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant, createTestKeyring, ENGINES, observationOf, openDatabase } from './support/identity-fixture';

describe.each(ENGINES)('person lookup, export and erasure on %s', (engine) => {
  let sql: Sql;
  let keyring: OrganizationKeyring;
  let resolver: Resolver;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ sql } = await openDatabase(engine));
    const keys = createTestKeyring(sql);
    keyring = keys.keyring;
    cleanup = keys.cleanup;
    resolver = createResolver({ sql, keyring });
  });
  afterAll(async () => {
    await sql.close();
    cleanup();
  });

  /** Ada: a laptop, then a phone merged in by her login, an e-mail at her employer, a plan, a raw event. */
  const seedAda = async () => {
    const tenant = await createTenant(sql);
    const laptop = await resolver.resolve(
      observationOf(tenant, [{ type: 'anonymous_id', value: 'ada-laptop' }], {
        event: { type: 'page', url: 'https://shop.example/', sessionId: 'sess-1' },
      }),
    );
    await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'ada-laptop' },
        { type: 'user_id', value: 'ada' },
      ]),
    );
    const phone = await resolver.resolve(
      observationOf(tenant, [{ type: 'anonymous_id', value: 'ada-phone' }], { event: { type: 'page' } }),
    );
    const login = observationOf(
      tenant,
      [
        { type: 'anonymous_id', value: 'ada-phone' },
        { type: 'user_id', value: 'ada' },
        { type: 'email', value: 'Ada@Acme.io' },
      ],
      {
        traits: { $set: { plan: 'pro', firstName: 'Ada' }, $set_once: { initial_utm_source: 'newsletter' } },
        event: { type: 'identify' },
        raw: {
          receivedAt: Date.UTC(2026, 10, 2),
          event: {
            eventId: 'ada-login',
            type: 'identify',
            anonymousId: 'ada-phone',
            userId: 'ada',
            traits: { email: 'Ada@Acme.io', plan: 'pro', firstName: 'Ada' },
          },
        },
      },
    );
    await resolver.resolve(login);
    return { tenant, personId: laptop.personId as string, phonePersonId: phone.personId as string };
  };

  it('looks a person up by e-mail with identifiers, traits, company and merge history in plaintext', async () => {
    // Prepare
    const { tenant, personId, phonePersonId } = await seedAda();

    // Act
    const { persons } = await lookupPerson(
      { sql, keyring },
      { organizationId: tenant.organizationId, type: 'email', value: ' ada@ACME.io' },
    );

    // Assess
    expect(persons).toHaveLength(1);
    const [ada] = persons;
    expect(ada?.id).toBe(personId);
    expect(ada?.mergedFrom).toEqual([phonePersonId]);
    expect(ada?.identifiers.map((i) => `${i.type}:${i.value}`).sort()).toEqual([
      'anonymous_id:ada-laptop',
      'anonymous_id:ada-phone',
      'email:ada@acme.io',
      'user_id:ada',
    ]);
    expect(ada?.traits).toEqual({ plan: 'pro', firstName: 'Ada', initial_utm_source: 'newsletter' });
    expect(ada?.companies.map((c) => c.domain)).toEqual(['acme.io']);
    expect(ada?.merges).toEqual([
      expect.objectContaining({
        from: phonePersonId,
        into: personId,
        rule: 'hard:user_id+email+anonymous_id',
        reversedAt: null,
      }),
    ]);
  });

  it('exports everything held on a person, reached through a merged id', async () => {
    // Prepare: an older plan, shown by her laptop before she signed up, is held too.
    const { tenant, personId, phonePersonId } = await seedAda();
    await resolver.resolve({
      ...observationOf(tenant, [{ type: 'anonymous_id', value: 'ada-laptop' }], {
        traits: { $set: { plan: 'trial' } },
      }),
      observedAt: Date.UTC(2026, 9, 1),
    });

    // Act
    const exported = await exportPerson(
      { sql, keyring },
      { organizationId: tenant.organizationId, personId: phonePersonId },
    );

    // Assess
    if (exported.erased) throw new Error('expected a live person');
    expect(exported.personId).toBe(personId);
    expect(exported.person.traits).toEqual({ plan: 'pro', firstName: 'Ada', initial_utm_source: 'newsletter' });
    expect(exported.traitValues).toEqual([
      {
        key: 'firstName',
        mode: 'set',
        value: 'Ada',
        observedAt: expect.any(String),
        shownBy: { type: 'user_id', value: 'ada' },
      },
      {
        key: 'initial_utm_source',
        mode: 'set_once',
        value: 'newsletter',
        observedAt: expect.any(String),
        shownBy: { type: 'user_id', value: 'ada' },
      },
      {
        key: 'plan',
        mode: 'set',
        value: 'trial',
        observedAt: '2026-10-01T00:00:00.000Z',
        shownBy: { type: 'anonymous_id', value: 'ada-laptop' },
      },
      {
        key: 'plan',
        mode: 'set',
        value: 'pro',
        observedAt: expect.any(String),
        shownBy: { type: 'user_id', value: 'ada' },
      },
    ]);
    expect(exported.events.map((e) => e.type)).toEqual(['page', 'page', 'identify']);
    expect(exported.events.map((e) => e.personId)).toEqual([personId, phonePersonId, personId]);
    expect(exported.sessions).toEqual([expect.objectContaining({ sessionId: 'sess-1', eventCount: 1 })]);
    // Soft links' evidence: keyed hashes only, never the address itself.
    expect(exported.softSignals).toEqual([
      expect.objectContaining({ kind: 'email_variant', digest: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    ]);
    expect(JSON.stringify(exported.softSignals)).not.toContain('acme');
    expect(exported.rawEvents).toEqual([
      {
        eventId: expect.any(String),
        receivedAt: '2026-11-02T00:00:00.000Z',
        payload: expect.objectContaining({
          type: 'identify',
          traits: expect.objectContaining({ email: 'Ada@Acme.io' }),
        }),
      },
    ]);
  });

  it('erases a person: identifiers gone, PII keys shredded, a tombstone that lookup and export respect', async () => {
    // Prepare
    const { tenant, personId, phonePersonId } = await seedAda();
    const access = { sql, keyring };
    const { rows: sealedBefore } = await raw<{ value: string; value_cipher: Uint8Array; key_person_id: string }>`
      select value, value_cipher, key_person_id from identifiers where person_id = ${personId}::uuid and type = 'email'`.execute(
      sql.db,
    );
    const { rows: keyBefore } = await raw<{ wrapped_key: Uint8Array }>`
      select wrapped_key from person_keys where person_id = ${personId}::uuid`.execute(sql.db);
    const { rows: rawBefore } = await raw<{ key_person_id: string }>`
      select key_person_id from raw_events where site_id = ${tenant.siteId}::uuid`.execute(sql.db);

    // Act
    const report = await erasePerson(access, { organizationId: tenant.organizationId, personId: phonePersonId });

    // Assess
    expect(report).toMatchObject({
      personId,
      identifiersDeleted: 4,
      rawEventsDeleted: 1,
      eventsDeleted: 3,
      sessionsDeleted: 1,
      alreadyErased: false,
    });
    expect([...report.erasedPersonIds].sort()).toEqual([personId, phonePersonId].sort());
    expect(report.keysShredded).toBeGreaterThanOrEqual(1);
    const { rows: left } = await raw<{ n: number }>`
      select (select count(*) from identifiers where site_id = ${tenant.siteId}::uuid)
        + (select count(*) from person_traits t join persons p on p.id = t.person_id where p.site_id = ${tenant.siteId}::uuid)
        + (select count(*) from person_keys where person_id in (${personId}::uuid, ${phonePersonId}::uuid))
        + (select count(*) from raw_events where site_id = ${tenant.siteId}::uuid)
        + (select count(*) from identity_links where site_id = ${tenant.siteId}::uuid)
        + (select count(*) from events where site_id = ${tenant.siteId}::uuid)
        + (select count(*) from sessions where site_id = ${tenant.siteId}::uuid) as n`.execute(sql.db);
    expect(Number(left[0]?.n)).toBe(0);
    // A copy of the ciphertext taken before (a backup) cannot be opened with any key that is left.
    expect(sealedBefore).toHaveLength(1);
    expect(keyBefore).toHaveLength(1);
    const survivingKeys = await raw<{ person_id: string }>`select person_id from person_keys`.execute(sql.db);
    expect(survivingKeys.rows.map((k) => k.person_id)).not.toContain(sealedBefore[0]?.key_person_id);
    // So is a copy of the raw event: it was sealed with the person's key, not the organization's.
    expect(rawBefore.map((r) => r.key_person_id)).toEqual([personId]);
    expect(survivingKeys.rows.map((k) => k.person_id)).not.toContain(personId);
    expect(
      await lookupPerson(access, { organizationId: tenant.organizationId, type: 'user_id', value: 'ada' }),
    ).toEqual({
      persons: [],
    });
    expect(await exportPerson(access, { organizationId: tenant.organizationId, personId })).toEqual({
      personId,
      erased: true,
      erasedAt: report.erasedAt,
    });
  });

  it('starts a new person, with a new id, when an erased visitor comes back', async () => {
    // Prepare
    const { tenant, personId } = await seedAda();
    const erased = await erasePerson({ sql, keyring }, { organizationId: tenant.organizationId, personId });

    // Act: a visit after the erasure (one from before it stays erased: erasure-stays-done.test.ts)
    const back = await resolver.resolve(
      observationOf(tenant, [{ type: 'anonymous_id', value: 'ada-laptop' }], {
        observedAt: Date.parse(erased.erasedAt) + 1_000,
      }),
    );

    // Assess
    expect(back.personId).toBeDefined();
    expect(back.personId).not.toBe(personId);
    const again = await erasePerson({ sql, keyring }, { organizationId: tenant.organizationId, personId });
    expect(again.alreadyErased).toBe(true);
  });

  it('keeps e-mail ciphertext bound to its row: moved elsewhere it does not open', async () => {
    // Prepare
    const { tenant, personId } = await seedAda();
    const { rows } = await raw<{ value: string; value_cipher: Uint8Array }>`
      select value, value_cipher from identifiers where person_id = ${personId}::uuid and type = 'email'`.execute(
      sql.db,
    );
    const { rows: keyRows } = await raw<{ wrapped_key: Uint8Array }>`
      select wrapped_key from person_keys where person_id = ${personId}::uuid`.execute(sql.db);
    const { encryptionKey } = await keyring.keysFor(tenant.organizationId);
    const personKey = open(encryptionKey, keyRows[0]?.wrapped_key as Uint8Array, `person-key:${personId}`);
    const row = rows[0] as { value: string; value_cipher: Uint8Array };
    const inPlace = openText(personKey, row.value_cipher, identifierAad(tenant.siteId, 'email', row.value));

    // Act
    const opening = () => openText(personKey, row.value_cipher, identifierAad(tenant.siteId, 'email', 'f'.repeat(64)));

    // Assess
    expect(inPlace).toBe('ada@acme.io');
    expect(opening).toThrow(/authentication/);
  });
});
