import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';
import { createLocalEventStream, type LocalEventStream } from '../../lambdas/adapters/local/local-event-stream';
import { createLocalKeyWrapper } from '../../lambdas/adapters/local/local-key-wrapper';
import { createLocalObjectStore } from '../../lambdas/adapters/local/local-object-store';
import { createLocalQueue, type LocalQueue } from '../../lambdas/adapters/local/local-queue';
import { createPGliteSql } from '../../lambdas/adapters/sql/create-sql';
import { ValidationError } from '../../lambdas/core/errors';
import { migrateToLatest } from '../../lambdas/db/migrate';
import { createOrganizationKeyring } from '../../lambdas/identity/crypto/organization-keys';
import { createResolver } from '../../lambdas/identity/resolver';
import type { Analytics } from '../../lambdas/ports/analytics';
import type { Sql } from '../../lambdas/ports/sql';
import {
  type ControlCommand,
  type ControlDeps,
  makeControlHandler,
  runControlCommand,
} from '../../lambdas/runtime/control';
import { observationOf } from '../identity/support/identity-fixture';
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
  let queues: { identity: LocalQueue; identityDlq: LocalQueue; enrichDlq: LocalQueue; events: LocalEventStream };

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
    const queueDir = join(temp.dir, 'queues');
    const identityDlq = createLocalQueue({ name: 'identity-dlq', path: join(queueDir, 'identity-dlq.log') });
    queues = {
      identity: createLocalQueue({
        name: 'identity',
        path: join(queueDir, 'identity.log'),
        deadLetter: { queue: identityDlq, maxReceiveCount: 5 },
      }),
      identityDlq,
      enrichDlq: createLocalQueue({ name: 'enrich-dlq', path: join(queueDir, 'enrich-dlq.log') }),
      events: createLocalEventStream({ dir: join(temp.dir, 'stream'), shardCount: 1 }),
    };
    deps = {
      sql,
      lake: createLocalObjectStore({ root: join(temp.dir, 'lake') }),
      analytics,
      keyWrapper: createLocalKeyWrapper({ path: join(temp.dir, 'master.key') }),
      defaultOrganizationId: org.id,
      replay: async () => [],
      queues: {
        identityQueue: queues.identity,
        identityDeadLetters: queues.identityDlq,
        enrichDeadLetters: queues.enrichDlq,
        events: queues.events,
      },
    };
  }, 60_000);
  afterAll(async () => {
    for (const queue of [queues.identity, queues.identityDlq, queues.enrichDlq]) await queue.close();
    await queues.events.close();
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

  it("sets a site's default phone region, and answers 400 naming phoneRegion for an unknown one", async () => {
    // Prepare
    const handler = makeControlHandler({ ...deps, token: TOKEN });
    const site = (await runControlCommand(deps, { command: 'sites.create', domain: 'phones.example.com' })) as {
      id: string;
    };

    // Act
    const set = await runControlCommand(deps, {
      command: 'sites.settings',
      siteId: site.id,
      change: { phoneRegion: 'FR' },
    });
    const unknown = await handler(post({ command: 'sites.settings', siteId: site.id, change: { phoneRegion: 'XX' } }));

    // Assess
    expect(set).toMatchObject({ phoneRegion: 'FR' });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.parse(unknown.body ?? '').error).toMatchObject({ code: 'validation_error', field: 'phoneRegion' });
    const stored = await sql.db.selectFrom('sites').select('settings').where('id', '=', site.id).executeTakeFirst();
    expect(stored?.settings.phoneRegion).toBe('FR');
  });

  it('lists soft links a page at a time, past the first hundred too', async () => {
    // Prepare: three pairs of spellings of one inbox
    const site = await sql.db
      .insertInto('sites')
      .values({
        organization_id: deps.defaultOrganizationId,
        name: 'paged',
        domain: 'paged.example',
        site_key: 'paged',
        write_key_hash: 'hash-paged',
        allowed_origins: '[]',
        settings: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const tenant = { organizationId: deps.defaultOrganizationId, siteId: site.id };
    const resolver = createResolver({ sql, keyring: createOrganizationKeyring(sql, deps.keyWrapper) });
    for (const name of ['ada.l', 'grace.h', 'alan.t']) {
      await resolver.resolve(observationOf(tenant, [{ type: 'email', value: `${name}@gmail.com` }]));
      await resolver.resolve(observationOf(tenant, [{ type: 'email', value: `${name.replace('.', '')}@gmail.com` }]));
    }
    const all = (await runControlCommand(deps, { command: 'persons.softLinks' })) as { links: { id: number }[] };

    // Act
    const page = (await runControlCommand(deps, { command: 'persons.softLinks', limit: 1, offset: 1 })) as {
      links: { id: number }[];
      hasMore: boolean;
    };
    const refused = runControlCommand(deps, { command: 'persons.softLinks', limit: 0 });

    // Assess
    expect(all.links).toHaveLength(3);
    expect(page.links.map((l) => l.id)).toEqual([all.links[1]?.id]);
    expect(page.hasMore).toBe(true);
    await expect(refused).rejects.toMatchObject({ field: 'limit' });
  });

  it('records who reviewed a soft link, and refuses a review that does not say who', async () => {
    // Prepare: one pair of spellings of one inbox on a site of its own
    const site = await sql.db
      .insertInto('sites')
      .values({
        organization_id: deps.defaultOrganizationId,
        name: 'reviewed',
        domain: 'reviewed.example',
        site_key: 'reviewed',
        write_key_hash: 'hash-reviewed',
        allowed_origins: '[]',
        settings: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const tenant = { organizationId: deps.defaultOrganizationId, siteId: site.id };
    const resolver = createResolver({ sql, keyring: createOrganizationKeyring(sql, deps.keyWrapper) });
    await resolver.resolve(observationOf(tenant, [{ type: 'email', value: 'radia.p@gmail.com' }]));
    await resolver.resolve(observationOf(tenant, [{ type: 'email', value: 'radiap@gmail.com' }]));
    const listed = (await runControlCommand(deps, { command: 'persons.softLinks', siteId: site.id })) as {
      links: { id: number }[];
    };
    const linkId = listed.links[0]?.id as number;

    // Act
    const anonymous = runControlCommand(deps, { command: 'persons.reviewLink', linkId, decision: 'reject' });
    const review = await runControlCommand(deps, {
      command: 'persons.reviewLink',
      linkId,
      decision: 'reject',
      by: 'radia-reviewer',
    });

    // Assess
    await expect(anonymous).rejects.toMatchObject({ field: 'by' });
    expect(review).toMatchObject({ id: linkId, status: 'rejected', decidedBy: 'radia-reviewer' });
    const rejected = (await runControlCommand(deps, {
      command: 'persons.softLinks',
      siteId: site.id,
      status: 'rejected',
    })) as { links: { id: number; decidedBy: string }[] };
    expect(rejected.links.map((l) => [l.id, l.decidedBy])).toEqual([[linkId, 'radia-reviewer']]);
  });

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

  it('reports what waits in the queues and what they parked, and moves parked observations back (sightline queues)', async () => {
    // Prepare: an observation that failed 5 times, parked
    await queues.identityDlq.send([{ body: '{"v":1,"eventId":"parked"}' }]);

    // Act
    const before = await runControlCommand(deps, { command: 'queues.status' });
    const redriven = await runControlCommand(deps, { command: 'queues.redrive', queue: 'identity' });
    const after = await runControlCommand(deps, { command: 'queues.status' });

    // Assess
    expect(before).toEqual({ identity: { waiting: 0, deadLetters: 1 }, enrich: { deadLetters: 0 } });
    expect(redriven).toEqual({ moved: 1, unreadable: 0 });
    expect(after).toEqual({ identity: { waiting: 1, deadLetters: 0 }, enrich: { deadLetters: 0 } });
    const [back] = await queues.identity.receive({ maxMessages: 1 });
    expect(back?.body).toBe('{"v":1,"eventId":"parked"}');
  });

  it('puts the records of a parked enrichment batch back on the stream, and leaves an unreadable one parked', async () => {
    // Prepare: a batch as the stream poller parks it after its retries, and a message that is no batch
    const record = { partitionKey: 'site-1', data: Buffer.from('{"type":"page"}').toString('base64') };
    await queues.enrichDlq.send([
      { body: JSON.stringify({ KinesisBatchInfo: { shardId: 'shard-0', batchSize: 1 }, records: [record] }) },
      { body: 'not a batch' },
    ]);

    // Act
    const redriven = await runControlCommand(deps, { command: 'queues.redrive', queue: 'enrich' });

    // Assess
    expect(redriven).toEqual({ moved: 1, unreadable: 1 });
    const consumer = queues.events.consumer('test');
    const [shard] = await consumer.shardIds();
    const records = await consumer.read(shard as string, 10);
    expect(records.map((r) => Buffer.from(r.data).toString())).toEqual(['{"type":"page"}']);
    expect(await queues.enrichDlq.depth()).toBe(1);
  });

  it('answers 400 naming the queue when asked to redrive one that does not exist', async () => {
    // Prepare
    const handler = makeControlHandler({ ...deps, token: TOKEN });

    // Act
    const response = await handler(post({ command: 'queues.redrive', queue: 'billing' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '').error).toMatchObject({ code: 'validation_error', field: 'queue' });
  });
});
