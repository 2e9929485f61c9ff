import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../db/schema';
import type { Sql } from '../../ports/sql';
import { PGliteDialect } from './pglite-dialect';

/**
 * An embedded PostgreSQL (PGlite) persisted in `dataDir`, or in memory when `dataDir` is omitted.
 *
 * @example
 * const sql = await createPGliteSql({ dataDir: '.sightline/pg' });
 * await sql.db.selectFrom('sites').selectAll().execute();
 */
export async function createPGliteSql(options: { dataDir?: string } = {}): Promise<Sql> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { engine: 'pglite', db, close: () => db.destroy() };
}

/**
 * Any PostgreSQL server through `pg` (a pool of up to `maxConnections`).
 *
 * @example
 * const sql = createPostgresSql({ connectionString: process.env.DATABASE_URL });
 */
export function createPostgresSql(options: { connectionString: string; maxConnections?: number }): Sql {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    types: { getTypeParser: numericBigints },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { engine: 'postgres', db, close: () => db.destroy() };
}

/** int8 and numeric come back as numbers, as PGlite and the Data API return them. */
const numericBigints = ((oid: number, format?: 'text' | 'binary') => {
  if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format);
}) as typeof pg.types.getTypeParser;
