import { type ApiFixture, createApiFixture } from './support/api-fixture';

describe('input validation and tenant isolation', () => {
  let api: ApiFixture;

  beforeAll(async () => {
    api = await createApiFixture();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const overview = (query: Record<string, string>) =>
    api.call(`/api/sites/${api.siteId}/stats/overview`, { query, as: api.members.viewer });

  it.each([
    ['a malformed date', { from: '2026-3-1', to: '2026-03-31' }, 'from'],
    ['a day that does not exist', { from: '2026-02-30', to: '2026-03-31' }, 'from'],
    ['a missing end', { from: '2026-03-01' }, 'to'],
    ['an end before the start', { from: '2026-03-31', to: '2026-03-01' }, 'to'],
    ['a range over 400 days', { from: '2024-01-01', to: '2026-03-01' }, 'to'],
  ])('answers 400 naming the field for %s', async (_name, query, field) => {
    // Act
    const answer = await overview(query);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'validation_error', field });
  });

  it.each([
    ['limit', { limit: '101' }],
    ['limit', { limit: 'ten' }],
    ['offset', { offset: '-1' }],
    ['kind', { kind: 'secret' }],
  ])('bounds the breakdown parameter %s', async (field, extra) => {
    // Act
    const answer = await api.call(`/api/sites/${api.siteId}/stats/pages`, {
      query: { from: '2026-03-01', to: '2026-03-31', kind: 'top', ...extra },
      as: api.members.viewer,
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe(field);
  });

  it('names the funnel step at fault', async () => {
    // Act
    const answer = await api.call(`/api/sites/${api.siteId}/stats/funnel`, {
      query: { from: '2026-03-01', to: '2026-03-31', steps: `/pricing,${'x'.repeat(201)}` },
      as: api.members.viewer,
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('steps.1');
  });

  it('names the body field at fault, an unknown one included, and the body itself when it is not JSON', async () => {
    // Act
    const badDomain = await api.call('/api/sites', {
      method: 'POST',
      body: { domain: 'not a domain!' },
      as: api.members.admin,
    });
    const unknownField = await api.call('/api/sites', {
      method: 'POST',
      body: { domain: 'ok.example', plan: 'pro' },
      as: api.members.admin,
    });
    const notJson = await api.call('/api/sites', { method: 'POST', body: '{nope', as: api.members.admin });
    const badOrigin = await api.call('/api/sites', {
      method: 'POST',
      body: { domain: 'ok.example', allowedOrigins: ['javascript:alert(1)'] },
      as: api.members.admin,
    });

    // Assess
    expect(badDomain.body.error).toMatchObject({ code: 'validation_error', field: 'domain' });
    expect(unknownField.body.error).toMatchObject({ code: 'validation_error', field: 'plan' });
    expect(notJson.body.error).toMatchObject({ code: 'validation_error', field: 'body' });
    expect(badOrigin.body.error).toMatchObject({ code: 'validation_error', field: 'allowedOrigins.0' });
  });

  it('answers 400 naming siteId for a path that is not a site id', async () => {
    // Act
    const answer = await api.call('/api/sites/42/stats/overview', {
      query: { from: '2026-03-01', to: '2026-03-02' },
      as: api.members.viewer,
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('siteId');
  });

  it("does not find another organization's site, for reports or for changes", async () => {
    // Prepare
    const other = await api.otherTenant();

    // Act
    const report = await api.call(`/api/sites/${other.siteId}/stats/overview`, {
      query: { from: '2026-03-01', to: '2026-03-02' },
      as: api.members.owner,
    });
    const rename = await api.call(`/api/sites/${other.siteId}`, {
      method: 'PATCH',
      body: { name: 'mine now' },
      as: api.members.owner,
    });
    const theirs = await api.call('/api/sites', { as: other.owner });

    // Assess
    expect(report.status).toBe(404);
    expect(rename.status).toBe(404);
    expect(theirs.body.sites.map((s: { id: string }) => s.id)).toEqual([other.siteId]);
  });

  it('answers 404 for an unknown route and 405 naming the allowed methods', async () => {
    // Act
    const unknown = await api.call('/api/nothing', { as: api.members.viewer });
    const wrongMethod = await api.call('/api/team', { method: 'PUT', body: {}, as: api.members.owner });

    // Assess
    expect(unknown.status).toBe(404);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET');
  });
});
