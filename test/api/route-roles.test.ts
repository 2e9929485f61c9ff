import { randomUUID } from 'node:crypto';
import { apiRoutes } from '../../lambdas/api/api-routes';
import { createSessionStore } from '../../lambdas/api/auth/session-store';
import type { ApiRoute } from '../../lambdas/api/http/api-route';
import { type Access, ROLES } from '../../lambdas/api/roles';
import { createLakeReader } from '../../lambdas/api/stats/lake-reader';
import type { Role } from '../../lambdas/db/schema/core';
import { type ApiFixture, createApiFixture, type Member } from './support/api-fixture';

/**
 * Who may call each route, as the README's roles table states it: written out here, apart from the
 * route table, so a route whose check is lowered or removed fails below instead of silently
 * changing what the test expects. A new route fails until it is added here.
 */
const EXPECTED: Readonly<Record<string, Access>> = {
  'GET /api/openapi.json': 'public',
  'GET /api/config': 'public',
  'POST /api/session': 'public',
  'POST /api/invitations/accept': 'public',
  'GET /api/session': 'viewer',
  'DELETE /api/session': 'viewer',
  'GET /api/sites': 'viewer',
  'POST /api/sites': 'admin',
  'GET /api/sites/{siteId}': 'viewer',
  'PATCH /api/sites/{siteId}': 'admin',
  'DELETE /api/sites/{siteId}': 'owner',
  'POST /api/sites/{siteId}/keys/rotate': 'admin',
  'GET /api/sites/{siteId}/snippet': 'viewer',
  'GET /api/sites/{siteId}/installation': 'viewer',
  'GET /api/sites/{siteId}/settings': 'viewer',
  'PATCH /api/sites/{siteId}/settings': 'admin',
  'GET /api/sites/{siteId}/stats/overview': 'viewer',
  'GET /api/sites/{siteId}/stats/timeseries': 'viewer',
  'GET /api/sites/{siteId}/stats/realtime': 'viewer',
  'GET /api/sites/{siteId}/stats/pages': 'viewer',
  'GET /api/sites/{siteId}/stats/sources': 'viewer',
  'GET /api/sites/{siteId}/stats/geo': 'viewer',
  'GET /api/sites/{siteId}/stats/devices': 'viewer',
  'GET /api/sites/{siteId}/stats/funnel': 'viewer',
  'GET /api/sites/{siteId}/stats/retention': 'viewer',
  'GET /api/sites/{siteId}/attribution': 'viewer',
  'GET /api/sites/{siteId}/persons': 'analyst',
  'GET /api/persons/{personId}': 'analyst',
  'DELETE /api/persons/{personId}': 'admin',
  'GET /api/persons/{personId}/export': 'admin',
  'GET /api/persons/{personId}/lake-events': 'admin',
  'GET /api/sites/{siteId}/companies': 'analyst',
  'GET /api/sites/{siteId}/companies/{companyId}': 'analyst',
  'GET /api/sites/{siteId}/soft-links': 'analyst',
  'POST /api/sites/{siteId}/soft-links/{linkId}': 'analyst',
  'GET /api/team': 'admin',
  'POST /api/team/invitations': 'admin',
  'DELETE /api/team/invitations/{invitationId}': 'admin',
  'PATCH /api/team/members/{userId}': 'admin',
  'DELETE /api/team/members/{userId}': 'admin',
};

const keyOf = (route: Pick<ApiRoute, 'method' | 'path'>) => `${route.method} ${route.path}`;

/**
 * The role check of every route in the route table, through the real API handler with real
 * sessions: no session is 401, each role below the route's is 403 (before any input is read),
 * and the route's own role gets past the check.
 */
describe('roles on every route', () => {
  let api: ApiFixture;
  let routes: readonly ApiRoute[];

  beforeAll(async () => {
    api = await createApiFixture();
    routes = apiRoutes(api.deps, {
      sessions: createSessionStore(api.sql),
      lake: createLakeReader({ analytics: api.analytics, database: api.deps.analyticsDatabase, cacheMs: 0 }),
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  /** A new session of the fixture's member of `role`, so a sign-out or removal cannot spoil the next call. */
  const signedIn = async (role: Role): Promise<Member> => {
    const member = api.members[role];
    const session = await createSessionStore(api.sql).create({
      userId: member.userId,
      organizationId: api.organizationId,
    });
    return { ...member, cookie: `sl_session=${session.token}`, csrfToken: session.csrfToken };
  };

  /** The route's path with its parameters filled: nothing real, so no call changes anything. */
  const concrete = (route: ApiRoute) => route.path.replace(/\{[^}]+\}/g, () => randomUUID());
  const call = (route: ApiRoute, as?: Member) =>
    api.call(concrete(route), {
      method: route.method,
      ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} }),
      ...(as ? { as } : {}),
    });

  it('has an expected role for every route in the table, and the table declares it', () => {
    // Act
    const declared = Object.fromEntries(routes.map((r) => [keyOf(r), r.access]));

    // Assess
    expect(declared).toEqual(EXPECTED);
  });

  const protectedRoutes = Object.entries(EXPECTED).filter(([, access]) => access !== 'public');

  for (const [key, access] of protectedRoutes) {
    const required = access as Role;
    const below = ROLES.slice(0, ROLES.indexOf(required));
    const atOrAbove = ROLES.slice(ROLES.indexOf(required));

    it(`refuses ${key} without a session (401)${below.length ? ` and to ${below.join(', ')} (403)` : ''}`, async () => {
      // Prepare
      const route = routes.find((r) => keyOf(r) === key);
      if (!route) throw new Error(`${key} is not in the route table`);

      // Act
      const anonymous = await call(route);
      const refused = [];
      for (const role of below) refused.push({ role, answer: await call(route, await signedIn(role)) });

      // Assess
      expect(anonymous.status).toBe(401);
      for (const { role, answer } of refused) {
        expect({ role, status: answer.status }).toEqual({ role, status: 403 });
        expect(answer.body.error.message).toBe(`this needs the ${required} role or higher; you are ${role}`);
      }
    });

    it(`lets ${atOrAbove.join(', ')} past the role check of ${key}`, async () => {
      // Prepare
      const route = routes.find((r) => keyOf(r) === key);
      if (!route) throw new Error(`${key} is not in the route table`);

      // Act
      const answers = [];
      for (const role of atOrAbove) answers.push({ role, answer: await call(route, await signedIn(role)) });

      // Assess: past the check the ids are unknown (404) or the empty body is refused (400), or it works.
      for (const { role, answer } of answers) {
        expect({ role, refused: [401, 403].includes(answer.status) }).toEqual({ role, refused: false });
      }
    });
  }

  const publicRoutes = Object.entries(EXPECTED).filter(([, access]) => access === 'public');
  it(`answers ${publicRoutes.map(([key]) => key).join(', ')} without a session`, async () => {
    // Act
    const answers = [];
    for (const [key] of publicRoutes) {
      const route = routes.find((r) => keyOf(r) === key);
      if (!route) throw new Error(`${key} is not in the route table`);
      answers.push({ key, status: (await call(route)).status });
    }

    // Assess
    for (const { key, status } of answers)
      expect({ key, refused: [401, 403].includes(status) }).toEqual({ key, refused: false });
  });
});
