import { type Kysely, sql } from 'kysely';

/**
 * Soft links by person: a person's page lists the open soft links of that person and of everyone
 * merged into them, and erasing or exporting a person reads theirs. Without these every such lookup
 * read all of a site's soft links. Plain b-tree indexes: uuid equality is leakproof, so they serve
 * `sightline_app` under row-level security too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index soft_links_person_a_idx on soft_links (person_a)`.execute(db);
  await sql`create index soft_links_person_b_idx on soft_links (person_b)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists soft_links_person_a_idx, soft_links_person_b_idx`.execute(db);
}
