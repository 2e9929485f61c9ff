import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001-foundation';

/**
 * What an erasure remembers so that it stays done: a keyed digest (HMAC with the organization's
 * index key) of each identifier the erased person held, with the time of the erasure. An event
 * from before that time still in the queue, or delivered again, carries one of them and is dropped
 * instead of bringing the person back under a new id (`identity/erased-identifiers.ts`). Neither
 * the identifiers nor their blind indexes are kept, and the rows go after 30 days, past the
 * queues' retention.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table erased_identifiers (
      organization_id uuid not null references organizations(id) on delete cascade,
      site_id uuid not null references sites(id) on delete cascade,
      digest text not null,
      erased_at timestamptz not null,
      primary key (site_id, digest)
    )`.execute(db);
  await sql`create index erased_identifiers_time_idx on erased_identifiers (site_id, erased_at)`.execute(db);
  await enableTenantIsolation(db, 'erased_identifiers');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists erased_identifiers`.execute(db);
}
