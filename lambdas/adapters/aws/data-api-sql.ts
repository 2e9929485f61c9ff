import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Sql } from '../../ports/sql';
import { type BackoffOptions, sleep as realSleep, type Sleep } from './backoff';
import { DataApiDialect } from './data-api-dialect';

export interface DataApiSqlOptions {
  /** ARN of the Aurora cluster (with the Data API enabled). */
  readonly resourceArn: string;
  /** ARN of the Secrets Manager secret with the database credentials. */
  readonly secretArn: string;
  readonly database: string;
  readonly client?: RDSDataClient;
  /** Retries of DatabaseResumingException while a paused cluster wakes up. */
  readonly resumeRetry?: BackoffOptions;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

/** About 30–60 s in all: a cluster at 0 ACU typically resumes in about 15 s. */
const DEFAULT_RESUME_RETRY: BackoffOptions = { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 8_000 };

/**
 * `Sql` over Aurora PostgreSQL through the RDS Data API: Kysely with the PostgreSQL adapter and query
 * compiler, and a driver that sends each statement as an ExecuteStatement call (transactions through
 * BeginTransaction / CommitTransaction / RollbackTransaction). SDK errors become `StorageError`s.
 *
 * The Data API types a string parameter as `varchar`; see `toSqlParameter` for the hints that let
 * UUID and JSON strings reach `uuid` and `jsonb` columns, and pass `Date`s (not strings) for timestamps.
 *
 * @example
 * const sql = createDataApiSql({
 *   resourceArn: requireEnv(ENV.dbClusterArn),
 *   secretArn: requireEnv(ENV.dbSecretArn),
 *   database: requireEnv(ENV.dbName),
 * });
 * const site = await sql.db.selectFrom('sites').selectAll().where('site_key', '=', siteKey).executeTakeFirst();
 */
export function createDataApiSql({
  resourceArn,
  secretArn,
  database,
  client,
  resumeRetry = DEFAULT_RESUME_RETRY,
  sleep = realSleep,
  random = Math.random,
}: DataApiSqlOptions): Sql {
  const dialect = new DataApiDialect({
    resourceArn,
    secretArn,
    database,
    client: client ?? new RDSDataClient({}),
    ownsClient: client === undefined,
    resumeRetry,
    sleep,
    random,
  });
  const db = new Kysely<Database>({ dialect });
  return {
    engine: 'data-api',
    db,
    close: () => db.destroy(),
  };
}
