import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * Every tenant table's row-level security policy, in its final form:
 *
 * - The organization is read once per statement, as a subquery (an InitPlan), not per row. The
 *   planner then estimates the organization's rows as an average organization's instead of
 *   evaluating `current_setting` at plan time and looking the value up in the statistics: an
 *   organization created after the last `ANALYZE` is absent from them, its rows were estimated at
 *   one, and batch statements became nested loops re-reading their JSON input once per row (a
 *   second organization resolved ~10 times slower until autovacuum analyzed again).
 * - A written row's site must be one of the organization's. A foreign key is checked as the table's
 *   owner, past row-level security, so `sightline_app` of one organization could write a row of its
 *   own naming another organization's site; work that runs as the owner trusts a row's site (the lake
 *   erasure rewrites that `site_id`'s files, redirects and postbacks act for it), and the row would
 *   take that site's unique keys (`postback_settings`, raw events, sessions).
 */
const ORGANIZATION = sql`(select nullif(current_setting('sightline.org_id', true), '')::uuid)`;
/** The form of `enableTenantIsolation` (migration 0001), restored by `down`. */
const PER_ROW = sql`nullif(current_setting('sightline.org_id', true), '')::uuid`;

/** Tenant tables and the column naming their organization. */
const TENANT_TABLES: readonly (readonly [string, string])[] = [
  ['organizations', 'id'],
  ['users', 'organization_id'],
  ['sites', 'organization_id'],
  ['api_sessions', 'organization_id'],
  ['invitations', 'organization_id'],
  ['external_identities', 'organization_id'],
  ['identity_organization_keys', 'organization_id'],
  ['companies', 'organization_id'],
  ['person_companies', 'organization_id'],
  ['person_keys', 'organization_id'],
  ['person_traits', 'organization_id'],
  ['persons', 'organization_id'],
  ['identifiers', 'organization_id'],
  ['identity_links', 'organization_id'],
  ['identity_conflicts', 'organization_id'],
  ['person_merges', 'organization_id'],
  ['soft_signals', 'organization_id'],
  ['soft_links', 'organization_id'],
  ['sessions', 'organization_id'],
  ['events', 'organization_id'],
  ['raw_events', 'organization_id'],
  ['postback_settings', 'organization_id'],
  ['affiliates', 'organization_id'],
  ['tracked_links', 'organization_id'],
  ['conversions', 'organization_id'],
  ['lake_erasures', 'organization_id'],
  ['erased_identifiers', 'organization_id'],
];

/** The tenant tables whose rows name a site (all but the organization's own registry rows). */
const SITE_TABLES = new Set([
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
]);

async function alterPolicy(db: Kysely<unknown>, table: string, using: RawBuilder<unknown>, check: RawBuilder<unknown>) {
  await sql`alter policy ${sql.id(`${table}_tenant_isolation`)} on ${sql.table(table)} to sightline_app
    using (${using}) with check (${check})`.execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of TENANT_TABLES) {
    const own = sql`${sql.ref(column)} = ${ORGANIZATION}`;
    const ownSite = sql`${own} and site_id in (select s.id from sites s where s.organization_id = ${ORGANIZATION})`;
    await alterPolicy(db, table, own, SITE_TABLES.has(table) ? ownSite : own);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of TENANT_TABLES) {
    const own = sql`${sql.ref(column)} = ${PER_ROW}`;
    await alterPolicy(db, table, own, own);
  }
}
