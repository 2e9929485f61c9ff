import type { IdentityObservation } from '../../lambdas/identity/observation';
import { createResolver } from '../../lambdas/identity/resolver';
import { type ApiFixture, createApiFixture } from './support/api-fixture';

/** Visitors and companies as identity resolution left them, read through the API. */
describe('visitors and companies', () => {
  let api: ApiFixture;
  /** The person Ada ends as, once her visit as anon-3 joined her signed-in one. */
  let ada: string;
  /** The one of the two that was merged into the other (the later-started one). */
  let mergedAway: string;
  let anonymousOnly: string;
  let n = 0;

  const observe = async (
    observation: Omit<IdentityObservation, 'v' | 'organizationId' | 'siteId' | 'eventId' | 'observedAt'>,
  ) => {
    n++;
    const resolver = createResolver({ sql: api.sql, keyring: api.deps.keyring });
    const { personId } = await resolver.resolve({
      v: 1,
      organizationId: api.organizationId,
      siteId: api.siteId,
      eventId: `e-${n}`,
      observedAt: Date.UTC(2026, 2, 1, 10, n),
      ...observation,
    });
    if (!personId) throw new Error(`observation ${n} resolved to no person`);
    return { personId };
  };

  beforeAll(async () => {
    api = await createApiFixture();
    const firstVisit = (await observe({ identifiers: [{ type: 'anonymous_id', value: 'anon-3' }] })).personId;
    const signedIn = (
      await observe({
        identifiers: [
          { type: 'anonymous_id', value: 'anon-1' },
          { type: 'user_id', value: 'u-ada' },
          { type: 'email', value: 'Ada@Example.com' },
        ],
        traits: { $set: { name: 'Ada Lovelace', plan: 'pro' } },
        company: { domain: 'analytical.example', name: 'Analytical Engines' },
        event: { type: 'page', url: 'https://acme.example/pricing', sessionId: 'sess-1' },
      })
    ).personId;
    ada = (
      await observe({
        identifiers: [
          { type: 'anonymous_id', value: 'anon-3' },
          { type: 'user_id', value: 'u-ada' },
        ],
        event: { type: 'track', name: 'signup', sessionId: 'sess-2' },
      })
    ).personId;
    mergedAway = ada === firstVisit ? signedIn : firstVisit;
    await observe({
      identifiers: [
        { type: 'user_id', value: 'u-bob' },
        { type: 'email', value: 'bob@corp.example' },
      ],
    });
    anonymousOnly = (await observe({ identifiers: [{ type: 'anonymous_id', value: 'anon-2' }] })).personId;
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const persons = (query: Record<string, string> = {}) =>
    api.call(`/api/sites/${api.siteId}/persons`, { query, as: api.members.analyst });

  it('lists identified persons only, unless asked for everyone', async () => {
    // Act
    const identified = await persons();
    const everyone = await persons({ identified: 'false' });

    // Assess
    expect(identified.status).toBe(200);
    expect(identified.body.rows.map((p: { displayName: string }) => p.displayName).sort()).toEqual([
      'ada@example.com',
      'bob@corp.example',
    ]);
    expect(everyone.body.rows.map((p: { id: string }) => p.id)).toContain(anonymousOnly);
    expect(everyone.body.rows.map((p: { id: string }) => p.id)).not.toContain(mergedAway);
  });

  it('finds a person by e-mail address through its blind index, whatever its case', async () => {
    // Act
    const answer = await persons({ q: 'ADA@example.COM' });

    // Assess
    expect(answer.body.rows).toHaveLength(1);
    expect(answer.body.rows[0]).toMatchObject({
      id: ada,
      email: 'ada@example.com',
      userId: 'u-ada',
      traits: { name: 'Ada Lovelace', plan: 'pro' },
      companies: expect.arrayContaining([
        expect.objectContaining({ domain: 'analytical.example', name: 'Analytical Engines' }),
      ]),
      sessions: 2,
    });
  });

  it('finds persons by the start of a user id, taking % and _ literally', async () => {
    // Act
    const prefix = await persons({ q: 'u-b' });
    const wildcard = await persons({ q: '%' });

    // Assess
    expect(prefix.body.rows.map((p: { userId: string }) => p.userId)).toEqual(['u-bob']);
    expect(wildcard.body.rows).toEqual([]);
  });

  it("shows a person's identities, traits, company, merge history and sessions", async () => {
    // Act
    const answer = await api.call(`/api/persons/${ada}`, { as: api.members.analyst });

    // Assess
    expect(answer.status).toBe(200);
    const { person, sessions, events } = answer.body;
    expect(person.identifiers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'email', value: 'ada@example.com' }),
        expect.objectContaining({ type: 'user_id', value: 'u-ada' }),
        expect.objectContaining({ type: 'anonymous_id', value: 'anon-3' }),
      ]),
    );
    expect(person.merges).toEqual([expect.objectContaining({ from: mergedAway, into: ada })]);
    expect(sessions.map((s: { sessionId: string }) => s.sessionId).sort()).toEqual(['sess-1', 'sess-2']);
    expect(events.map((e: { type: string }) => e.type).sort()).toEqual(['page', 'track']);
  });

  it('leads a merged id to the person it was merged into', async () => {
    // Act
    const answer = await api.call(`/api/persons/${mergedAway}`, { as: api.members.analyst });

    // Assess
    expect(answer.body.person.id).toBe(ada);
    expect(answer.body.redirectedFrom).toBe(mergedAway);
  });

  it('lists companies with their persons', async () => {
    // Act
    const list = await api.call(`/api/sites/${api.siteId}/companies`, {
      query: { q: 'ANALYTICAL' },
      as: api.members.analyst,
    });
    const company = list.body.rows[0];
    const detail = await api.call(`/api/sites/${api.siteId}/companies/${company.id}`, { as: api.members.analyst });

    // Assess
    expect(company).toMatchObject({ domain: 'analytical.example', name: 'Analytical Engines', persons: 1 });
    expect(detail.body.company).toMatchObject({ id: company.id, domain: 'analytical.example' });
    expect(detail.body.persons.rows.map((p: { id: string }) => p.id)).toEqual([ada]);
  });

  it.each([
    ['persons', 'ada\u0000'],
    ['companies', 'analytical\u0000'],
  ])('answers 400 naming q for a %s search holding a NUL character', async (list, q) => {
    // Act
    const answer = await api.call(`/api/sites/${api.siteId}/${list}`, { query: { q }, as: api.members.analyst });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'validation_error', field: 'q' });
  });

  it.each([
    ['an address without a domain', 'x@'],
    ['a blocked address', 'test@test.com'],
  ])('answers 400 naming q for an e-mail search with %s', async (_name, q) => {
    // Act
    const answer = await persons({ q });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'validation_error', field: 'q' });
  });

  it("does not show another organization's person, and shows viewers no persons at all", async () => {
    // Prepare
    const other = await api.otherTenant();

    // Act
    const stranger = await api.call(`/api/persons/${ada}`, { as: other.owner });
    const viewer = await api.call(`/api/persons/${ada}`, { as: api.members.viewer });

    // Assess
    expect(stranger.status).toBe(404);
    expect(viewer.status).toBe(403);
  });
});
