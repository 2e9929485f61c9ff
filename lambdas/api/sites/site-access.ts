import { NotFoundError } from '../../core/errors';
import { withOrganization } from '../../db/tenant';
import type { Sql } from '../../ports/sql';
import type { Principal } from '../principal';

/**
 * Checks that a site belongs to the caller's organization before anything is read about it from
 * the lake, which has no row-level security of its own: row-level security hides other
 * organizations' sites, so theirs are simply not found.
 *
 * @example
 * await assertSiteAccess(sql, principal, siteId); // NotFoundError for another organization's site
 */
export async function assertSiteAccess(sql: Sql, principal: Principal, siteId: string): Promise<void> {
  const site = await withOrganization(sql, principal.organizationId, (trx) =>
    trx.selectFrom('sites').select('id').where('id', '=', siteId).executeTakeFirst(),
  );
  if (!site) throw new NotFoundError(`site ${siteId} not found`);
}
