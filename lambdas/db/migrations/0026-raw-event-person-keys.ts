import { type Kysely, sql } from 'kysely';

/**
 * Raw events sealed with their person's key. The resolver keeps each event it resolves as received
 * (`raw-events.ts`), sealed with the key of the person it resolved to, so that erasing the person
 * crypto-shreds the payload in every backup, as it does their identifiers and traits. The key's owner
 * is recorded as identifiers record theirs: a later merge or re-assignment moves `person_id`, not the
 * ciphertext. Rows sealed before (with the organization's payload key) keep `key_person_id` null.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // No foreign key, as on identifiers: it is the row's person when sealed, and persons are never deleted.
  await sql`alter table raw_events add column key_person_id uuid`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table raw_events drop column if exists key_person_id`.execute(db);
}
