import { createLocalObjectStore } from '../../../lambdas/adapters/local/local-object-store';
import { trackedClickEnvelope } from '../../../lambdas/attribution/click-envelope';
import type { CollectedEventEnvelope } from '../../../lambdas/collection/collected-event';
import type { ConversionStatus } from '../../../lambdas/db/schema/postbacks';
import { createEnricher } from '../../../lambdas/enrichment/enrich-event';
import { emptyGeoIp } from '../../../lambdas/enrichment/geoip';
import { writeLakeRows } from '../../../lambdas/lake/lake-writer';
import { eventsTable } from '../../../lambdas/lake/tables';
import { conversionEnvelope, type StoredConversion } from '../../../lambdas/postbacks/conversion-envelope';

export const DAY_MS = 86_400_000;
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const ORGANIZATION = '00000000-0000-4000-8000-000000000001';

/**
 * Builds a lake as the pipeline would: envelopes as the tracker, the redirect and the postback
 * endpoint put them on the stream, enriched by the real enricher (channels from the real rules),
 * written as Parquet under `<dir>/lake/events/site_id=…/dt=…/`.
 */
export function journeyLake(siteId: string) {
  const envelopes: CollectedEventEnvelope[] = [];
  let seq = 0;
  const base = (at: number, source: CollectedEventEnvelope['source'], userAgent = CHROME) => ({
    kind: 'event' as const,
    v: 1 as const,
    siteId,
    organizationId: ORGANIZATION,
    source,
    server: { receivedAt: at, ip: '81.2.69.142', userAgent },
  });

  return {
    /** A tracker page view. */
    page(input: { visitor: string; session: string; at: number; url: string; referrer?: string; bot?: boolean }) {
      envelopes.push({
        ...base(input.at, 'tracker', input.bot ? GOOGLEBOT : CHROME),
        event: {
          eventId: `page-${++seq}`,
          type: 'page',
          timestamp: input.at,
          anonymousId: input.visitor,
          sessionId: input.session,
          url: input.url,
          ...(input.referrer ? { referrer: input.referrer } : {}),
        },
      });
    },
    /** A tracked-link click as the redirect records it. */
    click(input: {
      visitor?: string;
      at: number;
      affiliateId: string;
      offerId: string;
      subIds?: Record<string, string>;
      optedOut?: boolean;
    }) {
      envelopes.push(
        trackedClickEnvelope({
          siteId,
          organizationId: ORGANIZATION,
          link: {
            id: `link-${input.affiliateId}`,
            affiliateId: input.affiliateId,
            offerId: input.offerId,
            cookieWindowDays: 30,
          },
          clickId: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
          location: 'https://shop.example.com/landing',
          server: base(input.at, 'redirect').server,
          subIds: input.subIds ?? {},
          ...(input.visitor ? { anonymousId: input.visitor } : {}),
          optedOut: input.optedOut ?? false,
        }),
      );
    },
    /** One revision of a conversion as the postback endpoint emits it. */
    conversion(input: {
      network: string;
      transactionId: string;
      occurredAt: number;
      receivedAt?: number;
      revision?: number;
      status?: ConversionStatus;
      amount?: number;
      payout?: number;
      currency?: string;
      visitor?: string;
      clickId?: string;
      affiliateId?: string;
      offerId?: string;
      subIds?: Record<string, string>;
      eventName?: string;
      mediaSource?: string;
      campaign?: string;
      deviceId?: string;
    }) {
      const receivedAt = input.receivedAt ?? input.occurredAt;
      const row: StoredConversion = {
        id: `conv-${input.transactionId}`,
        organization_id: ORGANIZATION,
        site_id: siteId,
        network: input.network,
        transaction_id: input.transactionId,
        click_id: input.clickId ?? null,
        matched_click_id: null,
        link_id: null,
        affiliate_id: input.affiliateId ?? null,
        offer_id: input.offerId ?? null,
        campaign: input.campaign ?? null,
        media_source: input.mediaSource ?? null,
        platform: null,
        sub_ids: input.subIds ?? {},
        amount: input.amount ?? null,
        payout: input.payout ?? null,
        currency: input.currency ?? (input.amount !== undefined ? 'USD' : null),
        status: input.status ?? 'approved',
        event_name: input.eventName ?? 'conversion',
        idfa: null,
        gaid: null,
        idfv: null,
        device_id: input.deviceId ?? null,
        install_time: null,
        occurred_at: new Date(input.occurredAt),
        anonymous_id: input.visitor ?? null,
        user_id: null,
        raw_payload: {},
        revision: input.revision ?? 0,
        received_at: new Date(receivedAt),
        updated_at: new Date(receivedAt),
      };
      envelopes.push(conversionEnvelope(row, receivedAt));
    },
    /** Enriches everything and writes it to `<dataDir>/lake`. */
    async write(dataDir: string, fileId: string) {
      const enricher = createEnricher({ geo: emptyGeoIp });
      const rows = enricher.enrichBatch(envelopes, () => ({ settings: {} }));
      if (rows.length !== envelopes.length) throw new Error('an envelope failed enrichment');
      const store = createLocalObjectStore({ root: `${dataDir}/lake` });
      await writeLakeRows(store, eventsTable, rows, fileId, (row) => ({
        site_id: String(row.site_id),
        dt: String(row.dt),
      }));
    },
  };
}
