import { type Kysely, type RawBuilder, sql as raw } from 'kysely';
import type { Database } from '../db/schema';
import { DEVICE_ID_TYPES } from './identifier-types';
import { textArray } from './sql-values';

/** An identifier of the person, as stored (pseudonymous types are plaintext). */
interface HeldIdentifier {
  readonly type: string;
  readonly value: string;
}

/**
 * Conversions (affiliate and mobile-attribution postbacks, `postbacks/conversion-store.ts`) name a
 * visitor by the ids the network sent back: anonymous id, user id, device ids. They are not
 * resolved into persons; a conversion is the person's when one of those ids is one of the
 * person's identifiers, compared as identity normalizes them (zero-width characters removed, trimmed, device ids lower-cased) through
 * the generated, indexed `*_key` columns (migration `0036-conversion-identity-keys`): plain column
 * equalities, which row-level security lets PostgreSQL answer from an index.
 */
export function conversionsNaming(
  siteId: string,
  identifiers: readonly HeldIdentifier[],
): RawBuilder<boolean> | undefined {
  const valuesOf = (type: string) => [...new Set(identifiers.filter((i) => i.type === type).map((i) => i.value))];
  const conditions: RawBuilder<boolean>[] = [];
  for (const type of ['anonymous_id', 'user_id', ...DEVICE_ID_TYPES]) {
    const ids = valuesOf(type);
    if (ids.length > 0) conditions.push(raw`${raw.ref(`${type}_key`)} = any(${textArray(ids)}::text[])`);
  }
  if (conditions.length === 0) return undefined;
  return raw<boolean>`site_id = ${siteId}::uuid and (${raw.join(conditions, raw` or `)})`;
}

/**
 * The person's conversions, for the export (right of access): everything the row holds, the
 * network's payload included, oldest first.
 */
export async function conversionsOfPerson(
  trx: Kysely<Database>,
  siteId: string,
  identifiers: readonly HeldIdentifier[],
): Promise<Record<string, unknown>[]> {
  const naming = conversionsNaming(siteId, identifiers);
  if (!naming) return [];
  const { rows } = await raw<Record<string, unknown>>`
    select network, transaction_id as "transactionId", event_name as "eventName", status, amount, payout, currency,
      occurred_at as "occurredAt", received_at as "receivedAt", click_id as "clickId", affiliate_id as "affiliateId",
      offer_id as "offerId", campaign, media_source as "mediaSource", platform, sub_ids as "subIds",
      anonymous_id as "anonymousId", user_id as "userId", idfa, gaid, idfv, device_id as "deviceId",
      raw_payload as "rawPayload"
    from conversions where ${naming} order by occurred_at, id`.execute(trx);
  return rows;
}

/**
 * Takes the person out of their conversions (right to erasure): the ids that name them and the
 * network's payload (which can hold an e-mail or more) are cleared; the business record stays (the
 * network, transaction, amounts and status an affiliate is paid by, and its click and sub ids, which
 * name the click, not the visitor, once the person's identifiers are gone). Returns how many rows.
 */
export async function pseudonymizeConversions(
  trx: Kysely<Database>,
  siteId: string,
  identifiers: readonly HeldIdentifier[],
): Promise<number> {
  const naming = conversionsNaming(siteId, identifiers);
  if (!naming) return 0;
  const result = await raw`
    update conversions set anonymous_id = null, user_id = null, idfa = null, gaid = null, idfv = null, device_id = null,
      raw_payload = '{"erased": true}'::jsonb, updated_at = now()
    where ${naming}`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
