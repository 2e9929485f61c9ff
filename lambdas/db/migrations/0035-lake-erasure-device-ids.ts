import { type Kysely, sql } from 'kysely';

/**
 * The device ids (IDFA, GAID, IDFV, device id) an erasure owes the lake: a mobile measurement
 * partner's postback names the visitor by them alone, and enrichment keeps them in the `properties`
 * of the lake's `conversion` events (`postbacks/conversion-envelope.ts`). Cleared with the other ids
 * when the lake is done.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table lake_erasures add column device_ids text[] not null default '{}'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table lake_erasures drop column device_ids`.execute(db);
}
