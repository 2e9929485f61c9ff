import type { CollectedEventEnvelope, ServerContext } from '../collection/collected-event';
import type { TrackedLink } from './tracked-links';

export interface TrackedClick {
  readonly siteId: string;
  readonly organizationId: string;
  readonly link: Pick<TrackedLink, 'id' | 'affiliateId' | 'offerId' | 'campaign' | 'cookieWindowDays'>;
  readonly clickId: string;
  /** The expanded destination the visitor was sent to. */
  readonly location: string;
  readonly server: ServerContext;
  readonly subIds: Readonly<Record<string, string>>;
  readonly anonymousId?: string;
  readonly referrer?: string;
  /** The visitor opted out (GPC / DNT honoured): no cookie was dropped and no id is kept. */
  readonly optedOut: boolean;
}

/**
 * The `redirect` / `click` event a tracked-link click puts on the stream. Its campaign context
 * (`source` = affiliate, `medium` = affiliate, `campaign` = link campaign or offer) puts the click in
 * the Affiliates channel unless the destination carries its own `utm_*`; its properties carry what
 * affiliate stats count (`click_id`, `affiliate_id`, `offer_id`, `cookie_dropped`).
 *
 * @example
 * await events.put([{ partitionKey, data: Buffer.from(JSON.stringify(trackedClickEnvelope(click))) }]);
 */
export function trackedClickEnvelope(click: TrackedClick): CollectedEventEnvelope {
  const { link } = click;
  return {
    kind: 'event',
    v: 1,
    siteId: click.siteId,
    organizationId: click.organizationId,
    source: 'redirect',
    server: click.server,
    event: {
      eventId: click.clickId,
      type: 'click',
      name: 'tracked_link',
      timestamp: click.server.receivedAt,
      url: click.location,
      ...(click.referrer ? { referrer: click.referrer.slice(0, 2048) } : {}),
      ...(click.anonymousId && !click.optedOut ? { anonymousId: click.anonymousId } : {}),
      ...(click.optedOut ? { cookieless: true } : {}),
      campaign: {
        source: link.affiliateId ?? link.id,
        medium: 'affiliate',
        campaign: link.campaign ?? link.offerId ?? link.id,
      },
      subIds: click.subIds,
      properties: {
        click_id: click.clickId,
        link_id: link.id,
        ...(link.affiliateId ? { affiliate_id: link.affiliateId } : {}),
        ...(link.offerId ? { offer_id: link.offerId } : {}),
        cookie_dropped: !click.optedOut,
        cookie_window_days: link.cookieWindowDays,
      },
      sdk: 'sightline-redirect',
    },
  };
}
