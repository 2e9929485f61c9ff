import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { CollectedEventEnvelope, PropertyValue } from '../collection/collected-event';
import type { ConversionsTable } from '../db/schema/postbacks';
import type { StreamRecordInput } from '../ports/event-stream';

/** A conversion row as the store returns it, without the generated lookup keys (`*_key`) nobody downstream reads. */
export type StoredConversion = Omit<
  Selectable<ConversionsTable>,
  'anonymous_id_key' | 'user_id_key' | 'idfa_key' | 'gaid_key' | 'idfv_key' | 'device_id_key'
>;

/**
 * The `YYYY-MM-DD HH:MM:SS.fff` UTC text both Athena and DuckDB cast to a timestamp.
 *
 * @example
 * lakeTimestamp(new Date(Date.UTC(2026, 2, 10, 12))); // '2026-03-10 12:00:00.000'
 */
export function lakeTimestamp(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The event a conversion puts on the stream, once per revision: enrichment writes it to the lake
 * as `event_type = 'conversion'`. Its id is derived from (site, network, transaction, revision),
 * so a retried write is deduplicated while a status change is a new row; the lake keeps every
 * revision and queries take the highest `revision` per (network, transaction_id). `occurred_at`
 * keeps the conversion's own time on every revision (the row's `event_time` is clamped by
 * enrichment for late updates).
 *
 * @example
 * await events.put([conversionRecord(conversionEnvelope(row, Date.now()))]);
 */
export function conversionEnvelope(row: StoredConversion, receivedAt: number): CollectedEventEnvelope {
  const properties: Record<string, PropertyValue> = {
    conversion_id: row.id,
    network: row.network,
    transaction_id: row.transaction_id,
    status: row.status,
    revision: row.revision,
    occurred_at: lakeTimestamp(row.occurred_at),
  };
  const optional: Record<string, string | number | null> = {
    click_id: row.click_id,
    matched_click_id: row.matched_click_id,
    link_id: row.link_id,
    affiliate_id: row.affiliate_id,
    offer_id: row.offer_id,
    campaign: row.campaign,
    media_source: row.media_source,
    platform: row.platform,
    amount: row.amount === null ? null : Number(row.amount),
    payout: row.payout === null ? null : Number(row.payout),
    currency: row.currency,
    idfa: row.idfa,
    gaid: row.gaid,
    idfv: row.idfv,
    device_id: row.device_id,
    install_time: row.install_time ? lakeTimestamp(row.install_time) : null,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== null) properties[key] = value;
  return {
    kind: 'event',
    v: 1,
    siteId: row.site_id,
    organizationId: row.organization_id,
    source: 'postback',
    server: { receivedAt },
    event: {
      eventId: conversionEventId(row.site_id, row.network, row.transaction_id, row.revision),
      type: 'conversion',
      name: row.event_name,
      timestamp: row.occurred_at.getTime(),
      ...(row.anonymous_id ? { anonymousId: row.anonymous_id } : {}),
      ...(row.user_id ? { userId: row.user_id } : {}),
      ...(row.click_id && row.network === 'impact' ? { clickIds: { irclickid: row.click_id } } : {}),
      ...(Object.keys(row.sub_ids).length > 0 ? { subIds: row.sub_ids } : {}),
      properties,
      sdk: `sightline-postback/${row.network}`,
    },
  };
}

/** The stream record of an envelope, keyed by visitor so a visitor's events stay in order. */
export function conversionRecord(envelope: CollectedEventEnvelope): StreamRecordInput {
  const visitor = envelope.event.anonymousId ?? envelope.event.userId ?? envelope.event.eventId;
  return { partitionKey: `${envelope.siteId}:${visitor}`.slice(0, 256), data: Buffer.from(JSON.stringify(envelope)) };
}

function conversionEventId(siteId: string, network: string, transactionId: string, revision: number): string {
  const digest = createHash('sha256').update(`${siteId}\u0000${network}\u0000${transactionId}\u0000${revision}`);
  return `pb_${digest.digest('hex').slice(0, 40)}`;
}
