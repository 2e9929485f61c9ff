import { type Kysely, sql } from 'kysely';
import { enableTenantIsolation } from './0001-foundation';
import { COMPANY_TABLES, createCompanyTables } from './0002-identity-companies';
import { createEventTables, EVENT_TABLES } from './0002-identity-events';
import { createPersonTables, PERSON_TABLES } from './0002-identity-persons';

/**
 * Identity resolution: persons, identifiers, links, merges, conflicts, traits, companies, soft links,
 * sessions, slim events and raw events, each restricted by row-level security to its organization.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createPersonTables(db);
  await createCompanyTables(db);
  await createEventTables(db);
  for (const table of [...PERSON_TABLES, ...COMPANY_TABLES, ...EVENT_TABLES]) {
    await enableTenantIsolation(db, table);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop view if exists identity_map, person_aliases`.execute(db);
  await sql`drop function if exists identity_lock_keys(jsonb), identity_try_lock_keys(jsonb)`.execute(db);
  await sql`
    drop table if exists raw_events, events, sessions, soft_links, soft_signals, person_companies, companies,
      person_traits, person_merges, identity_conflicts, identity_links, identifiers, person_keys, persons,
      identity_organization_keys cascade`.execute(db);
}
