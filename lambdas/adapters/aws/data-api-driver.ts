import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import {
  CompiledQuery,
  createQueryId,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  sql,
  type TransactionSettings,
} from 'kysely';
import { StorageError } from '../../core/errors';
import { type BackoffOptions, backoffDelay, type Sleep } from './backoff';
import { toNamedStatement } from './data-api-parameters';
import { toRows } from './data-api-results';
import { isSdkError, storageError } from './sdk-errors';

export interface DataApiDriverConfig {
  /** ARN of the Aurora cluster. */
  readonly resourceArn: string;
  /** ARN of the Secrets Manager secret holding the database credentials. */
  readonly secretArn: string;
  readonly database: string;
  readonly client: RDSDataClient;
  /** Retries while a paused (0 ACU) Aurora Serverless v2 cluster resumes, which takes up to ~30 s. */
  readonly resumeRetry: BackoffOptions;
  readonly sleep: Sleep;
  readonly random: () => number;
  /** Destroys `client` on `destroy()`: true when the factory made it. */
  readonly ownsClient: boolean;
}

const WRITE_QUERIES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);
const RAW_WRITE = /^\s*(insert|update|delete|merge)\b/i;

/** Whether Kysely expects an affected-row count, as `pg` gives one for these commands only. */
function isWrite(query: CompiledQuery): boolean {
  return WRITE_QUERIES.has(query.query.kind) || (query.query.kind === 'RawNode' && RAW_WRITE.test(query.sql));
}

/**
 * A Kysely driver over the RDS Data API. The Data API keeps no sessions, so a connection is only a
 * holder for the id of the transaction it is in; every statement is one ExecuteStatement call.
 */
export class DataApiDriver implements Driver {
  constructor(private readonly config: DataApiDriverConfig) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new DataApiConnection(this.config);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const transactional = asDataApiConnection(connection);
    await transactional.begin();
    // BeginTransaction takes no isolation level or access mode: set them as the first statement.
    if (settings.isolationLevel || settings.accessMode) {
      const modes = [settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode]
        .filter(Boolean)
        .join(' ');
      await transactional.executeQuery(CompiledQuery.raw(`set transaction ${modes}`));
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await asDataApiConnection(connection).commit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await asDataApiConnection(connection).rollback();
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await connection.executeQuery(compile(sql`savepoint ${sql.id(name)}`.toOperationNode(), createQueryId()));
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(
      compile(sql`rollback to savepoint ${sql.id(name)}`.toOperationNode(), createQueryId()),
    );
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(compile(sql`release savepoint ${sql.id(name)}`.toOperationNode(), createQueryId()));
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    if (this.config.ownsClient) this.config.client.destroy();
  }
}

function asDataApiConnection(connection: DatabaseConnection): DataApiConnection {
  if (connection instanceof DataApiConnection) return connection;
  throw new StorageError('the Data API driver was handed a connection it did not make');
}

class DataApiConnection implements DatabaseConnection {
  #transactionId: string | undefined;

  constructor(private readonly config: DataApiDriverConfig) {}

  async begin(): Promise<void> {
    const { resourceArn, secretArn, database } = this.config;
    const output = await this.send('BeginTransaction', () =>
      this.config.client.send(new BeginTransactionCommand({ resourceArn, secretArn, database })),
    );
    if (!output.transactionId) throw new StorageError('Data API BeginTransaction returned no transaction id');
    this.#transactionId = output.transactionId;
  }

  async commit(): Promise<void> {
    const transactionId = this.takeTransactionId('commit');
    const { resourceArn, secretArn } = this.config;
    await this.send('CommitTransaction', () =>
      this.config.client.send(new CommitTransactionCommand({ resourceArn, secretArn, transactionId })),
    );
  }

  async rollback(): Promise<void> {
    const transactionId = this.takeTransactionId('roll back');
    const { resourceArn, secretArn } = this.config;
    await this.send('RollbackTransaction', () =>
      this.config.client.send(new RollbackTransactionCommand({ resourceArn, secretArn, transactionId })),
    );
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { resourceArn, secretArn, database } = this.config;
    const statement = toNamedStatement(compiledQuery.sql, compiledQuery.parameters);
    const output = await this.send('ExecuteStatement', () =>
      this.config.client.send(
        new ExecuteStatementCommand({
          resourceArn,
          secretArn,
          database,
          sql: statement.sql,
          parameters: statement.parameters,
          transactionId: this.#transactionId,
          // Typed records with column metadata rather than `formatRecordsAs: 'JSON'`: the JSON format
          // drops the metadata and returns timestamps and jsonb as bare strings, so rows could not be
          // given the types the pg and PGlite engines give them.
          includeResultMetadata: true,
          // numeric as numbers, as the pg and PGlite engines return it.
          resultSetOptions: { decimalReturnType: 'DOUBLE_OR_LONG' },
        }),
      ),
    );
    const rows = toRows(output.records ?? [], output.columnMetadata ?? []) as R[];
    if (!isWrite(compiledQuery)) return { rows };
    return { rows, numAffectedRows: BigInt(output.numberOfRecordsUpdated ?? rows.length) };
  }

  // biome-ignore lint/correctness/useYield: the Data API has no cursors, so there is nothing to yield.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new StorageError('the Data API cannot stream results; page with limit and offset instead');
  }

  private takeTransactionId(action: string): string {
    const transactionId = this.#transactionId;
    if (!transactionId) throw new StorageError(`cannot ${action}: no Data API transaction is open`);
    this.#transactionId = undefined;
    return transactionId;
  }

  /** Runs one Data API call, waiting out a resuming cluster, and turns SDK errors into StorageErrors. */
  private async send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const { resumeRetry, sleep, random } = this.config;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (isSdkError(error, 'DatabaseResumingException') && attempt < resumeRetry.maxAttempts) {
          await sleep(backoffDelay(attempt - 1, resumeRetry, random));
          continue;
        }
        throw storageError(`Data API ${operation}`, error);
      }
    }
  }
}
