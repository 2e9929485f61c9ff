import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { createLocalKeyWrapper } from '../../lambdas/adapters/local/local-key-wrapper';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createPGliteSql } from '../../lambdas/adapters/sql/create-sql';
import { ValidationError } from '../../lambdas/core/errors';
import { migrateToLatest } from '../../lambdas/db/migrate';
import type { Analytics } from '../../lambdas/ports/analytics';
import type { Sql } from '../../lambdas/ports/sql';
import {
  type ControlCommand,
  type ControlDeps,
  makeControlHandler,
  runControlCommand,
} from '../../lambdas/runtime/control';
import { makeTempDir } from '../support/temp-dir';

const TOKEN = 'control-token-for-tests';

/** Commands whose id is not a UUID, and the field the refusal must name. */
const BAD_IDS: [string, ControlCommand, string][] = [
  ['persons export', { command: 'persons.export', personId: 'not-a-uuid' }, 'personId'],
  ['persons erase', { command: 'persons.erase', personId: "1' or '1'='1" }, 'personId'],
  ['persons lookup --site', { command: 'persons.lookup', type: 'user_id', value: 'u-1', siteId: 'site-1' }, 'siteId'],
];

/** The control commands the CLI sends, run against a migrated in-memory database with one organization. */
describe('control commands', () => {
  let sql: Sql;
  let analytics: Analytics;
  let deps: ControlDeps;
  let cleanup: () => void;

  beforeAll(async () => {
    const temp = makeTempDir('sightline-control-');
    cleanup = temp.cleanup;
    sql = await createPGliteSql();
    await migrateToLatest(sql);
    analytics = await createDuckDbAnalytics({ lakeDir: join(temp.dir, 'lake') });
    const org = await sql.db
      .insertInto('organizations')
      .values({ name: 'acme' })
      .returning('id')
      .executeTakeFirstOrThrow();
    deps = {
      sql,
      lake: createLocalObjectStore({ root: join(temp.dir, 'lake') }),
      analytics,
      keyWrapper: createLocalKeyWrapper({ path: join(temp.dir, 'master.key') }),
      defaultOrganizationId: org.id,
      replay: async () => [],
    };
  }, 60_000);
  afterAll(async () => {
    await analytics?.close();
    await sql?.close();
    cleanup?.();
  });

  /** A loopback request to the running runtime's control endpoint, as the CLI makes it. */
  const post = (body: unknown): APIGatewayProxyEventV2 => ({
    version: '2.0',
    routeKey: 'POST /_local/control',
    rawPath: '/_local/control',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'x-sightline-control': TOKEN },
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method: 'POST', path: '/_local/control', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: 'test',
      routeKey: 'POST /_local/control',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  });

  it.each(BAD_IDS)(
    'answers 400 naming the field when %s is given an id that is not a UUID',
    async (_name, command, field) => {
      // Prepare
      const handler = makeControlHandler({ ...deps, token: TOKEN });

      // Act
      const response = await handler(post(command));

      // Assess
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body ?? '').error).toMatchObject({ code: 'validation_error', field });
    },
  );

  it.each(BAD_IDS)(
    'refuses %s with an id that is not a UUID before it reaches the database, run directly',
    async (_name, command, field) => {
      // Act
      const running = runControlCommand(deps, command);

      // Assess
      await expect(running).rejects.toBeInstanceOf(ValidationError);
      await expect(running).rejects.toMatchObject({ field });
    },
  );

  it('still answers 404 for a UUID that is no person', async () => {
    // Prepare
    const handler = makeControlHandler({ ...deps, token: TOKEN });

    // Act
    const response = await handler(
      post({ command: 'persons.export', personId: '00000000-0000-4000-8000-000000000000' }),
    );

    // Assess
    expect(response.statusCode).toBe(404);
  });
});
