import type { Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { ConversionStatus } from '../db/schema/postbacks';
import { withOrganization } from '../db/tenant';
import type { Sql } from '../ports/sql';
import type { StoredConversion } from './conversion-envelope';
import type { ParsedConversion } from './parsed-conversion';

/** What happened to a postback: a new conversion, a change to one, a replay, or an out-of-order update. */
export type RecordStatus = 'created' | 'updated' | 'duplicate' | 'stale';

export interface RecordOutcome {
  readonly status: RecordStatus;
  readonly conversion: StoredConversion;
}

/** A validated conversion with what linking found and what is kept of the request. */
export interface ConversionToRecord {
  readonly siteId: string;
  readonly organizationId: string;
  readonly conversion: ParsedConversion;
  readonly matchedClickId?: string;
  readonly linkId?: string;
  readonly anonymousId?: string;
  readonly rawPayload: Readonly<Record<string, string>>;
  readonly receivedAt: number;
}

/**
 * Records a conversion once per (site, network, transaction id), in one transaction that also
 * calls `emit` for every stored change (so the stream has the change before it is committed;
 * a failed emit rolls the change back and the network retries):
 * - new → `created`;
 * - same status and amounts → `duplicate` (a replay: answered 200, not counted again);
 * - a change of status or amounts → `updated`, revision + 1;
 * - `pending` after a decision (approved / rejected) → `stale`: a late retry of an older postback
 *   must not undo the decision.
 *
 * @example
 * const outcome = await recordConversion(sql, input, (row) => events.put([conversionRecord(conversionEnvelope(row, now))]));
 */
export async function recordConversion(
  sql: Sql,
  input: ConversionToRecord,
  emit: (row: StoredConversion) => Promise<void>,
): Promise<RecordOutcome> {
  return withOrganization(sql, input.organizationId, async (trx) => {
    const created = await insertNew(trx, input);
    if (created) {
      await emit(created);
      return { status: 'created', conversion: created };
    }
    const existing = await trx
      .selectFrom('conversions')
      .selectAll()
      .where('site_id', '=', input.siteId)
      .where('network', '=', input.conversion.network)
      .where('transaction_id', '=', input.conversion.transactionId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const status = decide(existing, input.conversion);
    if (status !== 'updated') return { status, conversion: existing };
    const updated = await applyUpdate(trx, existing, input);
    await emit(updated);
    return { status, conversion: updated };
  });
}

/**
 * Whether an incoming postback changes a stored conversion. Fields the postback leaves out keep
 * their values (an Impact reversal need not repeat the amount).
 *
 * @example
 * decide(stored, { ...incoming, status: 'approved' }); // 'updated' when stored was pending
 */
export function decide(
  existing: Pick<StoredConversion, 'status' | 'amount' | 'payout' | 'currency'>,
  incoming: ParsedConversion,
): RecordStatus {
  const sameMoney = (stored: number | string | null, next: string | undefined) =>
    next === undefined || (stored !== null && Number(next) === Number(stored));
  const unchanged =
    incoming.status === existing.status &&
    sameMoney(existing.amount, incoming.amount) &&
    sameMoney(existing.payout, incoming.payout) &&
    (incoming.currency === undefined || incoming.currency === existing.currency);
  if (unchanged) return 'duplicate';
  if (incoming.status === 'pending' && existing.status !== 'pending') return 'stale';
  return 'updated';
}

async function insertNew(trx: Transaction<Database>, input: ConversionToRecord): Promise<StoredConversion | undefined> {
  const c = input.conversion;
  const receivedAt = new Date(input.receivedAt);
  return trx
    .insertInto('conversions')
    .values({
      organization_id: input.organizationId,
      site_id: input.siteId,
      network: c.network,
      transaction_id: c.transactionId,
      click_id: c.clickId ?? null,
      matched_click_id: input.matchedClickId ?? null,
      link_id: input.linkId ?? null,
      affiliate_id: c.affiliateId ?? null,
      offer_id: c.offerId ?? null,
      campaign: c.campaign ?? null,
      media_source: c.mediaSource ?? null,
      platform: c.platform ?? null,
      sub_ids: JSON.stringify(c.subIds),
      amount: c.amount ?? null,
      payout: c.payout ?? null,
      currency: c.currency ?? null,
      status: c.status,
      event_name: c.eventName,
      idfa: c.idfa ?? null,
      gaid: c.gaid ?? null,
      idfv: c.idfv ?? null,
      device_id: c.deviceId ?? null,
      install_time: c.installTime === undefined ? null : new Date(c.installTime),
      occurred_at: c.eventTime === undefined ? receivedAt : new Date(Math.min(c.eventTime, input.receivedAt)),
      anonymous_id: input.anonymousId ?? c.anonymousId ?? null,
      user_id: c.userId ?? null,
      raw_payload: JSON.stringify(input.rawPayload),
      revision: 0,
      received_at: receivedAt,
      updated_at: receivedAt,
    })
    .onConflict((oc) => oc.columns(['site_id', 'network', 'transaction_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

async function applyUpdate(
  trx: Transaction<Database>,
  existing: StoredConversion,
  input: ConversionToRecord,
): Promise<StoredConversion> {
  const c = input.conversion;
  const status: ConversionStatus = c.status;
  return trx
    .updateTable('conversions')
    .set({
      status,
      ...(c.amount !== undefined ? { amount: c.amount } : {}),
      ...(c.payout !== undefined ? { payout: c.payout } : {}),
      ...(c.currency !== undefined ? { currency: c.currency } : {}),
      idfa: existing.idfa ?? c.idfa ?? null,
      gaid: existing.gaid ?? c.gaid ?? null,
      idfv: existing.idfv ?? c.idfv ?? null,
      device_id: existing.device_id ?? c.deviceId ?? null,
      anonymous_id: existing.anonymous_id ?? input.anonymousId ?? c.anonymousId ?? null,
      user_id: existing.user_id ?? c.userId ?? null,
      raw_payload: JSON.stringify(input.rawPayload),
      revision: existing.revision + 1,
      updated_at: new Date(input.receivedAt),
    })
    .where('id', '=', existing.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
