import { createSessionStore } from '../../lambdas/api/auth/session-store';
import { erasureReportSchema, personExportSchema } from '../../lambdas/api/persons/person-rights-schemas';
import { createResolver } from '../../lambdas/identity/resolver';
import { hashPassword } from '../../lambdas/runtime/passwords';
import { type ApiFixture, createApiFixture, type Member, PASSWORD } from './support/api-fixture';

/** Erasing a person and exporting what is held on them (GDPR erasure and access) through the API. */
describe('person erasure and export', () => {
  let api: ApiFixture;
  let n = 0;

  /** A signed-in person with an e-mail, a trait and a page view, as identity resolution leaves them. */
  const person = async (name: string) => {
    n++;
    const resolver = createResolver({ sql: api.sql, keyring: api.deps.keyring });
    const { personId } = await resolver.resolve({
      v: 1,
      organizationId: api.organizationId,
      siteId: api.siteId,
      eventId: `er-${n}`,
      observedAt: Date.UTC(2026, 2, 1, 10, n),
      identifiers: [
        { type: 'anonymous_id', value: `anon-${name}` },
        { type: 'user_id', value: `u-${name}` },
        { type: 'email', value: `${name}@example.com` },
      ],
      traits: { $set: { name } },
      event: { type: 'page', url: 'https://acme.example/pricing', sessionId: `sess-${name}` },
    });
    if (!personId) throw new Error(`${name} resolved to no person`);
    return personId;
  };
  const erase = (personId: string, as: Member = api.members.admin) =>
    api.call(`/api/persons/${personId}`, { method: 'DELETE', as });
  const exported = (personId: string, as: Member = api.members.admin) =>
    api.call(`/api/persons/${personId}/export`, { as });

  /** An admin of another organization, signed in. */
  const foreignAdmin = async (): Promise<Member> => {
    const { organizationId } = await api.otherTenant();
    const email = `admin@${organizationId}.example`;
    const user = await api.sql.db
      .insertInto('users')
      .values({ organization_id: organizationId, email, password_hash: await hashPassword(PASSWORD), role: 'admin' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const session = await createSessionStore(api.sql).create({ userId: user.id, organizationId });
    return {
      userId: user.id,
      email,
      role: 'admin',
      cookie: `sl_session=${session.token}`,
      csrfToken: session.csrfToken,
    };
  };

  beforeAll(async () => {
    api = await createApiFixture();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('exports everything held on a person to an admin, PII decrypted, as the OpenAPI description documents it', async () => {
    // Prepare
    const grace = await person('grace');

    // Act
    const answer = await exported(grace);

    // Assess
    expect(answer.status).toBe(200);
    expect(personExportSchema.safeParse(answer.body).error).toBeUndefined();
    expect(answer.body).toMatchObject({
      personId: grace,
      erased: false,
      person: { id: grace, traits: { name: 'grace' } },
    });
    expect(answer.body.person.identifiers).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'email', value: 'grace@example.com' })]),
    );
    expect(answer.body.events).toEqual([expect.objectContaining({ personId: grace, type: 'page' })]);
    expect(answer.body.lakeEvents).toEqual({ events: [], next: null, idsLeftOut: 0 });
  });

  it('pages the lake events of a person after the export’s first, refusing a cursor it did not make, naming it', async () => {
    // Prepare
    const ada = await person('ada-lovelace');

    // Act
    const page = await api.call(`/api/persons/${ada}/lake-events`, { as: api.members.admin });
    const forged = await api.call(`/api/persons/${ada}/lake-events`, {
      query: { after: 'not-a-cursor' },
      as: api.members.admin,
    });
    const byAnalyst = await api.call(`/api/persons/${ada}/lake-events`, { as: api.members.analyst });

    // Assess
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ events: [], next: null, idsLeftOut: 0 });
    expect(forged.status).toBe(400);
    expect(forged.body.error.field).toBe('after');
    expect(byAnalyst.status).toBe(403);
  });

  it('erases a person for an admin: not found, not listed, and exported as a tombstone afterwards', async () => {
    // Prepare
    const alan = await person('alan');
    const listed = () =>
      api
        .call(`/api/sites/${api.siteId}/persons`, {
          query: { identified: 'false', limit: '100' },
          as: api.members.analyst,
        })
        .then((list) => list.body.rows.map((p: { id: string }) => p.id));
    expect(await listed()).toContain(alan);

    // Act
    const answer = await erase(alan);

    // Assess
    expect(answer.status).toBe(200);
    expect(erasureReportSchema.safeParse(answer.body).error).toBeUndefined();
    expect(answer.body).toMatchObject({
      personId: alan,
      erasedPersonIds: [alan],
      identifiersDeleted: 3,
      alreadyErased: false,
    });
    expect(answer.body.keysShredded).toBeGreaterThanOrEqual(1);
    const detail = await api.call(`/api/persons/${alan}`, { as: api.members.analyst });
    expect(detail.status).toBe(404);
    expect(await listed()).not.toContain(alan);
    const tombstone = await exported(alan);
    expect(tombstone.status).toBe(200);
    expect(personExportSchema.safeParse(tombstone.body).error).toBeUndefined();
    expect(tombstone.body).toEqual({ personId: alan, erased: true, erasedAt: answer.body.erasedAt });
  });

  it('answers alreadyErased when a person is erased twice, and changes nothing more', async () => {
    // Prepare
    const edsger = await person('edsger');
    const first = await erase(edsger);

    // Act
    const second = await erase(edsger);

    // Assess
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      personId: edsger,
      erasedPersonIds: [edsger],
      identifiersDeleted: 0,
      keysShredded: 0,
      rawEventsDeleted: 0,
      eventsDeleted: 0,
      sessionsDeleted: 0,
      conversionsPseudonymized: 0,
      lakeErasurePending: true, // still owed by the lake until the daily maintenance
      erasedAt: first.body.erasedAt,
      alreadyErased: true,
    });
  });

  it('refuses erasure and export to an analyst and a viewer (403), and the person stays', async () => {
    // Prepare
    const barbara = await person('barbara');

    // Act
    const refused = [];
    for (const role of ['analyst', 'viewer'] as const) {
      const as = api.members[role];
      refused.push({ role, erase: (await erase(barbara, as)).status, export: (await exported(barbara, as)).status });
    }

    // Assess
    expect(refused).toEqual([
      { role: 'analyst', erase: 403, export: 403 },
      { role: 'viewer', erase: 403, export: 403 },
    ]);
    expect((await api.call(`/api/persons/${barbara}`, { as: api.members.analyst })).status).toBe(200);
  });

  it("answers 404 to another organization's admin on both routes, and leaves the person untouched", async () => {
    // Prepare
    const frances = await person('frances');
    const stranger = await foreignAdmin();

    // Act
    const erased = await erase(frances, stranger);
    const export_ = await exported(frances, stranger);

    // Assess
    expect([erased.status, export_.status]).toEqual([404, 404]);
    expect(JSON.stringify([erased.body, export_.body])).not.toContain('frances@example.com');
    const own = await exported(frances);
    expect(own.body).toMatchObject({ personId: frances, erased: false });
    expect(own.body.person.identifiers).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'email', value: 'frances@example.com' })]),
    );
  });

  it('answers 404 for a person it does not know', async () => {
    // Act
    const erased = await erase('00000000-0000-4000-8000-000000000000');
    const export_ = await exported('00000000-0000-4000-8000-000000000000');

    // Assess
    expect([erased.status, export_.status]).toEqual([404, 404]);
  });

  it('answers 400 naming personId for an id that is not a UUID', async () => {
    // Act
    const erased = await erase('someone');
    const export_ = await exported(`${'a'.repeat(200)}`);

    // Assess
    expect([erased.status, export_.status]).toEqual([400, 400]);
    expect([erased.body.error.field, export_.body.error.field]).toEqual(['personId', 'personId']);
  });
});
