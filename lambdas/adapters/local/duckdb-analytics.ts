import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { StorageError, ValidationError } from '../../core/errors';
import { type LakeColumnType, type LakeTable, lakeTables } from '../../lake/tables';
import type { Analytics, AnalyticsResult } from '../../ports/analytics';

const duckType: Record<LakeColumnType, string> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  int: 'INTEGER',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

/**
 * Analytics over the local Parquet lake with an in-process DuckDB. Each lake table is a view of
 * the same name over `<lakeDir>/<table>/**\/*.parquet` (Hive partitions read as strings, as Athena
 * declares them), so queries written for Athena run unchanged.
 *
 * @example
 * const analytics = await createDuckDbAnalytics({ lakeDir: '.sightline/lake' });
 * const { rows } = await analytics.query('select count(*) as n from events where site_id = ?', { params: [siteId] });
 */
export async function createDuckDbAnalytics(options: {
  lakeDir: string;
  tables?: readonly LakeTable[];
  /** DuckDB memory cap. @default '512MB' */
  memoryLimit?: string;
}): Promise<Analytics> {
  const lakeDir = resolve(options.lakeDir);
  const tables = options.tables ?? lakeTables;
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: options.memoryLimit ?? '512MB',
    threads: '2',
  });
  const setup = await instance.connect();
  const populated = new Set<string>();
  let metadataCached = false;

  /** A table's view reads its files once any exist; until then it is an empty relation. */
  const refreshViews = async (): Promise<void> => {
    for (const table of tables) {
      if (populated.has(table.name)) continue;
      const dir = join(lakeDir, table.prefix);
      const hasFiles = containsParquet(dir);
      const columns = [...table.columns, ...table.partitions];
      const select = hasFiles
        ? `select ${columns.map((col) => quoteIdent(col.name)).join(', ')} from read_parquet(${quoteLiteral(
            `${dir}**/*.parquet`,
          )}, hive_partitioning = true, union_by_name = true, hive_types = {${table.partitions
            .map((p) => `${quoteLiteral(p.name)}: ${duckType[p.type]}`)
            .join(', ')}})`
        : `select ${columns.map((col) => `cast(null as ${duckType[col.type]}) as ${quoteIdent(col.name)}`).join(', ')} where false`;
      await setup.run(`create or replace view ${quoteIdent(table.name)} as ${select}`);
      if (hasFiles) populated.add(table.name);
      if (hasFiles && !metadataCached) {
        // Lake files are written once under a new name (a retried batch rewrites its own file, which
        // DuckDB notices by its modification time): their footers need not be read on every query.
        // The setting exists once the Parquet reader is loaded, i.e. after the first view over files.
        await setup.run('set global parquet_metadata_cache = true');
        metadataCached = true;
      }
    }
  };

  return {
    async query(sql, queryOptions = {}): Promise<AnalyticsResult> {
      const maxRows = queryOptions.maxRows ?? 10_000;
      if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > 1_000_000) {
        throw new ValidationError('maxRows must be an integer 1–1000000', 'maxRows');
      }
      await refreshViews();
      const connection = await instance.connect();
      try {
        const reader = await connection.runAndReadUntil(sql, maxRows, [...(queryOptions.params ?? [])]);
        const names = reader.columnNames();
        const types = reader.columnTypes().map((t) => t.toString());
        const rows = reader.getRowObjectsJS().slice(0, maxRows).map(normalizeRow);
        return { columns: names.map((name, i) => ({ name, type: types[i] ?? 'unknown' })), rows };
      } catch (error) {
        if (error instanceof ValidationError) throw error;
        throw new StorageError(`query failed: ${(error as Error).message}`, { cause: error });
      } finally {
        connection.closeSync();
      }
    },
    async close() {
      setup.closeSync();
      instance.closeSync();
    },
  };
}

/** JSON-friendly values: safe bigints become numbers, others decimal strings. */
function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (typeof value === 'bigint') {
      out[key] =
        value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
          ? Number(value)
          : value.toString();
    } else out[key] = value;
  }
  return out;
}

function containsParquet(dir: string): boolean {
  if (!existsSync(dir)) return false;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.parquet')) return true;
  }
  return false;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
