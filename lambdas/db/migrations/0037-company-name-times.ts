import { type Kysely, sql } from 'kysely';

/**
 * When a company's name was given (`name_seen_at`): the latest given name is kept whatever order the
 * group calls arrive in, rather than the one processed last. Names stored before keep no time, and
 * the next one given replaces them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table companies add column name_seen_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table companies drop column name_seen_at`.execute(db);
}
