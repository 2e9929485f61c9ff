import type { ApiDeps } from './api-deps';
import { sessionRoutes } from './auth/session-routes';
import type { SessionStore } from './auth/session-store';
import { type ApiRoute, defineRoute } from './http/api-route';
import { openApiDocument } from './http/openapi';
import { personRoutes } from './persons/person-routes';
import { siteRoutes } from './sites/site-routes';
import { siteSettingsRoutes } from './sites/site-settings-routes';
import { attributionRoutes } from './stats/attribution-routes';
import type { LakeReader } from './stats/lake-reader';
import { statsRoutes } from './stats/stats-routes';
import { teamRoutes } from './team/team-routes';

/** The API's version, as the OpenAPI description states it. */
export const API_VERSION = '1.0.0';

/**
 * Every route of the API, and `GET /api/openapi.json` describing them: one table that the router,
 * the role checks, validation and the OpenAPI description all read.
 *
 * @example
 * const routes = apiRoutes(deps, { sessions: createSessionStore(deps.sql), lake: createLakeReader({ analytics, database }) });
 */
export function apiRoutes(deps: ApiDeps, parts: { sessions: SessionStore; lake: LakeReader }): ApiRoute[] {
  const routes: ApiRoute[] = [
    ...sessionRoutes(deps, parts.sessions),
    ...siteRoutes(deps),
    ...siteSettingsRoutes(deps),
    ...statsRoutes(deps, parts.lake),
    ...attributionRoutes(deps),
    ...personRoutes(deps),
    ...teamRoutes(deps),
  ];
  let document: Record<string, unknown> | undefined;
  const openApi = defineRoute({
    method: 'GET',
    path: '/api/openapi.json',
    access: 'public',
    tag: 'Meta',
    summary: 'This description of the API (OpenAPI 3.1)',
    response: { description: 'The OpenAPI document' },
    async handle() {
      document ??= openApiDocument(all, { title: 'Sightline API', version: API_VERSION });
      return { body: document, headers: { 'cache-control': 'public, max-age=300' } };
    },
  });
  const all = [openApi, ...routes];
  return all;
}
