import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  DatabaseErrorException,
  DatabaseResumingException,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import { sql as raw } from 'kysely';
import { createDataApiSql } from '../../../lambdas/adapters/aws/data-api-sql';
import { StorageError } from '../../../lambdas/core/errors';
import { recordingSleep } from './support/recording-sleep';

const CLUSTER = 'arn:aws:rds:eu-west-1:123456789012:cluster:sightline';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sightline-db';
const ORG_ID = '3f1c7c9e-2b1d-4c8e-9f0a-1b2c3d4e5f60';

describe('Data API Sql', () => {
  const client = new RDSDataClient({});
  const rds = mockClient(client);
  let clock: ReturnType<typeof recordingSleep>;
  const open = () =>
    createDataApiSql({
      resourceArn: CLUSTER,
      secretArn: SECRET,
      database: 'sightline',
      client,
      resumeRetry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 8_000 },
      sleep: clock.sleep,
      random: () => 1,
    });
  const statements = () => rds.commandCalls(ExecuteStatementCommand).map((call) => call.args[0].input);

  beforeEach(() => {
    rds.reset();
    clock = recordingSleep();
  });

  it('reports its engine as data-api', () => {
    expect(open().engine).toBe('data-api');
  });

  it('runs a Kysely query through ExecuteStatement with the cluster, secret, database and named parameters', async () => {
    rds.on(ExecuteStatementCommand).resolves({ records: [], columnMetadata: [] });

    await open()
      .db.selectFrom('sites')
      .select('name')
      .where('organization_id', '=', ORG_ID)
      .where('name', '=', 'a')
      .execute();

    expect(statements()).toEqual([
      {
        resourceArn: CLUSTER,
        secretArn: SECRET,
        database: 'sightline',
        sql: 'select "name" from "sites" where "organization_id" = :p1 and "name" = :p2',
        parameters: [
          { name: 'p1', value: { stringValue: ORG_ID }, typeHint: 'UUID' },
          { name: 'p2', value: { stringValue: 'a' } },
        ],
        includeResultMetadata: true,
        resultSetOptions: { decimalReturnType: 'DOUBLE_OR_LONG' },
      },
    ]);
  });

  it('turns records into rows typed by their columns, as the pg engine types them', async () => {
    rds.on(ExecuteStatementCommand).resolves({
      columnMetadata: [
        { label: 'id', typeName: 'uuid' },
        { label: 'created_at', typeName: 'timestamptz' },
        { label: 'settings', typeName: 'jsonb' },
        { label: 'n', typeName: 'int8' },
        { label: 'share', typeName: 'numeric' },
        { label: 'active', typeName: 'bool' },
        { label: 'last_event_at', typeName: 'timestamptz' },
      ],
      records: [
        [
          { stringValue: ORG_ID },
          { stringValue: '2024-05-01 12:30:00.123456' },
          { stringValue: '{"honorDnt":true}' },
          { longValue: 3 },
          { doubleValue: 0.25 },
          { booleanValue: true },
          { isNull: true },
        ],
      ],
    });

    const rows = await raw`select ...`.execute(open().db);

    expect(rows.rows).toEqual([
      {
        id: ORG_ID,
        created_at: new Date('2024-05-01T12:30:00.123Z'),
        settings: { honorDnt: true },
        n: 3,
        share: 0.25,
        active: true,
        last_event_at: null,
      },
    ]);
  });

  it('reports numberOfRecordsUpdated as the rows an update changed', async () => {
    rds.on(ExecuteStatementCommand).resolves({ numberOfRecordsUpdated: 2, records: [] });

    const result = await open()
      .db.updateTable('sites')
      .set({ name: 'renamed' })
      .where('domain', '=', 'a.example')
      .executeTakeFirst();

    expect(result.numUpdatedRows).toBe(2n);
  });

  it('reports the affected rows of a raw write statement but not of a raw select', async () => {
    rds.on(ExecuteStatementCommand).resolves({ numberOfRecordsUpdated: 4, records: [] });
    const sql = open();

    const update = await raw`update sites set name = ${'x'}`.execute(sql.db);
    const select = await raw`select 1`.execute(sql.db);

    expect(update.numAffectedRows).toBe(4n);
    expect(select.numAffectedRows).toBeUndefined();
  });

  it('returns the rows of an insert … returning', async () => {
    rds.on(ExecuteStatementCommand).resolves({
      numberOfRecordsUpdated: 1,
      columnMetadata: [{ label: 'id', typeName: 'uuid' }],
      records: [[{ stringValue: ORG_ID }]],
    });

    const row = await open()
      .db.insertInto('organizations')
      .values({ name: 'acme' })
      .returning('id')
      .executeTakeFirstOrThrow();

    expect(row).toEqual({ id: ORG_ID });
    expect(statements()[0]?.sql).toBe('insert into "organizations" ("name") values (:p1) returning "id"');
  });

  it('runs a Kysely transaction through BeginTransaction and CommitTransaction', async () => {
    rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-1' });
    rds.on(ExecuteStatementCommand).resolves({ numberOfRecordsUpdated: 1 });
    rds.on(CommitTransactionCommand).resolves({ transactionStatus: 'Transaction Committed' });

    await open()
      .db.transaction()
      .execute(async (trx) => {
        await trx.insertInto('organizations').values({ name: 'a' }).execute();
        await trx.insertInto('organizations').values({ name: 'b' }).execute();
      });

    expect(rds.commandCalls(BeginTransactionCommand)[0]?.args[0].input).toEqual({
      resourceArn: CLUSTER,
      secretArn: SECRET,
      database: 'sightline',
    });
    expect(statements().map((statement) => statement.transactionId)).toEqual(['tx-1', 'tx-1']);
    expect(rds.commandCalls(CommitTransactionCommand)[0]?.args[0].input).toEqual({
      resourceArn: CLUSTER,
      secretArn: SECRET,
      transactionId: 'tx-1',
    });
    expect(rds.commandCalls(RollbackTransactionCommand)).toHaveLength(0);
  });

  it('rolls back when the transaction callback throws', async () => {
    rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-2' });
    rds.on(ExecuteStatementCommand).resolves({ numberOfRecordsUpdated: 1 });
    rds.on(RollbackTransactionCommand).resolves({ transactionStatus: 'Rollback Complete' });

    await expect(
      open()
        .db.transaction()
        .execute(async (trx) => {
          await trx.insertInto('organizations').values({ name: 'rolled-back' }).execute();
          throw new Error('boom');
        }),
    ).rejects.toThrow('boom');

    expect(rds.commandCalls(RollbackTransactionCommand)[0]?.args[0].input).toMatchObject({ transactionId: 'tx-2' });
    expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(0);
  });

  it('sets the isolation level as the first statement of the transaction', async () => {
    rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-3' });
    rds.on(ExecuteStatementCommand).resolves({});
    rds.on(CommitTransactionCommand).resolves({});

    await open()
      .db.transaction()
      .setIsolationLevel('serializable')
      .execute(async (trx) => {
        await trx.selectFrom('organizations').select('id').execute();
      });

    expect(statements().map((statement) => [statement.sql, statement.transactionId])).toEqual([
      ['set transaction isolation level serializable', 'tx-3'],
      ['select "id" from "organizations"', 'tx-3'],
    ]);
  });

  it('leaves statements after the transaction out of it', async () => {
    rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-4' });
    rds.on(ExecuteStatementCommand).resolves({});
    rds.on(CommitTransactionCommand).resolves({});
    const sql = open();

    await sql.db.transaction().execute((trx) => trx.selectFrom('organizations').select('id').execute());
    await sql.db.selectFrom('organizations').select('id').execute();

    expect(statements().map((statement) => statement.transactionId)).toEqual(['tx-4', undefined]);
  });

  it('retries while a paused cluster resumes, with backoff', async () => {
    const resuming = () => new DatabaseResumingException({ message: 'The database is resuming', $metadata: {} });
    rds
      .on(ExecuteStatementCommand)
      .rejectsOnce(resuming())
      .rejectsOnce(resuming())
      .resolves({ columnMetadata: [{ label: 'one', typeName: 'int4' }], records: [[{ longValue: 1 }]] });

    const result = await raw<{ one: number }>`select 1 as one`.execute(open().db);

    expect(result.rows).toEqual([{ one: 1 }]);
    expect(clock.delays).toEqual([1_000, 2_000]);
  });

  it('gives up with a StorageError when the cluster is still resuming after the last attempt', async () => {
    rds.on(ExecuteStatementCommand).rejects(new DatabaseResumingException({ message: 'resuming', $metadata: {} }));

    await expect(raw`select 1`.execute(open().db)).rejects.toBeInstanceOf(StorageError);
    expect(statements()).toHaveLength(3);
  });

  it('maps SDK errors into a StorageError that keeps the database message and the SDK error', async () => {
    const violation = new DatabaseErrorException({
      message: 'ERROR: new row violates row-level security policy for table "sites"',
      $metadata: {},
    });
    rds.on(ExecuteStatementCommand).rejects(violation);

    const failure = open().db.insertInto('organizations').values({ name: 'x' }).execute();

    await expect(failure).rejects.toBeInstanceOf(StorageError);
    await expect(failure).rejects.toMatchObject({
      cause: violation,
      message: expect.stringMatching(/row-level security/),
    });
    expect(rds.commandCalls(ExecuteStatementCommand)).toHaveLength(1);
  });

  it('refuses to stream, which the Data API cannot do', async () => {
    const rows = open().db.selectFrom('organizations').select('id').stream();

    await expect(rows.next()).rejects.toThrow(StorageError);
  });

  it('sends a savepoint of a controlled transaction in the transaction', async () => {
    rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-5' });
    rds.on(ExecuteStatementCommand).resolves({});
    rds.on(CommitTransactionCommand).resolves({});

    const trx = await open().db.startTransaction().execute();
    const afterSavepoint = await trx.savepoint('before_import').execute();
    await afterSavepoint.rollbackToSavepoint('before_import').execute();
    await trx.commit().execute();

    expect(statements().map((s: ExecuteStatementCommandInput) => [s.sql, s.transactionId])).toEqual([
      ['savepoint "before_import"', 'tx-5'],
      ['rollback to savepoint "before_import"', 'tx-5'],
    ]);
  });
});
