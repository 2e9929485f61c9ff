import { sql as raw } from 'kysely';
import { NotFoundError } from '../../core/errors';
import { withOrganization } from '../../db/tenant';
import type { Sql } from '../../ports/sql';
import type { Page } from '../stats/lake-reader';

export interface CompanySummary {
  readonly id: string;
  readonly domain: string | null;
  readonly name: string | null;
  readonly groupId: string | null;
  /** Current persons of the site at this company. */
  readonly persons: number;
  readonly firstSeenAt: string | null;
}

const likePrefix = (term: string): string => `${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * A page of the companies a site's visitors belong to (by e-mail domain, `group` calls, or
 * observation), those with most visitors first.
 *
 * @example
 * const page = await listCompanies(sql, { organizationId, siteId, q: 'acme', limit: 25, offset: 0 });
 */
export async function listCompanies(
  sql: Sql,
  request: {
    readonly organizationId: string;
    readonly siteId: string;
    readonly q?: string;
    readonly limit: number;
    readonly offset: number;
  },
): Promise<Page<CompanySummary>> {
  return withOrganization(sql, request.organizationId, async (trx) => {
    let query = trx
      .selectFrom('companies as c')
      .innerJoin('person_companies as pc', 'pc.company_id', 'c.id')
      .innerJoin('persons as p', 'p.id', 'pc.person_id')
      .select([
        'c.id',
        'c.domain',
        'c.name',
        'c.group_id',
        raw<number>`count(distinct p.id)`.as('persons'),
        raw<Date | null>`min(pc.first_seen_at)`.as('first_seen_at'),
      ])
      .where('p.site_id', '=', request.siteId)
      .where('p.merged_into', 'is', null)
      .where('p.erased_at', 'is', null)
      .groupBy(['c.id', 'c.domain', 'c.name', 'c.group_id']);
    if (request.q) {
      const term = likePrefix(request.q);
      query = query.where((eb) =>
        eb.or([
          eb(raw`lower(c.domain)`, 'like', raw`${term} escape '\\'`),
          eb(raw`lower(c.name)`, 'like', raw`${term} escape '\\'`),
        ]),
      );
    }
    const rows = await query
      .orderBy(raw`count(distinct p.id)`, 'desc')
      .orderBy('c.domain')
      .orderBy('c.id')
      .limit(request.limit + 1)
      .offset(request.offset)
      .execute();
    return {
      rows: rows.slice(0, request.limit).map((r) => ({
        id: r.id,
        domain: r.domain,
        name: r.name,
        groupId: r.group_id,
        persons: Number(r.persons),
        firstSeenAt: r.first_seen_at ? new Date(r.first_seen_at).toISOString() : null,
      })),
      limit: request.limit,
      offset: request.offset,
      hasMore: rows.length > request.limit,
    };
  });
}

/** One company of the organization; not found when it is another organization's. */
export async function loadCompany(sql: Sql, organizationId: string, companyId: string) {
  const row = await withOrganization(sql, organizationId, (trx) =>
    trx
      .selectFrom('companies')
      .select(['id', 'domain', 'name', 'group_id', 'created_at'])
      .where('id', '=', companyId)
      .executeTakeFirst(),
  );
  if (!row) throw new NotFoundError(`company ${companyId} not found`);
  return {
    id: row.id,
    domain: row.domain,
    name: row.name,
    groupId: row.group_id,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
