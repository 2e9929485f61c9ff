import { sql as raw } from 'kysely';
import { withOrganization } from '../db/tenant';
import { erasePerson } from '../identity/erase-person';
import type { IdentityAccess } from '../identity/identity-access';
import { aliasIdsOf } from '../identity/person-aliases';
import {
  type LakeActivityDeps,
  type LakeIdentifier,
  type LakeIdentifierType,
  lakeIdentifierKey,
  lastSeenInLake,
} from './lake-activity';

export interface SiteScope {
  readonly organizationId: string;
  readonly siteId: string;
}

export interface ExpiredRows {
  readonly events: number;
  readonly sessions: number;
  readonly rawEvents: number;
  readonly conversions: number;
  /** Sightings of IP and user agent (keyed digests) last seen before the cutoff. */
  readonly softSignals: number;
  /** Soft-link evidence (when two persons shared a signal) last seen before the cutoff. */
  readonly softLinkEvidence: number;
  /** Open soft links withdrawn because none of their evidence is kept any more (decided ones stay). */
  readonly softLinks: number;
  /** Persons erased (crypto-shredded, tombstoned) because nothing they did is kept any more. */
  readonly personsErased: number;
  /** Persons with no slim event left whom the lake still shows visiting: kept, and not asked about again until that visit expires. */
  readonly personsSeenInLake: number;
  /** Stale persons left for the next run by `maxPersons`. */
  readonly personsRemaining: boolean;
}

export interface DatabaseRetentionDeps extends IdentityAccess, LakeActivityDeps {}

export interface PersonRetentionLimits {
  /** Erasures per call; the rest wait for the next run (`personsRemaining`). */
  readonly maxPersons?: number;
  /** Candidates read and checked against the lake at a time. */
  readonly pageSize?: number;
}

/**
 * Deletes what PostgreSQL holds on a site from before `cutoff`: slim events, sessions that ended
 * before it, raw events, postback conversions, soft-signal sightings and the soft-link evidence
 * drawn from them (an open link left with none is withdrawn; a decided one keeps its decision); then erases every person with nothing left after
 * it, exactly as `sightline persons erase` does — identifiers deleted, PII keys shredded, a
 * tombstone left. Nothing left means: first seen before the cutoff, no slim event kept under any of
 * their ids, and no visit in the lake since the cutoff under any of their anonymous or user ids.
 * Only events that link identifiers reach PostgreSQL, so the lake is asked before a person is
 * erased; a person it shows visiting is kept and marked (`lake_seen_at`), so the next runs do not
 * ask again until that visit is older than the cutoff, and stale persons behind them are reached.
 * Runs as the organization (row-level security), at most `maxPersons` erasures per call.
 *
 * @example
 * await deleteExpiredRows({ sql, keyring, analytics, analyticsDatabase }, { organizationId, siteId }, cutoff);
 * // { events: 120, sessions: 14, rawEvents: 120, conversions: 0, softSignals: 40, softLinkEvidence: 2, softLinks: 1, personsErased: 3, personsSeenInLake: 1, personsRemaining: false }
 */
export async function deleteExpiredRows(
  deps: DatabaseRetentionDeps,
  scope: SiteScope,
  cutoff: Date,
  { maxPersons = 5_000, pageSize = 500 }: PersonRetentionLimits = {},
): Promise<ExpiredRows> {
  const counts = await withOrganization(deps.sql, scope.organizationId, async (trx) => {
    // Each table's rows of the site by the time that ages them (sessions by their last event; IP and
    // user-agent sightings are kept per 30-minute slot, so a visitor who stays active still loses old ones).
    const olderThanCutoff = async (table: string, column: string) => {
      const result = await raw`delete from ${raw.table(table)}
        where site_id = ${scope.siteId}::uuid and ${raw.ref(column)} < ${cutoff}`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    };
    const events = await olderThanCutoff('events', 'occurred_at');
    const sessions = await olderThanCutoff('sessions', 'last_event_at');
    const rawEvents = await olderThanCutoff('raw_events', 'received_at');
    const conversions = await olderThanCutoff('conversions', 'occurred_at');
    const softSignals = await olderThanCutoff('soft_signals', 'last_seen_at');
    const softLinkEvidence = await olderThanCutoff('soft_link_evidence', 'last_seen_at');
    const softLinks = await trx
      .deleteFrom('soft_links')
      .where('site_id', '=', scope.siteId)
      .where('status', '=', 'open')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(selectFrom('soft_link_evidence as e').select('e.link_id').whereRef('e.link_id', '=', 'soft_links.id')),
        ),
      )
      .executeTakeFirst();
    return {
      events,
      sessions,
      rawEvents,
      conversions,
      softSignals,
      softLinkEvidence,
      softLinks: Number(softLinks.numDeletedRows),
    };
  });
  const cutoffDay = cutoff.toISOString().slice(0, 10);
  let personsErased = 0;
  let personsSeenInLake = 0;
  // Each page is either erased or marked seen, so the next page reads persons not read yet.
  for (;;) {
    const candidates = await stalePersons(deps, scope, cutoff, pageSize);
    const seen = await lastSeenInLake(
      deps,
      scope.siteId,
      cutoffDay,
      candidates.flatMap((c) => c.identifiers),
    );
    const active = new Map<string, Date>();
    const stale: string[] = [];
    for (const candidate of candidates) {
      const visits = candidate.identifiers.flatMap((i) => seen.get(lakeIdentifierKey(i))?.getTime() ?? []);
      if (visits.length > 0) active.set(candidate.id, new Date(Math.max(...visits)));
      else stale.push(candidate.id);
    }
    await markSeenInLake(deps, scope, active);
    personsSeenInLake += active.size;
    const erasing = stale.slice(0, maxPersons - personsErased);
    // Their lake rows are all before the cutoff (the lake was asked), gone with its partitions.
    for (const personId of erasing)
      await erasePerson(deps, { organizationId: scope.organizationId, personId, lakeHoldsNothing: true });
    personsErased += erasing.length;
    const personsRemaining = erasing.length < stale.length;
    if (personsRemaining || candidates.length < pageSize)
      return { ...counts, personsErased, personsSeenInLake, personsRemaining };
  }
}

interface Candidate {
  readonly id: string;
  /** The anonymous and user ids of the person and of everyone merged into them. */
  readonly identifiers: readonly LakeIdentifier[];
}

/**
 * Current persons of the site first seen before `cutoff`, with no event kept under any id merged
 * into them and no visit found in the lake since the cutoff, oldest first.
 */
async function stalePersons(
  access: IdentityAccess,
  scope: SiteScope,
  cutoff: Date,
  limit: number,
): Promise<Candidate[]> {
  return withOrganization(access.sql, scope.organizationId, async (trx) => {
    const persons = await trx
      .selectFrom('persons as p')
      .select('p.id')
      .where('p.site_id', '=', scope.siteId)
      .where('p.merged_into', 'is', null)
      .where('p.erased_at', 'is', null)
      .where('p.first_seen_at', '<', cutoff)
      .where((eb) => eb.or([eb('p.lake_seen_at', 'is', null), eb('p.lake_seen_at', '<', cutoff)]))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('events as e')
              .select(raw`1`.as('one'))
              .where(raw<boolean>`e.person_id = any(${aliasIdsOf(raw.ref('p.id'))})`)
              .where('e.site_id', '=', scope.siteId),
          ),
        ),
      )
      .orderBy('p.first_seen_at')
      .orderBy('p.id')
      .limit(limit)
      .execute();
    if (persons.length === 0) return [];
    const ids = persons.map((p) => p.id);
    const identifiers = await trx
      .selectFrom('persons as a')
      .innerJoin('identifiers as i', 'i.person_id', 'a.id')
      .select([raw<string>`coalesce(a.merged_into, a.id)`.as('current_person_id'), 'i.type', 'i.value'])
      .where((eb) => eb.or([eb('a.id', 'in', ids), eb('a.merged_into', 'in', ids)]))
      .where('i.type', 'in', ['anonymous_id', 'user_id'])
      .execute();
    const byPerson = new Map<string, LakeIdentifier[]>(persons.map((p) => [p.id, []]));
    for (const row of identifiers)
      byPerson.get(row.current_person_id)?.push({ type: row.type as LakeIdentifierType, value: row.value });
    return persons.map((p) => ({ id: p.id, identifiers: byPerson.get(p.id) ?? [] }));
  });
}

async function markSeenInLake(access: IdentityAccess, scope: SiteScope, seen: ReadonlyMap<string, Date>) {
  if (seen.size === 0) return;
  await withOrganization(access.sql, scope.organizationId, async (trx) => {
    for (const [personId, at] of seen)
      await trx.updateTable('persons').set({ lake_seen_at: at }).where('id', '=', personId).execute();
  });
}
