/**
 * One row of the lake's `events` table as enrichment produces it: the columns of `eventsTable`
 * (`lambdas/lake/tables.ts`) plus the `dt` partition value. A type alias, not an interface, so
 * that it is assignable to the lake writer's `Record<string, unknown>`.
 */
export type EventRow = {
  event_id: string;
  site_id: string;
  organization_id: string;
  event_type: string;
  event_name: string | null;
  event_time: Date;
  received_at: Date;
  source: string;
  sdk: string | null;
  anonymous_id: string | null;
  session_id: string | null;
  user_id: string | null;
  cookieless: boolean;
  url: string | null;
  hostname: string | null;
  path: string | null;
  title: string | null;
  referrer: string | null;
  referrer_host: string | null;
  referrer_type: string;
  channel: string;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_term: string | null;
  utm_content: string | null;
  utm_id: string | null;
  click_id_type: string | null;
  click_id: string | null;
  ad_network: string | null;
  sub_ids: string | null;
  affiliate_link: boolean | null;
  affiliate_pattern: string | null;
  properties: string | null;
  traits: string | null;
  ip: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  timezone: string | null;
  asn: number | null;
  as_org: string | null;
  user_agent: string | null;
  browser: string | null;
  browser_version: string | null;
  os: string | null;
  os_version: string | null;
  device_type: string | null;
  is_bot: boolean;
  bot_reason: string | null;
  screen_width: number | null;
  screen_height: number | null;
  viewport_width: number | null;
  viewport_height: number | null;
  language: string | null;
  /** Partition: UTC date of `event_time`, `YYYY-MM-DD`. */
  dt: string;
};
