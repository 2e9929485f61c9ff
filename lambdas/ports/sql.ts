import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * The relational store (organizations, sites, persons, conversions): Aurora PostgreSQL through the
 * RDS Data API in AWS, `pg` against any PostgreSQL, or embedded PGlite in `npm start`.
 * Every engine speaks PostgreSQL, so domain code writes one query through Kysely.
 */
export type SqlEngine = 'pglite' | 'postgres' | 'data-api';

export interface Sql {
  readonly engine: SqlEngine;
  readonly db: Kysely<Database>;
  close(): Promise<void>;
}
