import { join } from 'node:path';
import { createDuckDbAnalytics } from '../../lambdas/adapters/local/duckdb-analytics';

/** Runs SQL on a data directory's lake with DuckDB, as `sightline query --engine athena` does. */
export async function queryLake(dataDir: string, sql: string, params: (string | number)[] = []) {
  const analytics = await createDuckDbAnalytics({ lakeDir: join(dataDir, 'lake') });
  try {
    return (await analytics.query(sql, { params, maxRows: 1_000_000 })).rows;
  } finally {
    await analytics.close();
  }
}
