import type { OrganizationKeyring } from '../../../lambdas/identity/crypto/organization-keys';
import { loadPersonProfiles } from '../../../lambdas/identity/person-profile';
import type { Sql } from '../../../lambdas/ports/sql';

/** What a person holds besides identifiers: its effective traits and its companies (domain and source). */
export interface PersonContents {
  readonly traits: Readonly<Record<string, unknown>>;
  readonly companies: readonly string[];
}

/**
 * The traits and companies of every live person of a site, by person id: two runs that should end
 * with the same persons must end with these equal too.
 */
export async function personContents(
  sql: Sql,
  keyring: OrganizationKeyring,
  tenant: { organizationId: string; siteId: string },
): Promise<Record<string, PersonContents>> {
  const keys = await keyring.keysFor(tenant.organizationId);
  const live = await sql.db
    .selectFrom('persons')
    .select('id')
    .where('site_id', '=', tenant.siteId)
    .where('merged_into', 'is', null)
    .where('erased_at', 'is', null)
    .execute();
  const profiles = await loadPersonProfiles(
    sql.db,
    keys,
    tenant.organizationId,
    live.map((p) => p.id),
  );
  const contents: Record<string, PersonContents> = {};
  for (const [id, profile] of profiles) {
    contents[id] = {
      traits: profile.traits,
      companies: profile.companies.map((c) => `${c.domain ?? `group:${c.groupId}`} (${c.source})`).sort(),
    };
  }
  return contents;
}
