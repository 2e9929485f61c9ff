import type { Role } from '../../lambdas/db/schema/core';
import { type ApiFixture, createApiFixture } from './support/api-fixture';

/**
 * The roles matrix, enforced by the server on every route: each row is a request and the roles
 * that may make it; every other role gets 403.
 */
describe('roles', () => {
  let api: ApiFixture;

  beforeAll(async () => {
    api = await createApiFixture();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  const range = { from: '2026-03-02', to: '2026-03-15' };
  const matrix: readonly { name: string; allowed: readonly Role[]; request: () => Parameters<ApiFixture['call']> }[] = [
    {
      name: 'read the overview',
      allowed: ['viewer', 'analyst', 'admin', 'owner'],
      request: () => [`/api/sites/${api.siteId}/stats/overview`, { query: range }],
    },
    { name: 'list sites', allowed: ['viewer', 'analyst', 'admin', 'owner'], request: () => ['/api/sites', {}] },
    {
      name: 'list persons',
      allowed: ['analyst', 'admin', 'owner'],
      request: () => [`/api/sites/${api.siteId}/persons`, {}],
    },
    {
      name: 'list companies',
      allowed: ['analyst', 'admin', 'owner'],
      request: () => [`/api/sites/${api.siteId}/companies`, {}],
    },
    {
      name: 'list soft links',
      allowed: ['analyst', 'admin', 'owner'],
      request: () => [`/api/sites/${api.siteId}/soft-links`, {}],
    },
    { name: 'see the team', allowed: ['admin', 'owner'], request: () => ['/api/team', {}] },
    {
      name: 'change settings',
      allowed: ['admin', 'owner'],
      request: () => [`/api/sites/${api.siteId}/settings`, { method: 'PATCH', body: { honorDnt: true } }],
    },
    {
      name: 'create a site',
      allowed: ['admin', 'owner'],
      request: () => [
        '/api/sites',
        { method: 'POST', body: { domain: `r${Math.random().toString(36).slice(2, 8)}.example` } },
      ],
    },
  ];

  for (const row of matrix) {
    for (const role of ['viewer', 'analyst', 'admin', 'owner'] as const) {
      const allowed = row.allowed.includes(role);
      it(`${allowed ? 'lets' : 'refuses'} a${role === 'viewer' ? '' : 'n'} ${role} ${row.name}`, async () => {
        // Prepare
        const [path, options] = row.request();

        // Act
        const answer = await api.call(path, { ...options, as: api.members[role] });

        // Assess
        if (allowed) expect(answer.status).toBeLessThan(300);
        else {
          expect(answer.status).toBe(403);
          expect(answer.body.error.message).toMatch(new RegExp(`needs the \\w+ role or higher; you are ${role}`));
        }
      });
    }
  }

  it('lets only an owner delete a site', async () => {
    // Prepare
    const created = await api.call('/api/sites', {
      method: 'POST',
      body: { domain: 'doomed.example' },
      as: api.members.admin,
    });
    const siteId = created.body.site.id;

    // Act
    const byAdmin = await api.call(`/api/sites/${siteId}`, { method: 'DELETE', as: api.members.admin });
    const byOwner = await api.call(`/api/sites/${siteId}`, { method: 'DELETE', as: api.members.owner });

    // Assess
    expect(byAdmin.status).toBe(403);
    expect(byOwner.status).toBe(204);
    expect((await api.call(`/api/sites/${siteId}`, { as: api.members.owner })).status).toBe(404);
  });

  it('checks the role before reading any input, so a viewer learns nothing from validation', async () => {
    // Act
    const answer = await api.call('/api/sites', { method: 'POST', body: { domain: '' }, as: api.members.viewer });

    // Assess
    expect(answer.status).toBe(403);
  });
});
