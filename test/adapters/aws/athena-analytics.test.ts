import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { createAthenaAnalytics } from '../../../lambdas/adapters/aws/athena-analytics';
import { StorageError, ValidationError } from '../../../lambdas/core/errors';
import { recordingSleep } from './support/recording-sleep';

const row = (...values: (string | undefined)[]) => ({ Data: values.map((value) => ({ VarCharValue: value })) });
const columns = (...specs: [string, string][]) => ({
  ColumnInfo: specs.map(([Name, Type]) => ({ Name, Type })),
});
const succeeded = { QueryExecution: { Status: { State: 'SUCCEEDED' as const }, StatementType: 'DML' as const } };

describe('Athena analytics', () => {
  const client = new AthenaClient({});
  const athena = mockClient(client);
  let clock: ReturnType<typeof recordingSleep>;
  let time: number;
  const open = () =>
    createAthenaAnalytics({
      workGroup: 'sightline',
      database: 'sightline_lake',
      outputLocation: 's3://results/athena/',
      client,
      polling: { initialDelayMs: 100, maxDelayMs: 300, timeoutMs: 10_000 },
      sleep: async (ms) => {
        time += ms;
        await clock.sleep(ms);
      },
      now: () => time,
    });

  beforeEach(() => {
    athena.reset();
    clock = recordingSleep();
    time = 0;
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(succeeded);
  });

  it('starts the query in the workgroup and database, with its output location', async () => {
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { Rows: [row('n')], ResultSetMetadata: columns(['n', 'bigint']) } });

    await open().query('select count(*) as n from events');

    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryString: 'select count(*) as n from events',
      WorkGroup: 'sightline',
      QueryExecutionContext: { Database: 'sightline_lake' },
      ResultConfiguration: { OutputLocation: 's3://results/athena/' },
    });
  });

  it('passes parameters as SQL literals', async () => {
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [], ResultSetMetadata: columns() } });

    await open().query('select * from events where a = ? and b = ? and c = ? and d = ? and e = ? and f = ?', {
      params: ["O'Brien", 42, 1.5, true, false, null],
    });

    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.ExecutionParameters).toEqual([
      "'O''Brien'",
      '42',
      '1.5',
      'TRUE',
      'FALSE',
      'NULL',
    ]);
  });

  it('rejects a parameter that is not a finite number, naming it, before starting a query', async () => {
    const failure = open().query('select ?, ?', { params: [1, Number.NaN] });

    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toMatchObject({ field: 'params[1]' });
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  it('polls until the query succeeds, backing off between polls', async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves(succeeded);
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { Rows: [row('n')], ResultSetMetadata: columns(['n', 'integer']) } });

    await open().query('select 1 as n');

    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(4);
    expect(clock.delays).toEqual([100, 150, 225, 300]);
  });

  it('throws a StorageError with the reason Athena gives when the query fails', async () => {
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: { State: 'FAILED', StateChangeReason: "COLUMN_NOT_FOUND: Column 'nope' cannot be resolved" },
      },
    });

    const failure = open().query('select nope from events');

    await expect(failure).rejects.toBeInstanceOf(StorageError);
    await expect(failure).rejects.toThrow(/nope/);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('throws a StorageError when the query is cancelled', async () => {
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'CANCELLED' } } });

    await expect(open().query('select 1')).rejects.toThrow(/cancelled/);
  });

  it('stops a query that outlasts the timeout', async () => {
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});

    await expect(open().query('select slow()')).rejects.toThrow(/stopped/);
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]?.args[0].input).toEqual({ QueryExecutionId: 'q-1' });
  });

  it('wraps an SDK failure to start the query in a StorageError that keeps its message', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new InvalidRequestException({ message: "line 1:8: mismatched input 'form'", $metadata: {} }));

    await expect(open().query('select * form events')).rejects.toMatchObject({
      name: 'StorageError',
      message: expect.stringContaining('mismatched input'),
    });
  });

  it('reads every page of Athena results, skipping the header row on the first page only', async () => {
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: { Rows: [row('path'), row('/a'), row('/b')], ResultSetMetadata: columns(['path', 'varchar']) },
        NextToken: 'page-2',
      })
      .resolvesOnce({ ResultSet: { Rows: [row('/c')], ResultSetMetadata: columns(['path', 'varchar']) } });

    const result = await open().query('select path from pageviews');

    expect(result).toEqual({
      columns: [{ name: 'path', type: 'varchar' }],
      rows: [{ path: '/a' }, { path: '/b' }, { path: '/c' }],
    });
    expect(athena.commandCalls(GetQueryResultsCommand).map((call) => call.args[0].input.NextToken)).toEqual([
      undefined,
      'page-2',
    ]);
  });

  it('keeps the first row of a statement that has no header row (SHOW, DESCRIBE)', async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' }, StatementType: 'UTILITY' } });
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { Rows: [row('events')], ResultSetMetadata: columns(['tab_name', 'string']) } });

    expect((await open().query('show tables')).rows).toEqual([{ tab_name: 'events' }]);
  });

  it('converts values by the column types', async () => {
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: columns(
          ['i', 'integer'],
          ['big', 'bigint'],
          ['huge', 'bigint'],
          ['d', 'double'],
          ['dec', 'decimal(10,2)'],
          ['ok', 'boolean'],
          ['s', 'varchar'],
          ['ts', 'timestamp'],
          ['tz', 'timestamp with time zone'],
          ['day', 'date'],
          ['doc', 'json'],
          ['missing', 'varchar'],
        ),
        Rows: [
          row('i', 'big', 'huge', 'd', 'dec', 'ok', 's', 'ts', 'tz', 'day', 'doc', 'missing'),
          row(
            '7',
            '9007199254740991',
            '9007199254740993',
            '2.5',
            '10.25',
            'true',
            'text',
            '2024-05-01 12:30:00.123',
            '2024-05-01 12:30:00.000 UTC',
            '2024-05-01',
            '{"a":[1]}',
            undefined,
          ),
        ],
      },
    });

    const [values] = (await open().query('select ...')).rows;

    expect(values).toEqual({
      i: 7,
      big: 9_007_199_254_740_991,
      huge: '9007199254740993',
      d: 2.5,
      dec: 10.25,
      ok: true,
      s: 'text',
      ts: new Date('2024-05-01T12:30:00.123Z'),
      tz: new Date('2024-05-01T12:30:00.000Z'),
      day: '2024-05-01',
      doc: { a: [1] },
      missing: null,
    });
  });

  it('honours maxRows, asking for no more rows than it needs', async () => {
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: { Rows: [row('n'), row('1'), row('2'), row('3')], ResultSetMetadata: columns(['n', 'integer']) },
      NextToken: 'more',
    });

    const result = await open().query('select n from numbers', { maxRows: 2 });

    expect(result.rows).toEqual([{ n: 1 }, { n: 2 }]);
    const calls = athena.commandCalls(GetQueryResultsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.MaxResults).toBe(3);
  });

  it('returns at most 10,000 rows by default', async () => {
    const page = Array.from({ length: 1_000 }, (_, i) => row(String(i)));
    athena
      .on(GetQueryResultsCommand)
      .resolves({ ResultSet: { Rows: page, ResultSetMetadata: columns(['n', 'integer']) }, NextToken: 'more' });

    const result = await open().query('select n from numbers');

    expect(result.rows).toHaveLength(10_000);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(11);
  });
});
