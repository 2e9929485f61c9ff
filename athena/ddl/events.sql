-- The `events` table as Glue holds it. CDK creates it from lambdas/lake/tables.ts
-- (lib/defaults/lake-table-defaults.ts); test/athena checks this file says the same, so it can be
-- run by hand to recreate the table outside CDK: replace {{database}} and {{lake_bucket}}.
-- Partition projection finds partitions without crawlers or MSCK REPAIR: dt is a projected date
-- range, site_id is injected, so every query must filter site_id with an equality (every named
-- query does: `WHERE site_id = ?`).
CREATE EXTERNAL TABLE IF NOT EXISTS {{database}}.events (
  event_id          string    COMMENT 'unique id of the event (client id or Segment messageId); the dedupe key',
  organization_id   string    COMMENT 'organization owning the site',
  event_type        string    COMMENT 'page, track, identify, click, form, scroll, video, engagement, conversion, screen, group, alias',
  event_name        string    COMMENT 'name of a track event',
  event_time        timestamp COMMENT 'when the event happened (client clock, clamped to received_at)',
  received_at       timestamp COMMENT 'when the collector accepted the event',
  source            string    COMMENT 'tracker, pixel, segment, server, postback, redirect',
  sdk               string    COMMENT 'library and version that sent the event',
  anonymous_id      string    COMMENT 'first-party anonymous id (null in cookieless mode)',
  session_id        string    COMMENT 'session id',
  user_id           string    COMMENT 'user id after identify',
  cookieless        boolean   COMMENT 'sent without consent for storage',
  url               string    COMMENT 'page URL',
  hostname          string    COMMENT 'host of the page URL',
  path              string    COMMENT 'path of the page URL',
  title             string    COMMENT 'page title',
  referrer          string    COMMENT 'referring URL',
  referrer_host     string    COMMENT 'host of the referring URL',
  referrer_type     string    COMMENT 'search, social, email, paid, internal, direct, other',
  channel           string    COMMENT 'default channel grouping (site rules applied)',
  utm_source        string    COMMENT 'utm_source',
  utm_medium        string    COMMENT 'utm_medium',
  utm_campaign      string    COMMENT 'utm_campaign',
  utm_term          string    COMMENT 'utm_term',
  utm_content       string    COMMENT 'utm_content',
  utm_id            string    COMMENT 'utm_id',
  click_id_type     string    COMMENT 'gclid, fbclid, msclkid, ... (first found)',
  click_id          string    COMMENT 'value of the click id',
  ad_network        string    COMMENT 'network the click id implies (google_ads, meta, microsoft_ads, ...)',
  sub_ids           string    COMMENT 'affiliate sub ids as a JSON object',
  affiliate_link    boolean   COMMENT 'a clicked link matched an affiliate pattern of the site',
  affiliate_pattern string    COMMENT 'the affiliate pattern that matched',
  properties        string    COMMENT 'event properties as a JSON object',
  traits            string    COMMENT 'identify traits as a JSON object (PII removed)',
  ip                string    COMMENT 'client IP, truncated per site settings',
  country           string    COMMENT 'ISO 3166-1 alpha-2 country',
  region            string    COMMENT 'ISO 3166-2 subdivision code',
  city              string    COMMENT 'city name (English)',
  latitude          double    COMMENT 'approximate latitude',
  longitude         double    COMMENT 'approximate longitude',
  timezone          string    COMMENT 'IANA time zone (client or GeoIP)',
  asn               bigint    COMMENT 'autonomous system number',
  as_org            string    COMMENT 'autonomous system organization',
  user_agent        string    COMMENT 'user agent string',
  browser           string    COMMENT 'browser name',
  browser_version   string    COMMENT 'browser major version',
  os                string    COMMENT 'operating system name',
  os_version        string    COMMENT 'operating system version',
  device_type       string    COMMENT 'desktop, mobile, tablet, tv, console, wearable, bot',
  is_bot            boolean   COMMENT 'judged automated',
  bot_reason        string    COMMENT 'why: user_agent, datacenter_asn, headless, behaviour',
  screen_width      int       COMMENT 'screen width px',
  screen_height     int       COMMENT 'screen height px',
  viewport_width    int       COMMENT 'viewport width px',
  viewport_height   int       COMMENT 'viewport height px',
  language          string    COMMENT 'browser language'
)
PARTITIONED BY (
  site_id string COMMENT 'site the event belongs to',
  dt string COMMENT 'UTC date of event_time, YYYY-MM-DD'
)
STORED AS PARQUET
LOCATION 's3://{{lake_bucket}}/events/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'projection.enabled' = 'true',
  'projection.site_id.type' = 'injected',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2024-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://{{lake_bucket}}/events/site_id=${site_id}/dt=${dt}/'
);
