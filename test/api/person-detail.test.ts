import type { IdentityObservation } from '../../lambdas/identity/observation';
import { createResolver } from '../../lambdas/identity/resolver';
import { type ApiFixture, createApiFixture } from './support/api-fixture';

/** One person's page through the API: the traits and companies identity resolution kept. */
describe('person detail', () => {
  let api: ApiFixture;
  let grace: string;
  let n = 0;

  const observe = async (
    observation: Omit<IdentityObservation, 'v' | 'organizationId' | 'siteId' | 'eventId' | 'observedAt'>,
  ) => {
    n++;
    const { personId } = await createResolver({ sql: api.sql, keyring: api.deps.keyring }).resolve({
      v: 1,
      organizationId: api.organizationId,
      siteId: api.siteId,
      eventId: `pd-${n}`,
      observedAt: Date.UTC(2026, 2, 1, 9, n),
      ...observation,
    });
    if (!personId) throw new Error(`observation ${n} resolved to no person`);
    return personId;
  };

  beforeAll(async () => {
    api = await createApiFixture();
    grace = await observe({
      identifiers: [
        { type: 'anonymous_id', value: 'anon-g' },
        { type: 'user_id', value: 'u-grace' },
        { type: 'email', value: 'grace@navy.example' },
      ],
      traits: { $set: { name: 'Grace Hopper', plan: 'free', seats: 3 }, $set_once: { signupSource: 'newsletter' } },
      company: { groupId: 'g-cobol', name: 'COBOL Committee', domain: 'cobol.example' },
    });
    // Later: the plan changes, a first-touch trait must not be overwritten.
    await observe({
      identifiers: [{ type: 'user_id', value: 'u-grace' }],
      traits: { $set: { plan: 'pro' }, $set_once: { signupSource: 'ad' } },
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it("shows a person's latest traits, keeping set-once traits as first given", async () => {
    // Act
    const answer = await api.call(`/api/persons/${grace}`, { as: api.members.analyst });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.person.traits).toEqual({
      name: 'Grace Hopper',
      plan: 'pro',
      seats: 3,
      signupSource: 'newsletter',
    });
  });

  it("shows a person's companies: the group they joined and their e-mail domain's", async () => {
    // Act
    const answer = await api.call(`/api/persons/${grace}`, { as: api.members.analyst });

    // Assess
    const companies = [...answer.body.person.companies].sort((a, b) => a.source.localeCompare(b.source));
    expect(companies).toEqual([
      {
        id: expect.any(String),
        domain: 'navy.example',
        name: null,
        groupId: null,
        source: 'email_domain',
        firstSeenAt: '2026-03-01T09:01:00.000Z',
      },
      {
        id: expect.any(String),
        domain: 'cobol.example',
        name: 'COBOL Committee',
        groupId: 'g-cobol',
        source: 'group',
        firstSeenAt: '2026-03-01T09:01:00.000Z',
      },
    ]);
  });

  it("leads from a person's company to the company's page listing them", async () => {
    // Prepare
    const detail = await api.call(`/api/persons/${grace}`, { as: api.members.analyst });
    const group = detail.body.person.companies.find((c: { source: string }) => c.source === 'group');

    // Act
    const company = await api.call(`/api/sites/${api.siteId}/companies/${group.id}`, { as: api.members.analyst });

    // Assess
    expect(company.body.company).toMatchObject({ id: group.id, name: 'COBOL Committee', domain: 'cobol.example' });
    expect(company.body.persons.rows.map((p: { id: string }) => p.id)).toEqual([grace]);
  });
});
