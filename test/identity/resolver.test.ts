import { sql as raw } from 'kysely';
import { createResolver, type Resolver } from '../../lambdas/identity/resolver';
import type { Sql } from '../../lambdas/ports/sql';
import { createTenant, createTestKeyring, ENGINES, observationOf, openDatabase } from './support/identity-fixture';

describe.each(ENGINES)('identity resolution on %s', (engine) => {
  let sql: Sql;
  let resolver: Resolver;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ sql } = await openDatabase(engine));
    const keys = createTestKeyring(sql);
    cleanup = keys.cleanup;
    resolver = createResolver({ sql, keyring: keys.keyring });
  });
  afterAll(async () => {
    await sql.close();
    cleanup();
  });

  const personOf = async (siteId: string, type: string, value: string) => {
    const { rows } = await raw<{ person_id: string }>`select person_id from identity_map
      where site_id = ${siteId}::uuid and identifier_type = ${type} and identifier_value = ${value}`.execute(sql.db);
    return rows[0]?.person_id;
  };

  it('creates one person for a new anonymous visitor and finds it again', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const first = observationOf(tenant, [{ type: 'anonymous_id', value: 'anon-1' }]);
    const again = observationOf(tenant, [{ type: 'anonymous_id', value: 'anon-1' }]);

    // Act
    const created = await resolver.resolve(first);
    const found = await resolver.resolve(again);

    // Assess
    expect(created.createdPersons).toEqual([created.personId]);
    expect(found.personId).toBe(created.personId);
    expect(found.restitched).toBe(false);
    expect(await personOf(tenant.siteId, 'anonymous_id', 'anon-1')).toBe(created.personId);
  });

  it('merges two anonymous visitors when one user id is seen with both, keeping the first person id', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const laptop = await resolver.resolve(observationOf(tenant, [{ type: 'anonymous_id', value: 'laptop' }]));
    const phone = await resolver.resolve(observationOf(tenant, [{ type: 'anonymous_id', value: 'phone' }]));

    // Act
    await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'laptop' },
        { type: 'user_id', value: 'u-42' },
      ]),
    );
    const login = await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'phone' },
        { type: 'user_id', value: 'u-42' },
      ]),
    );

    // Assess
    expect(login.personId).toBe(laptop.personId);
    expect(login.merges).toEqual([{ from: phone.personId, into: laptop.personId, rule: 'hard:user_id+anonymous_id' }]);
    expect(await personOf(tenant.siteId, 'anonymous_id', 'phone')).toBe(laptop.personId);
    const merged = await sql.db
      .selectFrom('persons')
      .select('merged_into')
      .where('id', '=', phone.personId as string)
      .executeTakeFirstOrThrow();
    expect(merged.merged_into).toBe(laptop.personId);
    const alias = await sql.db
      .selectFrom('person_aliases')
      .select('current_person_id')
      .where('person_id', '=', phone.personId as string)
      .executeTakeFirstOrThrow();
    expect(alias.current_person_id).toBe(laptop.personId);
  });

  it('never merges two persons that carry different user ids, and records the conflict', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const ada = await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'shared-pc' },
        { type: 'user_id', value: 'ada' },
      ]),
    );

    // Act
    const bob = await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'shared-pc' },
        { type: 'user_id', value: 'bob' },
      ]),
    );

    // Assess
    expect(bob.personId).not.toBe(ada.personId);
    expect(await personOf(tenant.siteId, 'anonymous_id', 'shared-pc')).toBe(ada.personId);
    const conflicts = await sql.db
      .selectFrom('identity_conflicts')
      .select(['reason', 'person_ids'])
      .where('site_id', '=', tenant.siteId)
      .execute();
    expect(conflicts.map((c) => ({ ...c, person_ids: [...c.person_ids].sort() }))).toEqual([
      { reason: 'limit:user_id', person_ids: [ada.personId, bob.personId].sort() },
    ]);
  });

  it.each(['one by one', 'in a batch'])(
    'leaves an ad click on a computer two people sign in on with neither of them (%s)',
    async (mode) => {
      // Prepare: Ada's family computer, on which Bob, known from his phone, signs in too.
      const tenant = await createTenant(sql);
      const pc = { type: 'anonymous_id', value: 'family-pc' } as const;
      await resolver.resolve(observationOf(tenant, [pc, { type: 'user_id', value: 'ada' }]));
      await resolver.resolve(
        observationOf(tenant, [
          { type: 'anonymous_id', value: 'bob-phone' },
          { type: 'user_id', value: 'bob' },
        ]),
      );
      await resolver.resolve(observationOf(tenant, [pc, { type: 'user_id', value: 'bob' }]));
      const click = observationOf(tenant, [pc, { type: 'gclid', value: `click-${mode}` }]);

      // Act
      if (mode === 'one by one') await resolver.resolve(click);
      else expect((await resolver.resolveBatch([click])).map((o) => o.ok)).toEqual([true]);

      // Assess
      const ada = await personOf(tenant.siteId, 'user_id', 'ada');
      expect(await personOf(tenant.siteId, 'anonymous_id', 'family-pc')).toBe(ada);
      const clicker = await personOf(tenant.siteId, 'gclid', `click-${mode}`);
      expect([ada, await personOf(tenant.siteId, 'user_id', 'bob')]).not.toContain(clicker);
    },
  );

  it('refuses blocked values instead of merging everyone who sent them', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const a = await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'visitor-a' },
        { type: 'user_id', value: 'undefined' },
      ]),
    );

    // Act
    const b = await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'visitor-b' },
        { type: 'user_id', value: 'undefined' },
      ]),
    );

    // Assess
    expect(b.personId).not.toBe(a.personId);
    expect(b.refused).toEqual([{ type: 'user_id', reason: 'blocked_value' }]);
  });

  it('stores e-mails only as ciphertext and blind index', async () => {
    // Prepare
    const tenant = await createTenant(sql);

    // Act
    await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'form-visitor' },
        { type: 'email', value: 'Ada@Example.com' },
      ]),
    );

    // Assess
    const row = await sql.db
      .selectFrom('identifiers')
      .select(['value', 'value_cipher', 'key_person_id'])
      .where('site_id', '=', tenant.siteId)
      .where('type', '=', 'email')
      .executeTakeFirstOrThrow();
    expect(row.value).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(row.value_cipher as Uint8Array).toString('latin1')).not.toContain('ada@example.com');
    expect(row.key_person_id).not.toBeNull();
  });

  it('finds one person for an e-mail however its accents are encoded, composed or decomposed', async () => {
    // Prepare: the same address typed on a Mac (decomposed, NFD) and on a phone (composed, NFC).
    const tenant = await createTenant(sql);
    const composed = 'jos\u00e9@example.com';
    const decomposed = 'jose\u0301@example.com';

    // Act
    const mac = await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'mac' },
        { type: 'email', value: decomposed },
      ]),
    );
    const phone = await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'phone' },
        { type: 'email', value: composed },
      ]),
    );

    // Assess
    expect(phone.personId).toBe(mac.personId);
  });

  it('finds one person for an identifier copied with invisible zero-width characters', async () => {
    // Prepare: a user id and an e-mail pasted from a web page or a chat, with a zero-width space and joiner.
    const tenant = await createTenant(sql);

    // Act
    const plain = await resolver.resolve(
      observationOf(tenant, [
        { type: 'user_id', value: 'ada-42' },
        { type: 'email', value: 'ada@example.com' },
      ]),
    );
    const pasted = await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'laptop' },
        { type: 'email', value: 'ada\u200b@example.com\u200d' },
      ]),
    );
    const signedIn = await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'phone' },
        { type: 'user_id', value: '\u2060ada-42' },
      ]),
    );

    // Assess
    expect([pasted.personId, signedIn.personId]).toEqual([plain.personId, plain.personId]);
  });

  it('hands a shared computer to the user who signed in first when that login arrives late', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const at = (minutes: number) => Date.UTC(2026, 10, 2) + minutes * 60_000;
    const pc = await resolver.resolve(
      observationOf(tenant, [{ type: 'anonymous_id', value: 'family-pc' }], { observedAt: at(0) }),
    );
    const pcWith = (user: string, minutes: number) =>
      observationOf(
        tenant,
        [
          { type: 'anonymous_id', value: 'family-pc' },
          { type: 'user_id', value: user },
        ],
        { observedAt: at(minutes) },
      );
    await resolver.resolve(pcWith('bob', 50));

    // Act
    const late = await resolver.resolve(pcWith('ada', 10));

    // Assess
    expect(late.restitched).toBe(true);
    expect(await personOf(tenant.siteId, 'user_id', 'ada')).toBe(pc.personId);
    expect(await personOf(tenant.siteId, 'anonymous_id', 'family-pc')).toBe(pc.personId);
    const bob = await personOf(tenant.siteId, 'user_id', 'bob');
    expect(late.createdPersons).toEqual([bob]);
    expect(bob).not.toBe(pc.personId);
  });

  it('keeps the latest $set and the earliest $set_once by event time, whatever the arrival order', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const at = (minutes: number) => Date.UTC(2026, 10, 3) + minutes * 60_000;
    const visitor = [{ type: 'anonymous_id' as const, value: 'trait-visitor' }];
    const arrivals = [
      observationOf(tenant, visitor, {
        observedAt: at(30),
        traits: { $set: { plan: 'team' }, $set_once: { source: 'ads' } },
      }),
      observationOf(tenant, visitor, {
        observedAt: at(10),
        traits: { $set: { plan: 'free' }, $set_once: { source: 'seo' } },
      }),
      observationOf(tenant, visitor, {
        observedAt: at(20),
        traits: { $set: { plan: 'pro' }, $set_once: { source: 'mail' } },
      }),
    ];

    // Act
    for (const observation of arrivals) await resolver.resolve(observation);

    // Assess
    const traits = await sql.db
      .selectFrom('person_traits')
      .select(['key', 'mode', 'value'])
      .where('organization_id', '=', tenant.organizationId)
      .orderBy('key')
      .execute();
    expect(traits).toEqual([
      { key: 'plan', mode: 'set', value: 'team' },
      { key: 'source', mode: 'set_once', value: 'seo' },
    ]);
  });

  it('stores a trait set to null as the value null', async () => {
    // Prepare
    const tenant = await createTenant(sql);

    // Act
    await resolver.resolve(
      observationOf(tenant, [{ type: 'anonymous_id', value: 'nulls' }], { traits: { $set: { coupon: null } } }),
    );

    // Assess
    const trait = await sql.db
      .selectFrom('person_traits')
      .select(['key', 'value'])
      .where('organization_id', '=', tenant.organizationId)
      .executeTakeFirstOrThrow();
    expect(trait).toEqual({ key: 'coupon', value: null });
  });

  it('moves traits and company links into the person a merge keeps', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const first = await resolver.resolve(observationOf(tenant, [{ type: 'anonymous_id', value: 'desk' }]));
    const second = await resolver.resolve(
      observationOf(tenant, [{ type: 'anonymous_id', value: 'mobile' }], {
        traits: { $set: { role: 'cto' } },
        company: { groupId: 'acct-1', domain: 'initech.com', name: 'Initech' },
      }),
    );

    // Act
    await resolver.resolve(
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'desk' },
        { type: 'anonymous_id', value: 'mobile' },
      ]),
    );

    // Assess
    const traits = await sql.db
      .selectFrom('person_traits')
      .select(['person_id', 'key'])
      .where('organization_id', '=', tenant.organizationId)
      .execute();
    expect(traits).toEqual([{ person_id: first.personId, key: 'role' }]);
    const links = await sql.db
      .selectFrom('person_companies')
      .select('person_id')
      .where('organization_id', '=', tenant.organizationId)
      .execute();
    expect(links).toEqual([{ person_id: first.personId }]);
    expect(second.personId).not.toBe(first.personId);
  });

  it('makes a company of a work e-mail domain but not of a free-mail one', async () => {
    // Prepare
    const tenant = await createTenant(sql);

    // Act
    await resolver.resolve(observationOf(tenant, [{ type: 'email', value: 'ada@globex.co.uk' }]));
    await resolver.resolve(observationOf(tenant, [{ type: 'email', value: 'bob@gmail.com' }]));

    // Assess
    const companies = await sql.db
      .selectFrom('companies')
      .select('domain')
      .where('organization_id', '=', tenant.organizationId)
      .execute();
    expect(companies).toEqual([{ domain: 'globex.co.uk' }]);
  });

  it("keeps a company's latest name, whatever order its group calls arrive in", async () => {
    // Prepare: the account was renamed; its older group call is delivered last.
    const tenant = await createTenant(sql);
    const renamed = observationOf(tenant, [{ type: 'user_id', value: 'admin-1' }], {
      company: { groupId: 'acct-7', name: 'Hooli XYZ' },
      observedAt: Date.UTC(2026, 10, 5),
    });
    const original = observationOf(tenant, [{ type: 'user_id', value: 'admin-2' }], {
      company: { groupId: 'acct-7', name: 'Hooli' },
      observedAt: Date.UTC(2026, 10, 1),
    });

    // Act
    await resolver.resolve(renamed);
    await resolver.resolve(original);

    // Assess
    const companies = await sql.db
      .selectFrom('companies')
      .select(['group_id', 'name'])
      .where('organization_id', '=', tenant.organizationId)
      .execute();
    expect(companies).toEqual([{ group_id: 'acct-7', name: 'Hooli XYZ' }]);
  });

  it('records each event once with its session, however often it is delivered', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const page = observationOf(tenant, [{ type: 'anonymous_id', value: 'redelivered' }], {
      event: { type: 'page', url: 'https://shop.example/a', sessionId: 'sess-r' },
    });

    // Act
    await resolver.resolve(page);
    await resolver.resolve(page);

    // Assess
    const events = await sql.db.selectFrom('events').select('event_id').where('site_id', '=', tenant.siteId).execute();
    const session = await sql.db
      .selectFrom('sessions')
      .select(['event_count', 'entry_url'])
      .where('site_id', '=', tenant.siteId)
      .executeTakeFirstOrThrow();
    expect(events).toEqual([{ event_id: page.eventId }]);
    expect(session).toEqual({ event_count: 1, entry_url: 'https://shop.example/a' });
  });
  it('stores each person a batch creates with the identifier that started it, as one by one does', async () => {
    // Prepare
    const [byBatch, oneByOne] = [await createTenant(sql), await createTenant(sql)];
    const stream = (tenant: { organizationId: string; siteId: string }) => [
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'laptop' },
        { type: 'user_id', value: 'u-7' },
      ]),
      observationOf(tenant, [{ type: 'anonymous_id', value: 'phone' }]),
      observationOf(tenant, [
        { type: 'anonymous_id', value: 'tablet' },
        { type: 'email', value: 'ada@example.com' },
      ]),
    ];
    const creators = async (siteId: string) => {
      const { rows } = await raw<{ id: string; type: string }>`
        select p.id, i.type from persons p join identifiers i on i.id = p.creator_identifier_id
        where p.site_id = ${siteId}::uuid order by i.type, p.id`.execute(sql.db);
      return rows.map((r) => r.type);
    };

    // Act
    const outcomes = await resolver.resolveBatch(stream(byBatch));
    for (const observation of stream(oneByOne)) await resolver.resolve(observation);

    // Assess
    expect(outcomes.map((o) => o.ok && o.resolution.createdPersons.length)).toEqual([1, 1, 1]);
    expect(await creators(byBatch.siteId)).toEqual(['anonymous_id', 'email', 'user_id']);
    expect(await creators(byBatch.siteId)).toEqual(await creators(oneByOne.siteId));
  });
});
