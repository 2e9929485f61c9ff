import { join } from 'node:path';
import { createDuckDbAnalytics } from '../adapters/local/duckdb-analytics';
import { createLocalEventStream, type LocalEventStream } from '../adapters/local/local-event-stream';
import { createLocalKeyValue } from '../adapters/local/local-key-value';
import { createLocalKeyWrapper } from '../adapters/local/local-key-wrapper';
import { createLocalObjectStore } from '../adapters/local/local-object-store';
import { createLocalQueue, type LocalQueue } from '../adapters/local/local-queue';
import { createParquetLakeSink } from '../adapters/local/parquet-lake-sink';
import { createPGliteSql, createPostgresSql } from '../adapters/sql/create-sql';
import type { Dependencies } from '../composition/dependencies';
import { dataPaths } from './data-dir';

export interface LocalDependencies extends Dependencies {
  readonly events: LocalEventStream;
  /** Dead letters of the identity queue and of failed stream batches. */
  readonly deadLetters: { readonly identity: LocalQueue; readonly enrich: LocalQueue };
  close(): Promise<void>;
}

/**
 * The embedded adapters `npm start` runs on, all under one data directory: PGlite (or `pg`
 * when `DATABASE_URL` is set) for Aurora, DuckDB over local Parquet for Athena, a directory for
 * S3, a file-backed stream for Kinesis, file-backed queues for SQS, a file-backed map for DynamoDB.
 */
export async function createLocalDependencies(
  dataDir: string,
  options: { databaseUrl?: string; now?: () => number } = {},
): Promise<LocalDependencies> {
  const paths = dataPaths(dataDir);
  const now = options.now ?? Date.now;
  const sql = options.databaseUrl
    ? createPostgresSql({ connectionString: options.databaseUrl })
    : await createPGliteSql({ dataDir: paths.postgres });
  const events = createLocalEventStream({ dir: paths.stream, shardCount: 2, now });
  const lake = createLocalObjectStore({ root: paths.lake });
  const analytics = await createDuckDbAnalytics({ lakeDir: paths.lake });
  const keyValue = createLocalKeyValue({ path: paths.keyValue, now });
  const identityDlq = createLocalQueue({ name: 'identity-dlq', path: join(paths.queues, 'identity-dlq.log'), now });
  const identityQueue = createLocalQueue({
    name: 'identity',
    path: join(paths.queues, 'identity.log'),
    visibilityTimeoutSeconds: 60,
    deadLetter: { queue: identityDlq, maxReceiveCount: 5 },
    now,
  });
  const enrichDlq = createLocalQueue({ name: 'enrich-dlq', path: join(paths.queues, 'enrich-dlq.log'), now });

  return {
    sql,
    events,
    lake,
    lakeSink: createParquetLakeSink(lake),
    analytics,
    keyValue,
    identityQueue,
    keyWrapper: createLocalKeyWrapper({ path: paths.masterKey }),
    now,
    deadLetters: { identity: identityDlq, enrich: enrichDlq },
    async close() {
      await events.close();
      await identityQueue.close();
      await identityDlq.close();
      await enrichDlq.close();
      await keyValue.close();
      await analytics.close();
      await sql.close();
    },
  };
}
