import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ApiDeps } from '../api/api-deps';
import { apiConfigFromEnv } from '../api/api-env';
import { apiRoutes } from '../api/api-routes';
import { createAuthenticator } from '../api/auth/authenticate';
import { createSessionStore } from '../api/auth/session-store';
import { createApiRouter } from '../api/http/api-router';
import { createLakeReader } from '../api/stats/lake-reader';
import { httpErrorHandler } from '../core/http/error-handler';
import type { HttpResponse } from '../core/http/responses';
import { lazyHandler } from './lazy-handler';

/**
 * The dashboard's API: `ANY /api/{proxy+}`. Signs callers in (a session cookie in `npm start`,
 * API Gateway's Cognito JWT authorizer in AWS), enforces each route's role, scopes every database
 * statement to the caller's organization by row-level security, validates every input, and
 * aggregates events where they live (Athena / DuckDB) and persons in PostgreSQL.
 *
 * @example
 * const api = makeApiHandler({ sql, analytics, analyticsDatabase: LOCAL_DATABASE, keyValue, keyring, auth: { kind: 'local' } });
 * routes.push({ routeKey: 'ANY /api/{proxy+}', functionName: 'api', handler: api });
 */
export function makeApiHandler(deps: ApiDeps) {
  const sessions = createSessionStore(deps.sql, deps.now ? { now: deps.now } : {});
  const lake = createLakeReader({
    analytics: deps.analytics,
    database: deps.analyticsDatabase,
    ...(deps.namedQueriesDir ? { namedQueriesDir: deps.namedQueriesDir } : {}),
    ...(deps.reportCacheMs !== undefined ? { cacheMs: deps.reportCacheMs } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
  const dispatch = createApiRouter(
    apiRoutes(deps, { sessions, lake }),
    createAuthenticator({ sql: deps.sql, mode: deps.auth, sessions }),
  );
  const api = (event: APIGatewayProxyEventV2): Promise<HttpResponse> => dispatch(event);
  return middy<APIGatewayProxyEventV2, HttpResponse>(api).use(httpErrorHandler());
}

export const handler = lazyHandler(async () => {
  const { awsDependencies } = await import('../composition/aws-dependencies');
  const { createOrganizationKeyring } = await import('../identity/crypto/organization-keys');
  const { createCognitoUserDirectory } = await import('../adapters/aws/cognito-user-directory');
  const { ENV, requireEnv } = await import('../core/config');
  const deps = await awsDependencies();
  const config = apiConfigFromEnv();
  return makeApiHandler({
    sql: deps.sql,
    analytics: deps.analytics,
    analyticsDatabase: requireEnv(ENV.glueDatabase),
    keyValue: deps.keyValue,
    keyring: createOrganizationKeyring(deps.sql, deps.keyWrapper),
    auth: config.auth,
    ...(config.auth.kind === 'cognito'
      ? { userDirectory: createCognitoUserDirectory({ userPoolId: config.auth.userPoolId }) }
      : {}),
    namedQueriesDir: config.namedQueriesDir,
    attributionQueriesDir: config.attributionQueriesDir,
    ...(config.trackerOrigin ? { trackerOrigin: config.trackerOrigin } : {}),
  });
});
