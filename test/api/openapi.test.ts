import { apiRoutes } from '../../lambdas/api/api-routes';
import { createSessionStore } from '../../lambdas/api/auth/session-store';
import { createLakeReader } from '../../lambdas/api/stats/lake-reader';
import { type ApiFixture, createApiFixture } from './support/api-fixture';

describe('OpenAPI description at /api/openapi.json', () => {
  let api: ApiFixture;

  beforeAll(async () => {
    api = await createApiFixture();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('describes every route of the route table, with the role each needs, without signing in', async () => {
    // Prepare
    const routes = apiRoutes(api.deps, {
      sessions: createSessionStore(api.sql),
      lake: createLakeReader({ analytics: api.analytics, database: 'main' }),
    });

    // Act
    const answer = await api.call('/api/openapi.json');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe('3.1.0');
    const described = Object.entries(
      answer.body.paths as Record<string, Record<string, { 'x-sightline-role': string }>>,
    ).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, op]) => `${method.toUpperCase()} ${path} ${op['x-sightline-role']}`),
    );
    expect(described.sort()).toEqual(routes.map((r) => `${r.method} ${r.path} ${r.access}`).sort());
  });

  it('documents parameters with their bounds, and request bodies', async () => {
    // Act
    const { body } = await api.call('/api/openapi.json');

    // Assess
    const pages = body.paths['/api/sites/{siteId}/stats/pages'].get;
    expect(pages.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'siteId', in: 'path', required: true }),
        expect.objectContaining({ name: 'from', in: 'query', required: true }),
        expect.objectContaining({
          name: 'kind',
          in: 'query',
          schema: expect.objectContaining({ enum: ['top', 'entry', 'exit'] }),
        }),
        expect.objectContaining({
          name: 'limit',
          in: 'query',
          required: false,
          schema: expect.objectContaining({ maximum: 100 }),
        }),
      ]),
    );
    const createSite = body.paths['/api/sites'].post;
    expect(createSite.requestBody.content['application/json'].schema.required).toEqual(['domain']);
    expect(createSite.responses['400']).toEqual({ $ref: '#/components/responses/Error' });
    expect(body.paths['/api/openapi.json'].get.security).toEqual([]);
  });
});
