import { sql as raw, type Transaction } from 'kysely';
import { ValidationError } from '../core/errors';
import type { Sql } from '../ports/sql';
import type { Database } from './schema';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `work` in a transaction as the `sightline_app` role with the organization set, so
 * row-level security limits every statement to that organization's rows.
 *
 * @example
 * const sites = await withOrganization(sql, orgId, (trx) => trx.selectFrom('sites').selectAll().execute());
 */
export async function withOrganization<T>(
  sql: Sql,
  organizationId: string,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  if (!UUID.test(organizationId)) throw new ValidationError('organization id must be a UUID', 'organizationId');
  return sql.db.transaction().execute(async (trx) => {
    // One round trip: `set_config('role', …, true)` is `set local role`, as PostgREST switches roles.
    await raw`select set_config('role', 'sightline_app', true), set_config('sightline.org_id', ${organizationId}::text, true)`.execute(
      trx,
    );
    return work(trx);
  });
}
