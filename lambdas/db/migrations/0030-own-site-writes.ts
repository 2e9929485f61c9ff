import { type Kysely, sql } from 'kysely';

/**
 * Rows are written only into the organization's own sites. The policies of `enableTenantIsolation`
 * check a new row's `organization_id` alone, and a foreign key is checked as the table's owner, past
 * row-level security: `sightline_app` of one organization could write a row of its own naming another
 * organization's site. Work that runs as the owner trusts a row's site (the lake erasure rewrites the
 * `site_id`'s files, the redirect and postback handlers act for it), and the row would take that
 * site's unique keys (`postback_settings`, raw events, sessions). Now the new row's site must be one of
 * the organization's.
 */
const TABLES = [
  'persons',
  'identifiers',
  'identity_links',
  'identity_conflicts',
  'person_merges',
  'soft_signals',
  'soft_links',
  'sessions',
  'events',
  'raw_events',
  'postback_settings',
  'affiliates',
  'tracked_links',
  'conversions',
  'lake_erasures',
  'erased_identifiers',
] as const;

const ORGANIZATION = sql`nullif(current_setting('sightline.org_id', true), '')::uuid`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await sql`
      alter policy ${sql.id(`${table}_tenant_isolation`)} on ${sql.table(table)} to sightline_app
        using (organization_id = ${ORGANIZATION})
        with check (organization_id = ${ORGANIZATION}
          and site_id in (select s.id from sites s where s.organization_id = ${ORGANIZATION}))`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of TABLES) {
    await sql`
      alter policy ${sql.id(`${table}_tenant_isolation`)} on ${sql.table(table)} to sightline_app
        using (organization_id = ${ORGANIZATION}) with check (organization_id = ${ORGANIZATION})`.execute(db);
  }
}
