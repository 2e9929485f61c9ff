import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001-foundation';

/**
 * Erasure requests the lake still owes. Erasing a person deletes what PostgreSQL holds at once; the
 * lake (Parquet in S3, or the local lake directory) keeps their events under their anonymous and
 * user ids until the daily maintenance rewrites the site's files without them
 * (`lifecycle/lake-erasure.ts`). The ids wait here, pseudonymous as they were in `identifiers`, and
 * are cleared when the lake is done; the row stays as the record that it was.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table lake_erasures (
      id bigint generated always as identity primary key,
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      person_id uuid not null references persons(id),
      anonymous_ids text[] not null,
      user_ids text[] not null,
      requested_at timestamptz not null default now(),
      completed_at timestamptz,
      rows_removed bigint
    )`.execute(db);
  await sql`create index lake_erasures_pending_idx on lake_erasures (site_id, id) where completed_at is null`.execute(
    db,
  );
  await enableTenantIsolation(db, 'lake_erasures');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists lake_erasures`.execute(db);
}
