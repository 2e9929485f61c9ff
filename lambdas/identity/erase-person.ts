import { type Kysely, sql as raw } from 'kysely';
import { NotFoundError } from '../core/errors';
import type { Database } from '../db/schema';
import { withOrganization } from '../db/tenant';
import { shredPersonKeys } from './crypto/person-keys';
import { rememberErasure } from './erased-identifiers';
import { DEVICE_ID_TYPES } from './identifier-types';
import type { IdentityAccess } from './identity-access';
import { pseudonymizeConversions } from './person-conversions';
import { identifierLockKey } from './person-id';
import { iso } from './person-profile';
import { lockKeys, lockRegion } from './region-locks';
import { bigintArray, textArray, uuidAny, uuidList } from './sql-values';

export interface ErasureReport {
  readonly personId: string;
  /** The person and every person merged into it: all now tombstones. */
  readonly erasedPersonIds: readonly string[];
  readonly identifiersDeleted: number;
  readonly keysShredded: number;
  readonly rawEventsDeleted: number;
  /** Slim events and sessions recorded under the person (the lake's copies follow, see below). */
  readonly eventsDeleted: number;
  readonly sessionsDeleted: number;
  /** Conversions (postbacks) that named them: their ids and the network's payload cleared, the sale kept. */
  readonly conversionsPseudonymized: number;
  /**
   * Whether the lake still holds events under the person's anonymous, user or device ids: the daily
   * maintenance rewrites the site's lake files without them (`lifecycle/lake-erasure.ts`).
   */
  readonly lakeErasurePending: boolean;
  readonly erasedAt: string;
  /** True when the person had been erased before: nothing more was done. */
  readonly alreadyErased: boolean;
}

/**
 * Erases a person (right to erasure): deletes their identifiers, links, traits, company links, soft
 * signals and links, raw events, slim events and sessions; takes them out of the conversions that
 * named them (`person-conversions.ts`); deletes their PII keys, which
 * crypto-shreds every ciphertext made with them (copies outside the database at once; the database's
 * own backups hold the keys until they expire, 7 days in AWS); and leaves tombstones (the person
 * rows, with `erased_at`) that lookups and exports respect. A merged
 * person's id erases the person it was merged into. What `sightline persons erase <id>` runs.
 *
 * @example
 * const report = await erasePerson({ sql, keyring }, { organizationId, personId });
 */
export async function erasePerson(
  access: IdentityAccess,
  request: {
    readonly organizationId: string;
    readonly personId: string;
    /** Retention's erasures: their lake rows go with the partitions before the cutoff, no pass needed. */
    readonly lakeHoldsNothing?: boolean;
  },
): Promise<ErasureReport> {
  // Before the transaction: the keyring reads through its own connection.
  const { indexKey } = await access.keyring.keysFor(request.organizationId);
  return withOrganization(access.sql, request.organizationId, async (trx) => {
    const alias = await trx
      .selectFrom('persons')
      .select(['id', 'merged_into', 'site_id'])
      .where('id', '=', request.personId)
      .executeTakeFirst();
    if (!alias) throw new NotFoundError(`person ${request.personId} not found`);
    const personId = alias.merged_into ?? alias.id;
    const siteId = alias.site_id;

    // Hold every identifier of the person's region, as resolution does, so no resolver is mid-way.
    const owned = await trx
      .selectFrom('identifiers')
      .select(['id', 'type', 'value'])
      .where('person_id', '=', personId)
      .execute();
    const held = new Set(owned.map((i) => identifierLockKey(siteId, i.type, i.value)));
    await lockKeys(trx, held);
    await lockRegion(
      trx,
      siteId,
      owned.map((i) => i.id),
      held,
      100_000,
    );

    const current = await trx
      .selectFrom('persons')
      .select(['erased_at'])
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
    const family = await trx
      .selectFrom('persons')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', personId), eb('merged_into', '=', personId)]))
      .execute();
    const ids = family.map((p) => p.id);
    if (current.erased_at) {
      return {
        personId,
        erasedPersonIds: ids,
        identifiersDeleted: 0,
        keysShredded: 0,
        rawEventsDeleted: 0,
        eventsDeleted: 0,
        sessionsDeleted: 0,
        conversionsPseudonymized: 0,
        lakeErasurePending: await hasPendingLakeErasure(trx, personId),
        erasedAt: iso(current.erased_at),
        alreadyErased: true,
      };
    }

    // Read again under the locks: what a resolver changed while we waited counts.
    const mine = await trx
      .selectFrom('identifiers')
      .select(['id', 'type', 'value'])
      .where('person_id', '=', personId)
      .execute();
    const identifierIds = mine.map((i) => i.id);
    // The lake keys events by anonymous and user id, and a postback's conversion by its device ids:
    // those are what its erasure looks for.
    const lakeIds = (...types: readonly string[]) =>
      [...new Set(mine.filter((i) => types.includes(i.type)).map((i) => i.value))].sort();
    const [anonymousIds, userIds, deviceIds] = [
      lakeIds('anonymous_id'),
      lakeIds('user_id'),
      lakeIds(...DEVICE_ID_TYPES),
    ];
    const lakeErasurePending = !request.lakeHoldsNothing && anonymousIds.length + userIds.length + deviceIds.length > 0;
    if (lakeErasurePending) {
      // Arrays as JSON: the Data API takes no array parameters.
      await raw`insert into lake_erasures (organization_id, site_id, person_id, anonymous_ids, user_ids, device_ids)
        values (${request.organizationId}::uuid, ${siteId}::uuid, ${personId}::uuid, ${textArray(anonymousIds)},
          ${textArray(userIds)}, ${textArray(deviceIds)})`.execute(trx);
    }
    // So that an event from before now, resolved later, does not bring them back.
    await rememberErasure(trx, indexKey, { organizationId: request.organizationId, siteId }, mine);
    // Before the identifiers go: they are what names the person in a conversion.
    const conversionsPseudonymized = await pseudonymizeConversions(trx, siteId, mine);
    if (identifierIds.length > 0) {
      // Through the links' GIN index: `&&` is not leakproof, so under row-level security it cannot use it.
      await raw`delete from identity_links where id = any(array(select id from identity_links_touching(${bigintArray(identifierIds)})))`.execute(
        trx,
      );
    }
    const identifiersDeleted = Number(
      (await trx.deleteFrom('identifiers').where('person_id', '=', personId).executeTakeFirst()).numDeletedRows,
    );
    for (const table of ['person_traits', 'person_companies', 'soft_signals'] as const) {
      await raw`delete from ${raw.table(table)} where person_id in ${uuidList(ids)}`.execute(trx);
    }
    await raw`delete from soft_links where person_a = ${uuidAny(ids)} or person_b = ${uuidAny(ids)}`.execute(trx);
    const rawEvents = await raw`delete from raw_events where person_id in ${uuidList(ids)}`.execute(trx);
    // What they did, as the lake's events are: URLs and referrers can name them too.
    const events = await raw`delete from events where person_id in ${uuidList(ids)}`.execute(trx);
    const sessions = await raw`delete from sessions where person_id in ${uuidList(ids)}`.execute(trx);
    const keysShredded = await shredPersonKeys(trx, ids);
    const { rows } = await raw<{ erased_at: Date }>`
      update persons set erased_at = now(), creator_identifier_id = null
      where id in ${uuidList(ids)} returning erased_at`.execute(trx);

    return {
      personId,
      erasedPersonIds: ids,
      identifiersDeleted,
      keysShredded,
      rawEventsDeleted: Number(rawEvents.numAffectedRows ?? 0),
      eventsDeleted: Number(events.numAffectedRows ?? 0),
      sessionsDeleted: Number(sessions.numAffectedRows ?? 0),
      conversionsPseudonymized,
      lakeErasurePending,
      erasedAt: iso((rows[0] as { erased_at: Date }).erased_at),
      alreadyErased: false,
    };
  });
}

async function hasPendingLakeErasure(trx: Kysely<Database>, personId: string): Promise<boolean> {
  const pending = await trx
    .selectFrom('lake_erasures')
    .select('id')
    .where('person_id', '=', personId)
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  return pending !== undefined;
}
