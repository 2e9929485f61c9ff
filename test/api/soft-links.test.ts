import type { IdentifierInput } from '../../lambdas/identity/identifier-types';
import { createResolver } from '../../lambdas/identity/resolver';
import { type ApiFixture, createApiFixture } from './support/api-fixture';

/** Soft links listed for review and decided through the API. */
describe('soft link review', () => {
  let api: ApiFixture;
  let n = 0;

  const observe = async (identifiers: IdentifierInput[]) => {
    n++;
    const resolver = createResolver({ sql: api.sql, keyring: api.deps.keyring });
    const { personId } = await resolver.resolve({
      v: 1,
      organizationId: api.organizationId,
      siteId: api.siteId,
      eventId: `sl-${n}`,
      observedAt: Date.UTC(2026, 2, 1, 10, n),
      identifiers,
    });
    return personId as string;
  };
  const openLinks = async () =>
    (await api.call(`/api/sites/${api.siteId}/soft-links`, { as: api.members.analyst })).body.links as {
      id: number;
      personA: string;
      personB: string;
      evidence: { kind: string }[];
    }[];
  const decide = (linkId: number, decision: string, as = api.members.analyst) =>
    api.call(`/api/sites/${api.siteId}/soft-links/${linkId}`, { method: 'POST', body: { decision }, as });

  beforeAll(async () => {
    api = await createApiFixture();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('merges the persons of an accepted link and shows the merge in the person', async () => {
    // Prepare
    const a = await observe([
      { type: 'anonymous_id', value: 'api-sl-1' },
      { type: 'email', value: 'margaret.h@gmail.com' },
    ]);
    const b = await observe([
      { type: 'user_id', value: 'u-margaret' },
      { type: 'email', value: 'margareth+news@gmail.com' },
    ]);
    const [link] = (await openLinks()).filter((l) => [l.personA, l.personB].sort().join() === [a, b].sort().join());

    // Act
    const answer = await decide(link?.id as number, 'accept');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      id: link?.id,
      status: 'accepted',
      personId: expect.any(String),
      decidedBy: api.members.analyst.email,
      decidedAt: expect.any(String),
    });
    const person = await api.call(`/api/persons/${answer.body.personId}`, { as: api.members.analyst });
    expect(person.body.person.merges).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'manual_review' })]),
    );
    expect((await openLinks()).map((l) => l.id)).not.toContain(link?.id);
  });

  it('answers 409 when the stitching rules refuse the merge, and 404 for a link it does not know', async () => {
    // Prepare
    await observe([
      { type: 'user_id', value: 'u-dennis-1' },
      { type: 'email', value: 'dennis.r@gmail.com' },
    ]);
    await observe([
      { type: 'user_id', value: 'u-dennis-2' },
      { type: 'email', value: 'dennisr@gmail.com' },
    ]);
    const link = (await openLinks()).find((l) => l.evidence.some((e) => e.kind === 'email_variant'));

    // Act
    const refused = await decide(link?.id as number, 'accept');
    const unknown = await decide(999_999_999, 'reject');

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/limit:user_id/);
    expect((await openLinks()).map((l) => l.id)).toContain(link?.id);
    expect(unknown.status).toBe(404);
  });

  it("lists a person's soft links with both persons as the visitors list shows them", async () => {
    // Prepare
    const a = await observe([
      { type: 'anonymous_id', value: 'api-sl-kj' },
      { type: 'email', value: 'katherine.j@gmail.com' },
    ]);
    const b = await observe([
      { type: 'user_id', value: 'u-katherine' },
      { type: 'email', value: 'katherinej+work@gmail.com' },
    ]);

    // Act
    const answer = await api.call(`/api/sites/${api.siteId}/soft-links`, {
      query: { personId: a },
      as: api.members.analyst,
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ limit: 25, offset: 0, hasMore: false });
    expect(answer.body.links).toEqual([
      expect.objectContaining({
        personA: [a, b].sort()[0],
        personB: [a, b].sort()[1],
        score: 0.85,
        evidence: [expect.objectContaining({ kind: 'email_variant', windows: 1 })],
      }),
    ]);
    expect(answer.body.persons[a]).toMatchObject({ id: a, displayName: 'katherine.j@gmail.com', userId: null });
    expect(answer.body.persons[b]).toMatchObject({
      id: b,
      displayName: 'katherinej+work@gmail.com',
      userId: 'u-katherine',
      sessions: 0,
    });
  });

  it('pages through the open soft links, each page naming only its own persons', async () => {
    // Prepare
    await observe([{ type: 'email', value: 'hedy.l@gmail.com' }]);
    await observe([{ type: 'email', value: 'hedyl@gmail.com' }]);
    const all = (await api.call(`/api/sites/${api.siteId}/soft-links`, { as: api.members.analyst })).body;
    const page = (offset: number) =>
      api.call(`/api/sites/${api.siteId}/soft-links`, {
        query: { limit: '1', offset: String(offset) },
        as: api.members.analyst,
      });

    // Act
    const first = await page(0);
    const second = await page(1);
    const last = await page(all.links.length - 1);

    // Assess
    expect(all.links.length).toBeGreaterThanOrEqual(2);
    expect([first.body.links[0].id, second.body.links[0].id]).toEqual(
      all.links.slice(0, 2).map((l: { id: number }) => l.id),
    );
    expect([first.body.hasMore, last.body.hasMore]).toEqual([true, false]);
    expect(Object.keys(first.body.persons).sort()).toEqual(
      [first.body.links[0].personA, first.body.links[0].personB].sort(),
    );
  });

  it('answers 400 naming the field for a person id that is not one, or a page too large', async () => {
    // Act
    const badPerson = await api.call(`/api/sites/${api.siteId}/soft-links`, {
      query: { personId: 'someone' },
      as: api.members.analyst,
    });
    const tooMany = await api.call(`/api/sites/${api.siteId}/soft-links`, {
      query: { limit: '101' },
      as: api.members.analyst,
    });

    // Assess
    expect([badPerson.status, badPerson.body.error.field]).toEqual([400, 'personId']);
    expect([tooMany.status, tooMany.body.error.field]).toEqual([400, 'limit']);
  });

  it('rejects a link for good as the member who decided, and refuses a viewer or a decision it does not know', async () => {
    // Prepare
    const link = (await openLinks())[0];

    // Act
    const asViewer = await decide(link?.id as number, 'reject', api.members.viewer);
    const invalid = await decide(link?.id as number, 'merge');
    const rejected = await decide(link?.id as number, 'reject');
    const again = await decide(link?.id as number, 'accept');

    // Assess
    expect(asViewer.status).toBe(403);
    expect(invalid.status).toBe(400);
    expect(rejected.body).toEqual({
      id: link?.id,
      status: 'rejected',
      decidedBy: api.members.analyst.email,
      decidedAt: expect.any(String),
    });
    expect(again.status).toBe(409);
    const listed = await api.call(`/api/sites/${api.siteId}/soft-links`, {
      query: { status: 'rejected' },
      as: api.members.analyst,
    });
    expect(listed.body.links.map((l: { id: number; decidedBy: string }) => [l.id, l.decidedBy])).toEqual([
      [link?.id, api.members.analyst.email],
    ]);
    expect(listed.body.links[0].decidedAt).toBe(rejected.body.decidedAt);
  });
});
