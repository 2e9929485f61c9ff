import { join } from 'node:path';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { createLocalKeyWrapper } from '../../lambdas/adapters/local/local-key-wrapper';
import { makeResolveIdentityHandler } from '../../lambdas/handlers/resolve-identity';
import { createOrganizationKeyring } from '../../lambdas/identity/crypto/organization-keys';
import { erasePerson } from '../../lambdas/identity/erase-person';
import type { Sql } from '../../lambdas/ports/sql';
import { makeTempDir } from '../support/temp-dir';
import { createTenant, observationOf, openDatabase } from './support/identity-fixture';

function sqsEvent(bodies: readonly string[]): SQSEvent {
  return {
    Records: bodies.map(
      (body, i): SQSRecord => ({
        messageId: `m${i}`,
        receiptHandle: `r${i}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: 'test',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:local:000000000000:identity',
        awsRegion: 'local',
      }),
    ),
  };
}

describe('resolve-identity handler', () => {
  let sql: Sql;
  let temp: { dir: string; cleanup: () => void };

  beforeAll(async () => {
    ({ sql } = await openDatabase('PGlite (embedded)'));
    temp = makeTempDir('sightline-handler-');
  });
  afterAll(async () => {
    await sql.close();
    temp.cleanup();
  });

  it('resolves a batch together and fails only the observation whose site is another organization', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const other = await createTenant(sql);
    const handler = makeResolveIdentityHandler({
      sql,
      keyWrapper: createLocalKeyWrapper({ path: join(temp.dir, 'master.key') }),
    });
    const visitors = Array.from({ length: 5 }, (_, i) =>
      observationOf(tenant, [{ type: 'anonymous_id', value: `batch-visitor-${i}` }], { event: { type: 'page' } }),
    );
    const foreign = observationOf({ organizationId: tenant.organizationId, siteId: other.siteId }, [
      { type: 'anonymous_id', value: 'foreign-visitor' },
    ]);
    const event = sqsEvent([...visitors, foreign, visitors[0]].map((o) => JSON.stringify(o)));

    // Act
    const response = await handler(event, {} as Context);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm5' }]);
    const events = await sql.db.selectFrom('events').select('event_id').where('site_id', '=', tenant.siteId).execute();
    expect(events).toHaveLength(5);
  });

  it('resolves a batch and reports only the messages that failed', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const handler = makeResolveIdentityHandler({
      sql,
      keyWrapper: createLocalKeyWrapper({ path: join(temp.dir, 'master.key') }),
    });
    const good = observationOf(tenant, [
      { type: 'anonymous_id', value: 'batch-visitor' },
      { type: 'user_id', value: 'batch-user' },
    ]);
    const event = sqsEvent([JSON.stringify(good), '{not json', JSON.stringify({ ...good, siteId: 'not-a-uuid' })]);

    // Act
    const response = await handler(event, {} as Context);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
    const resolved = await sql.db
      .selectFrom('identity_map')
      .select('person_id')
      .where('site_id', '=', tenant.siteId)
      .execute();
    expect(resolved).toHaveLength(2);
    expect(new Set(resolved.map((r) => r.person_id)).size).toBe(1);
  });

  it('does not bring an erased person’s event back when its message is delivered again after the erasure', async () => {
    // Prepare
    const tenant = await createTenant(sql);
    const keyWrapper = createLocalKeyWrapper({ path: join(temp.dir, 'master.key') });
    const handler = makeResolveIdentityHandler({ sql, keyWrapper });
    const identify = observationOf(
      tenant,
      [
        { type: 'anonymous_id', value: 'erased-visitor' },
        { type: 'user_id', value: 'erased-user' },
      ],
      {
        event: { type: 'identify', sessionId: 'erased-session' },
        traits: { $set: { name: 'Ada' } },
        raw: {
          receivedAt: Date.UTC(2026, 10, 1),
          event: { type: 'identify', userId: 'erased-user', traits: { name: 'Ada' } },
        },
      },
    );
    const message = sqsEvent([JSON.stringify(identify)]);
    expect((await handler(message, {} as Context)).batchItemFailures).toEqual([]);
    const person = await sql.db
      .selectFrom('persons')
      .select('id')
      .where('site_id', '=', tenant.siteId)
      .executeTakeFirstOrThrow();
    await erasePerson(
      { sql, keyring: createOrganizationKeyring(sql, keyWrapper) },
      { organizationId: tenant.organizationId, personId: person.id },
    );

    // Act: the same message again (a redelivery: the first was resolved, its delete lost)
    const response = await handler(message, {} as Context);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const left = await sql.db
      .selectFrom('persons')
      .select('id')
      .where('site_id', '=', tenant.siteId)
      .where('erased_at', 'is', null)
      .execute();
    const identifiers = await sql.db
      .selectFrom('identifiers')
      .select('id')
      .where('site_id', '=', tenant.siteId)
      .execute();
    const rawEvents = await sql.db
      .selectFrom('raw_events')
      .select('event_id')
      .where('site_id', '=', tenant.siteId)
      .execute();
    expect({ persons: left.length, identifiers: identifiers.length, rawEvents: rawEvents.length }).toEqual({
      persons: 0,
      identifiers: 0,
      rawEvents: 0,
    });
  });
});
