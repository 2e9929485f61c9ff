import { type Kysely, sql } from 'kysely';

/**
 * When retention last found a person active in the lake. Only events that link identifiers reach
 * PostgreSQL, so a person who keeps visiting with nothing but their cookie (or signed in, without a
 * new login) has no slim event left after a while, though the lake holds their visits. Retention
 * checks the lake before erasing such a person and records the latest visit it found here; the
 * person is not a candidate again until that visit is itself older than the cutoff.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table persons add column lake_seen_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table persons drop column if exists lake_seen_at`.execute(db);
}
