import { NotFoundError } from '../core/errors';
import type { SiteSettings } from '../db/schema/core';
import { withOrganization } from '../db/tenant';
import type { Sql } from '../ports/sql';

/**
 * Merges `change` over a site's stored settings (omitted fields keep their value) and returns the
 * result. Read and written in one transaction with the row locked, so two edits do not lose each
 * other's fields. Scoped to the organization (row-level security): another tenant's site is not found.
 *
 * @example
 * await changeSiteSettings(sql, organizationId, siteId, { affiliatePatterns: ['amzn.to/*'] });
 */
export async function changeSiteSettings<T extends SiteSettings>(
  sql: Sql,
  organizationId: string,
  siteId: string,
  change: Partial<T>,
): Promise<T> {
  return withOrganization(sql, organizationId, async (trx) => {
    const row = await trx
      .selectFrom('sites')
      .select('settings')
      .where('id', '=', siteId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`site ${siteId} not found`);
    const merged = { ...(row.settings as T), ...change };
    await trx
      .updateTable('sites')
      .set({ settings: JSON.stringify(merged) })
      .where('id', '=', siteId)
      .execute();
    return merged;
  });
}
