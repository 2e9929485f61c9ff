import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createDuckDbAnalytics } from '../../../lambdas/adapters/local/duckdb-analytics';
import { createLocalKeyValue } from '../../../lambdas/adapters/local/local-key-value';
import { createLocalKeyWrapper } from '../../../lambdas/adapters/local/local-key-wrapper';
import { createPGliteSql } from '../../../lambdas/adapters/sql/create-sql';
import type { ApiDeps } from '../../../lambdas/api/api-deps';
import type { AuthMode } from '../../../lambdas/api/auth/auth-mode';
import { createSessionStore } from '../../../lambdas/api/auth/session-store';
import type { UserDirectory } from '../../../lambdas/api/team/user-directory';
import { migrateToLatest } from '../../../lambdas/db/migrate';
import type { Role } from '../../../lambdas/db/schema/core';
import { makeApiHandler } from '../../../lambdas/handlers/api';
import { createOrganizationKeyring } from '../../../lambdas/identity/crypto/organization-keys';
import { LOCAL_DATABASE } from '../../../lambdas/lake/named-queries';
import type { Analytics } from '../../../lambdas/ports/analytics';
import type { Sql } from '../../../lambdas/ports/sql';
import { hashPassword } from '../../../lambdas/runtime/passwords';
import { createSite } from '../../../lambdas/sites/create-site';
import { makeTempDir } from '../../support/temp-dir';

export const HOST = '127.0.0.1:8787';
export const ORIGIN = `http://${HOST}`;
export const PASSWORD = 'correct horse battery staple';

export interface ApiCall {
  readonly method?: string;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  /** Signs the request in as this member (session cookie and CSRF token). */
  readonly as?: Member;
  readonly headers?: Record<string, string>;
  /** Extra API Gateway request context (a JWT authorizer's claims). */
  readonly authorizer?: unknown;
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly cookies: readonly string[];
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers by path; toEqual/toMatchObject check them.
  readonly body: any;
}

export interface Member {
  readonly userId: string;
  readonly email: string;
  readonly role: Role;
  readonly cookie: string;
  readonly csrfToken: string;
}

export interface ApiFixture {
  readonly sql: Sql;
  readonly analytics: Analytics;
  readonly deps: ApiDeps;
  readonly organizationId: string;
  readonly siteId: string;
  readonly members: Readonly<Record<Role, Member>>;
  readonly lakeDir: string;
  call(path: string, options?: ApiCall): Promise<ApiAnswer>;
  /** Another organization with one site and an owner, to prove isolation. */
  otherTenant(): Promise<{ organizationId: string; siteId: string; owner: Member }>;
  close(): Promise<void>;
}

/**
 * The API handler over an in-memory PGlite (migrated), a DuckDB lake in a temporary folder (empty
 * until a test writes to it), one organization with a site and a member of every role, each
 * signed in. Requests are API Gateway v2 events, as the Lambda receives them. Report answers are
 * not reused (`reportCacheMs: 0`) unless a test asks.
 */
export async function createApiFixture(
  options: { auth?: AuthMode; now?: () => number; reportCacheMs?: number; userDirectory?: UserDirectory } = {},
): Promise<ApiFixture> {
  const temp = makeTempDir('sightline-api-');
  const lakeDir = join(temp.dir, 'lake');
  const sql = await createPGliteSql();
  await migrateToLatest(sql);
  const analytics = await createDuckDbAnalytics({ lakeDir });
  const keyValue = createLocalKeyValue({ path: join(temp.dir, 'kv.log') });
  const deps: ApiDeps = {
    sql,
    analytics,
    analyticsDatabase: LOCAL_DATABASE,
    keyValue,
    keyring: createOrganizationKeyring(sql, createLocalKeyWrapper({ path: join(temp.dir, 'master.key') })),
    auth: options.auth ?? { kind: 'local' },
    // Tests see every write at once unless they test the cache.
    reportCacheMs: options.reportCacheMs ?? 0,
    ...(options.userDirectory ? { userDirectory: options.userDirectory } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  const handler = makeApiHandler(deps);
  const sessions = createSessionStore(sql, options.now ? { now: options.now } : {});
  const passwordHash = await hashPassword(PASSWORD);

  const tenant = async (name: string, roles: readonly Role[]) => {
    const org = await sql.db.insertInto('organizations').values({ name }).returning('id').executeTakeFirstOrThrow();
    const site = await createSite(sql, { organizationId: org.id, domain: `${name}.example`, name: `${name} site` });
    const members = {} as Record<Role, Member>;
    for (const role of roles) {
      const email = `${role}@${name}.example`;
      const user = await sql.db
        .insertInto('users')
        .values({ organization_id: org.id, email, password_hash: passwordHash, role })
        .returning('id')
        .executeTakeFirstOrThrow();
      const session = await sessions.create({ userId: user.id, organizationId: org.id });
      members[role] = {
        userId: user.id,
        email,
        role,
        cookie: `sl_session=${session.token}`,
        csrfToken: session.csrfToken,
      };
    }
    return { organizationId: org.id, siteId: site.id, members };
  };
  const home = await tenant('acme', ['owner', 'admin', 'analyst', 'viewer']);

  const call = async (path: string, call: ApiCall = {}): Promise<ApiAnswer> => {
    const method = call.method ?? 'GET';
    const query = call.query ?? {};
    const rawQueryString = new URLSearchParams(query).toString();
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(method);
    const event = {
      version: '2.0',
      routeKey: 'ANY /api/{proxy+}',
      rawPath: path,
      rawQueryString,
      ...(call.as ? { cookies: [call.as.cookie] } : {}),
      headers: {
        host: HOST,
        ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(call.as && unsafe ? { 'x-csrf-token': call.as.csrfToken, origin: ORIGIN } : {}),
        ...call.headers,
      },
      ...(rawQueryString ? { queryStringParameters: query } : {}),
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: HOST,
        domainPrefix: '127',
        http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
        requestId: 'test',
        routeKey: 'ANY /api/{proxy+}',
        stage: '$default',
        time: new Date().toISOString(),
        timeEpoch: Date.now(),
        ...(call.authorizer ? { authorizer: call.authorizer } : {}),
      },
      ...(call.body !== undefined
        ? { body: typeof call.body === 'string' ? call.body : JSON.stringify(call.body) }
        : {}),
      isBase64Encoded: false,
    } as APIGatewayProxyEventV2;
    const result = await handler(event, {} as never);
    const text = result.body ?? '';
    return {
      status: result.statusCode,
      headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
      cookies: result.cookies ?? [],
      body: text === '' ? undefined : JSON.parse(text),
    };
  };

  return {
    sql,
    analytics,
    deps,
    organizationId: home.organizationId,
    siteId: home.siteId,
    members: home.members,
    lakeDir,
    call,
    async otherTenant() {
      const other = await tenant(`other${Math.random().toString(36).slice(2, 8)}`, ['owner']);
      return { organizationId: other.organizationId, siteId: other.siteId, owner: other.members.owner };
    },
    async close() {
      await analytics.close();
      await keyValue.close();
      await sql.close();
      temp.cleanup();
    },
  };
}
