/**
 * The event lake's tables: one definition drives the Parquet writer, the DuckDB views of the
 * local lake and the Glue tables Athena reads in AWS, so every engine sees the same columns.
 */
export type LakeColumnType = 'string' | 'bigint' | 'int' | 'double' | 'boolean' | 'timestamp';

export interface LakeColumn {
  readonly name: string;
  readonly type: LakeColumnType;
  readonly comment: string;
}

export interface LakeTable {
  readonly name: string;
  /** Key prefix in the lake bucket / directory. */
  readonly prefix: string;
  readonly columns: readonly LakeColumn[];
  /** Hive-style partition columns, in path order (`dt=2026-01-31/`). */
  readonly partitions: readonly LakeColumn[];
}

const c = (name: string, type: LakeColumnType, comment: string): LakeColumn => ({ name, type, comment });

export const eventsTable: LakeTable = {
  name: 'events',
  prefix: 'events/',
  partitions: [
    c('site_id', 'string', 'site the event belongs to'),
    c('dt', 'string', 'UTC date of event_time, YYYY-MM-DD'),
  ],
  columns: [
    c('event_id', 'string', 'unique id of the event (client id or Segment messageId); the dedupe key'),
    c('organization_id', 'string', 'organization owning the site'),
    c(
      'event_type',
      'string',
      'page, track, identify, click, form, scroll, video, engagement, conversion, screen, group, alias',
    ),
    c('event_name', 'string', 'name of a track event'),
    c('event_time', 'timestamp', 'when the event happened (client clock, clamped to received_at)'),
    c('received_at', 'timestamp', 'when the collector accepted the event'),
    c('source', 'string', 'tracker, pixel, segment, server, postback, redirect'),
    c('sdk', 'string', 'library and version that sent the event'),
    c('anonymous_id', 'string', 'first-party anonymous id (null in cookieless mode)'),
    c('session_id', 'string', 'session id'),
    c('user_id', 'string', 'user id after identify'),
    c('cookieless', 'boolean', 'sent without consent for storage'),
    c('url', 'string', 'page URL'),
    c('hostname', 'string', 'host of the page URL'),
    c('path', 'string', 'path of the page URL'),
    c('title', 'string', 'page title'),
    c('referrer', 'string', 'referring URL'),
    c('referrer_host', 'string', 'host of the referring URL'),
    c('referrer_type', 'string', 'search, social, email, paid, internal, direct, other'),
    c('channel', 'string', 'default channel grouping (site rules applied)'),
    c('utm_source', 'string', 'utm_source'),
    c('utm_medium', 'string', 'utm_medium'),
    c('utm_campaign', 'string', 'utm_campaign'),
    c('utm_term', 'string', 'utm_term'),
    c('utm_content', 'string', 'utm_content'),
    c('utm_id', 'string', 'utm_id'),
    c('click_id_type', 'string', 'gclid, fbclid, msclkid, ... (first found)'),
    c('click_id', 'string', 'value of the click id'),
    c('ad_network', 'string', 'network the click id implies (google_ads, meta, microsoft_ads, ...)'),
    c('sub_ids', 'string', 'affiliate sub ids as a JSON object'),
    c('affiliate_link', 'boolean', 'a clicked link matched an affiliate pattern of the site'),
    c('affiliate_pattern', 'string', 'the affiliate pattern that matched'),
    c('properties', 'string', 'event properties as a JSON object'),
    c('traits', 'string', 'identify traits as a JSON object (PII removed)'),
    c('ip', 'string', 'client IP, truncated per site settings'),
    c('country', 'string', 'ISO 3166-1 alpha-2 country'),
    c('region', 'string', 'ISO 3166-2 subdivision code'),
    c('city', 'string', 'city name (English)'),
    c('latitude', 'double', 'approximate latitude'),
    c('longitude', 'double', 'approximate longitude'),
    c('timezone', 'string', 'IANA time zone (client or GeoIP)'),
    c('asn', 'bigint', 'autonomous system number'),
    c('as_org', 'string', 'autonomous system organization'),
    c('user_agent', 'string', 'user agent string'),
    c('browser', 'string', 'browser name'),
    c('browser_version', 'string', 'browser major version'),
    c('os', 'string', 'operating system name'),
    c('os_version', 'string', 'operating system version'),
    c('device_type', 'string', 'desktop, mobile, tablet, tv, console, wearable, bot'),
    c('is_bot', 'boolean', 'judged automated'),
    c('bot_reason', 'string', 'why: user_agent, datacenter_asn, headless, behaviour'),
    c('screen_width', 'int', 'screen width px'),
    c('screen_height', 'int', 'screen height px'),
    c('viewport_width', 'int', 'viewport width px'),
    c('viewport_height', 'int', 'viewport height px'),
    c('language', 'string', 'browser language'),
  ],
};

export const failedEventsTable: LakeTable = {
  name: 'failed_events',
  prefix: 'failed_events/',
  partitions: [
    c('site_id', 'string', 'site the payload named (`unknown` when it named none we know)'),
    c('dt', 'string', 'UTC date the failure was recorded, YYYY-MM-DD'),
  ],
  columns: [
    c('failure_id', 'string', 'unique id of the failure record'),
    c('received_at', 'timestamp', 'when the payload arrived'),
    c('source', 'string', 'endpoint or stage that rejected it'),
    c(
      'reason',
      'string',
      'typed reason: schema_violation, size_violation, unknown_site, origin_not_allowed, enrichment_failure, identity_refused, unknown_version',
    ),
    c('field', 'string', 'the field at fault, when one is'),
    c('message', 'string', 'human-readable detail'),
    c('payload', 'string', 'the rejected payload (truncated to 32 KB)'),
    c('context', 'string', 'request context for replay as JSON: truncated ip, user agent, origin, geo'),
  ],
};

/** The partition of every daily rollup table. */
const ROLLED_UP_DAY = c('dt', 'string', 'UTC day of the events rolled up, YYYY-MM-DD');

/** What a daily rollup's rows of a day were computed from (`lambdas/lake/day-counts.ts`). */
const DAY_EVENTS = c(
  'day_events',
  'bigint',
  'events of the day (bots included) when rolled up: the rows are stale once the day has another number',
);

/**
 * One row per session per UTC day it was active (a "fragment"), rolled up from `events` by the daily
 * job (`lambdas/lake/session-days.ts`) for days before today, so 30-day session reports aggregate
 * sessions instead of every event. A day's rows are only used while `day_events`,
 * `previous_day_events` and `next_day_events` still equal the numbers of events of the day and its
 * neighbours: a late event makes the day be sessionized from `events` again until the job rolls it
 * up anew.
 */
export const sessionDaysTable = {
  name: 'session_days' as const,
  prefix: 'session_days/',
  partitions: [c('site_id', 'string', 'site the sessions belong to'), ROLLED_UP_DAY],
  columns: [
    c('session_id', 'string', 'session id; null for a cookieless session (keyed by visitor and 30-minute gaps)'),
    c('visitor', 'string', 'visitor of the first event that day: anonymous_id, else ip and user agent'),
    c('started_at', 'timestamp', 'time of the first event of the session that day'),
    c('ended_at', 'timestamp', 'time of the last event of the session that day'),
    c('events', 'bigint', 'human events of the session that day'),
    c('pageviews', 'bigint', 'page and screen events'),
    c('conversions', 'bigint', 'conversion events'),
    c(
      'engaged_events',
      'bigint',
      'clicks, forms, scrolls, videos, conversions, custom events, engagements of 10 s visible',
    ),
    c('channel', 'string', 'channel of the first event that day'),
    c('referrer_host', 'string', 'referrer host of the first event that day'),
    c('referrer_type', 'string', 'referrer type of the first event that day'),
    c('utm_source', 'string', 'utm_source of the first event that day'),
    c('utm_medium', 'string', 'utm_medium of the first event that day'),
    c('utm_campaign', 'string', 'utm_campaign of the first event that day'),
    c('ad_network', 'string', 'ad network of the first event that day'),
    c('click_id_type', 'string', 'click id type of the first event that day'),
    c('click_id', 'string', 'click id of the first event that day'),
    c('entry_path', 'string', 'path of the first page view that day'),
    c('entry_at', 'timestamp', 'time of the first page view that day'),
    c('exit_path', 'string', 'path of the last page view that day'),
    c('exit_at', 'timestamp', 'time of the last page view that day'),
    c(
      'spans_days',
      'boolean',
      'the session may go on the day before or after: its session id has events there, or (cookieless) it is within 30 minutes of a midnight',
    ),
    DAY_EVENTS,
    c('previous_day_events', 'bigint', 'events of the day before when rolled up (spans_days was judged on them)'),
    c('next_day_events', 'bigint', 'events of the day after when rolled up (spans_days was judged on them)'),
  ],
} satisfies LakeTable;

/**
 * One row per visitor per UTC day (bots left out): their page views and conversions that day,
 * rolled up from `events` by the daily job (`lambdas/lake/daily-rollups.ts`) for days before today,
 * so Overview and its trend count distinct visitors over visitor-days instead of every event. A
 * day's rows are only used while `day_events` still equals the day's number of events.
 */
export const visitorDaysTable = {
  name: 'visitor_days' as const,
  prefix: 'visitor_days/',
  partitions: [c('site_id', 'string', 'site the visitors belong to'), ROLLED_UP_DAY],
  columns: [
    c('visitor', 'string', 'anonymous_id, else ip and user agent; null for events with neither'),
    c('pageviews', 'bigint', 'page and screen events of the visitor that day'),
    c('conversions', 'bigint', 'conversion events of the visitor that day'),
    DAY_EVENTS,
  ],
} satisfies LakeTable;

/**
 * One row per page path per UTC day: its page views that belong to a session (bots left out),
 * rolled up from `events` by the daily job (`lambdas/lake/daily-rollups.ts`) for days before today,
 * so the entry and exit pages report adds up days instead of reading every page view. A day's
 * rows are only used while `day_events` still equals the day's number of events.
 */
export const pageDaysTable = {
  name: 'page_days' as const,
  prefix: 'page_days/',
  partitions: [c('site_id', 'string', 'site the pages belong to'), ROLLED_UP_DAY],
  columns: [
    c('path', 'string', 'page path (or screen name)'),
    c('pageviews', 'bigint', 'page and screen events of the path that day with a session id or a visitor'),
    DAY_EVENTS,
  ],
} satisfies LakeTable;

/** Tables the enricher's rows reach through the `LakeSink` (Firehose in AWS). */
export const streamedLakeTables: readonly LakeTable[] = [eventsTable, failedEventsTable];

/** The tables the daily job writes (`lambdas/lake/daily-rollups.ts`). */
export const rollupLakeTables: readonly LakeTable[] = [sessionDaysTable, visitorDaysTable, pageDaysTable];

/**
 * The tables that hold a visitor's ids (events by anonymous and user id, rollups by `visitor`,
 * failures in the payload they keep): an erased person's rows are taken out of them (`lambdas/lifecycle/lake-erasure.ts`).
 */
export const erasableLakeTables: readonly LakeTable[] = [
  eventsTable,
  sessionDaysTable,
  visitorDaysTable,
  failedEventsTable,
];

/** Every lake table: Glue tables, DuckDB views and retention cover them all. */
export const lakeTables: readonly LakeTable[] = [...streamedLakeTables, ...rollupLakeTables];
