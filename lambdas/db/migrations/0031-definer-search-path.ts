import { type Kysely, sql } from 'kysely';

/**
 * The security-definer functions (they read links past row-level security, filtering by the
 * caller's organization themselves) search `pg_temp` last, as PostgreSQL's guidance for such
 * functions has it: otherwise a caller's temporary schema is searched first for the names of types
 * and tables the functions use.
 */
const FUNCTIONS = [
  'identity_conflicts_naming(uuid[])',
  'identity_earliest_links(jsonb)',
  'identity_link_of(uuid, bigint[])',
  'identity_links_of(jsonb)',
  'identity_links_touching(bigint[])',
  'identity_regions(bigint[], integer)',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const signature of FUNCTIONS) {
    await sql`alter function ${sql.raw(signature)} set search_path = pg_catalog, public, pg_temp`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const signature of FUNCTIONS) {
    await sql`alter function ${sql.raw(signature)} set search_path = pg_catalog, public`.execute(db);
  }
}
