import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { StorageError } from '../../core/errors';
import type { Analytics, AnalyticsColumn, AnalyticsQueryOptions, AnalyticsResult } from '../../ports/analytics';
import { fromAthenaValue, toAthenaLiteral } from './athena-values';
import { sleep as realSleep, type Sleep } from './backoff';
import { storageError } from './sdk-errors';

const DEFAULT_MAX_ROWS = 10_000;
/** GetQueryResults returns at most 1,000 rows a page. */
const MAX_PAGE_SIZE = 1_000;

export interface AthenaPolling {
  /** Wait before the first GetQueryExecution; grows by half on each poll up to `maxDelayMs`. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** A query still running after this long is stopped and fails. */
  readonly timeoutMs: number;
}

export interface AthenaAnalyticsOptions {
  readonly workGroup: string;
  /** The Glue database that unqualified table names resolve in. */
  readonly database: string;
  /** Where results go when the workgroup does not enforce its own location (`s3://bucket/prefix/`). */
  readonly outputLocation?: string;
  readonly client?: AthenaClient;
  readonly polling?: AthenaPolling;
  readonly sleep?: Sleep;
  /** Epoch milliseconds; replaced in tests. */
  readonly now?: () => number;
}

const DEFAULT_POLLING: AthenaPolling = { initialDelayMs: 200, maxDelayMs: 2_000, timeoutMs: 5 * 60_000 };

/**
 * `Analytics` over Athena: runs the query in a workgroup, polls until it finishes, and reads the result
 * pages up to `maxRows`, converting each cell by its column type (see `fromAthenaValue`).
 *
 * @example
 * const analytics = createAthenaAnalytics({
 *   workGroup: requireEnv(ENV.athenaWorkgroup),
 *   database: requireEnv(ENV.glueDatabase),
 * });
 * const { rows } = await analytics.query('SELECT path, count(*) AS views FROM events WHERE site_id = ? GROUP BY 1', {
 *   params: [siteId],
 *   maxRows: 100,
 * });
 */
export function createAthenaAnalytics(options: AthenaAnalyticsOptions): Analytics {
  const {
    workGroup,
    database,
    outputLocation,
    client = new AthenaClient({}),
    polling = DEFAULT_POLLING,
    sleep = realSleep,
    now = Date.now,
  } = options;

  const start = async (sql: string, params: AnalyticsQueryOptions['params']): Promise<string> => {
    const output = await client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: workGroup,
        QueryExecutionContext: { Database: database },
        ...(params && params.length > 0 && { ExecutionParameters: params.map(toAthenaLiteral) }),
        ...(outputLocation && { ResultConfiguration: { OutputLocation: outputLocation } }),
      }),
    );
    if (!output.QueryExecutionId) throw new StorageError('Athena StartQueryExecution returned no query id');
    return output.QueryExecutionId;
  };

  const waitForCompletion = async (id: string): Promise<QueryExecution> => {
    const deadline = now() + polling.timeoutMs;
    let delay = polling.initialDelayMs;
    for (;;) {
      await sleep(delay);
      const { QueryExecution: execution } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = execution?.Status?.State;
      if (execution && state === 'SUCCEEDED') return execution;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = execution?.Status?.StateChangeReason ?? 'no reason given';
        throw new StorageError(`Athena query ${id} ${state.toLowerCase()}: ${reason}`);
      }
      if (now() >= deadline) {
        await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
        throw new StorageError(`Athena query ${id} still ${state ?? 'unknown'} after ${polling.timeoutMs} ms; stopped`);
      }
      delay = Math.min(Math.ceil(delay * 1.5), polling.maxDelayMs);
    }
  };

  const readResults = async (id: string, execution: QueryExecution, maxRows: number): Promise<AnalyticsResult> => {
    // A SELECT's first result row repeats the column names; SHOW and DESCRIBE results have no such row.
    let headerRows = execution.StatementType === 'DML' ? 1 : 0;
    let columns: AnalyticsColumn[] = [];
    const rows: Record<string, unknown>[] = [];
    let nextToken: string | undefined;
    do {
      const output = await client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: id,
          NextToken: nextToken,
          MaxResults: Math.min(MAX_PAGE_SIZE, maxRows - rows.length + headerRows),
        }),
      );
      const resultSet = output.ResultSet;
      if (columns.length === 0) {
        columns = (resultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((column) => ({
          name: column.Name ?? '',
          type: column.Type ?? 'varchar',
        }));
      }
      for (const row of (resultSet?.Rows ?? []).slice(headerRows)) {
        if (rows.length >= maxRows) break;
        const cells = row.Data ?? [];
        rows.push(
          Object.fromEntries(
            columns.map((column, i) => [column.name, fromAthenaValue(cells[i]?.VarCharValue, column.type)]),
          ),
        );
      }
      headerRows = 0;
      nextToken = output.NextToken;
    } while (nextToken && rows.length < maxRows);
    return { columns, rows };
  };

  return {
    async query(
      sql: string,
      { params, maxRows = DEFAULT_MAX_ROWS }: AnalyticsQueryOptions = {},
    ): Promise<AnalyticsResult> {
      // Literals first: a bad parameter is the caller's error, not Athena's.
      params?.forEach(toAthenaLiteral);
      let id: string | undefined;
      try {
        id = await start(sql, params);
        const execution = await waitForCompletion(id);
        if (maxRows <= 0) return { columns: [], rows: [] };
        return await readResults(id, execution, maxRows);
      } catch (error) {
        if (error instanceof StorageError) throw error;
        throw storageError(`Athena query${id ? ` ${id}` : ''}`, error);
      }
    },

    async close(): Promise<void> {
      // Nothing held open: each query is a set of independent requests.
    },
  };
}
