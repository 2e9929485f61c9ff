import { dayString } from './date-range';
import type { LakeReader } from './lake-reader';
import { isoTimestamp, numberOf, stringOf, timestampParam } from './lake-values';

/** "Active" means an event in this many minutes, as Plausible and GA4 count it. */
export const ACTIVE_MINUTES = 5;
/** Events in the live feed, newest first. */
export const FEED_SIZE = 50;

export interface RealtimeEvent {
  readonly eventId: string | null;
  readonly type: string | null;
  readonly name: string | null;
  readonly receivedAt: string | null;
  readonly path: string | null;
  readonly title: string | null;
  readonly referrerHost: string | null;
  readonly channel: string | null;
  readonly country: string | null;
  readonly city: string | null;
  readonly browser: string | null;
  readonly os: string | null;
  readonly deviceType: string | null;
}

export interface Realtime {
  readonly activeVisitors: number;
  readonly pageviews: number;
  readonly since: string;
  readonly topPages: readonly { readonly path: string | null; readonly visitors: number }[];
  readonly events: readonly RealtimeEvent[];
}

// The dt bound (yesterday and today, UTC) prunes every older partition before the time filter.
const RECENT = `FROM {{database}}.events
WHERE site_id = ?
  AND dt BETWEEN ? AND ?
  AND received_at >= CAST(? AS timestamp)
  AND is_bot = false`;

const PAGES_SQL = `
SELECT
  '' AS path,
  count(DISTINCT coalesce(anonymous_id, ip || '|' || user_agent)) AS visitors,
  count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews
${RECENT}
UNION ALL
SELECT * FROM (
  SELECT
    path,
    count(DISTINCT coalesce(anonymous_id, ip || '|' || user_agent)) AS visitors,
    count(*) AS pageviews
  ${RECENT}
    AND event_type IN ('page', 'screen')
  GROUP BY path
  ORDER BY visitors DESC, path
  LIMIT 10
) top_pages`;

const FEED_SQL = `
SELECT event_id, event_type, event_name, received_at, path, title, referrer_host, channel, country, city, browser, os, device_type
${RECENT}
ORDER BY received_at DESC, event_id
LIMIT ${FEED_SIZE}`;

/**
 * Who is on the site now: visitors with an event in the last `ACTIVE_MINUTES` (by the collector's
 * clock), the pages they are on, and the latest events. The first row of the pages query is the
 * total (its `path` is the empty string, which no page has).
 *
 * @example
 * const { activeVisitors, events } = await realtime(lake, siteId, Date.now());
 */
export async function realtime(lake: LakeReader, siteId: string, now: number): Promise<Realtime> {
  const since = now - ACTIVE_MINUTES * 60_000;
  const params = [siteId, dayString(since - 86_400_000), dayString(now), timestampParam(since)];
  const [pages, feed] = await Promise.all([lake.sql(PAGES_SQL, [...params, ...params]), lake.sql(FEED_SQL, params)]);
  const total = pages.find((r) => r.path === '');
  return {
    activeVisitors: numberOf(total?.visitors),
    pageviews: numberOf(total?.pageviews),
    since: new Date(since).toISOString(),
    topPages: pages.filter((r) => r !== total).map((r) => ({ path: stringOf(r.path), visitors: numberOf(r.visitors) })),
    events: feed.map((r) => ({
      eventId: stringOf(r.event_id),
      type: stringOf(r.event_type),
      name: stringOf(r.event_name),
      receivedAt: isoTimestamp(r.received_at),
      path: stringOf(r.path),
      title: stringOf(r.title),
      referrerHost: stringOf(r.referrer_host),
      channel: stringOf(r.channel),
      country: stringOf(r.country),
      city: stringOf(r.city),
      browser: stringOf(r.browser),
      os: stringOf(r.os),
      deviceType: stringOf(r.device_type),
    })),
  };
}
