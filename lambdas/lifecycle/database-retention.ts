import { sql as raw } from 'kysely';
import { withOrganization } from '../db/tenant';
import { erasePerson } from '../identity/erase-person';
import type { IdentityAccess } from '../identity/identity-access';

export interface SiteScope {
  readonly organizationId: string;
  readonly siteId: string;
}

export interface ExpiredRows {
  readonly events: number;
  readonly sessions: number;
  readonly rawEvents: number;
  readonly conversions: number;
  /** Persons erased (crypto-shredded, tombstoned) because nothing they did is kept any more. */
  readonly personsErased: number;
  /** Stale persons left for the next run by `maxPersons`. */
  readonly personsRemaining: boolean;
}

/**
 * Deletes what PostgreSQL holds on a site from before `cutoff`: slim events, sessions that ended
 * before it, raw events and postback conversions; then erases every person with nothing left after
 * it (first seen before the cutoff, no event kept under any of their ids), exactly as
 * `sightline persons erase` does — identifiers deleted, PII keys shredded, a tombstone left.
 * Runs as the organization (row-level security), at most `maxPersons` erasures per call.
 */
export async function deleteExpiredRows(
  access: IdentityAccess,
  scope: SiteScope,
  cutoff: Date,
  maxPersons = 5_000,
): Promise<ExpiredRows> {
  const counts = await withOrganization(access.sql, scope.organizationId, async (trx) => {
    const count = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);
    const events = await trx
      .deleteFrom('events')
      .where('site_id', '=', scope.siteId)
      .where('occurred_at', '<', cutoff)
      .executeTakeFirst();
    const sessions = await trx
      .deleteFrom('sessions')
      .where('site_id', '=', scope.siteId)
      .where('last_event_at', '<', cutoff)
      .executeTakeFirst();
    const rawEvents = await trx
      .deleteFrom('raw_events')
      .where('site_id', '=', scope.siteId)
      .where('received_at', '<', cutoff)
      .executeTakeFirst();
    const conversions = await trx
      .deleteFrom('conversions')
      .where('site_id', '=', scope.siteId)
      .where('occurred_at', '<', cutoff)
      .executeTakeFirst();
    return {
      events: count(events),
      sessions: count(sessions),
      rawEvents: count(rawEvents),
      conversions: count(conversions),
    };
  });
  const stale = await stalePersons(access, scope, cutoff, maxPersons + 1);
  const erasing = stale.slice(0, maxPersons);
  for (const personId of erasing) await erasePerson(access, { organizationId: scope.organizationId, personId });
  return { ...counts, personsErased: erasing.length, personsRemaining: stale.length > maxPersons };
}

/** Current persons of the site first seen before `cutoff` with no event kept under any id merged into them. */
async function stalePersons(access: IdentityAccess, scope: SiteScope, cutoff: Date, limit: number): Promise<string[]> {
  return withOrganization(access.sql, scope.organizationId, async (trx) => {
    const rows = await trx
      .selectFrom('persons as p')
      .select('p.id')
      .where('p.site_id', '=', scope.siteId)
      .where('p.merged_into', 'is', null)
      .where('p.erased_at', 'is', null)
      .where('p.first_seen_at', '<', cutoff)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('person_aliases as a')
              .innerJoin('events as e', 'e.person_id', 'a.person_id')
              .select(raw`1`.as('one'))
              .whereRef('a.current_person_id', '=', 'p.id')
              .where('e.site_id', '=', scope.siteId),
          ),
        ),
      )
      .orderBy('p.first_seen_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  });
}
