-- The `session_days` table as Glue holds it. CDK creates it from lambdas/lake/tables.ts
-- (lib/defaults/lake-table-defaults.ts); test/athena checks this file says the same, so it can be
-- run by hand to recreate the table outside CDK: replace {{database}} and {{lake_bucket}}.
-- One row per session per UTC day, written by the daily job (lambdas/lake/session-days.ts) for
-- finished days; the dashboard's session reports read it instead of every event (see README.md).
-- Partition projection finds partitions without crawlers or MSCK REPAIR: dt is a projected date
-- range, site_id is injected, so every query must filter site_id with an equality.
CREATE EXTERNAL TABLE IF NOT EXISTS {{database}}.session_days (
  session_id          string    COMMENT 'session id; null for a cookieless session (keyed by visitor and 30-minute gaps)',
  visitor             string    COMMENT 'visitor of the first event that day: anonymous_id, else ip and user agent',
  started_at          timestamp COMMENT 'time of the first event of the session that day',
  ended_at            timestamp COMMENT 'time of the last event of the session that day',
  events              bigint    COMMENT 'human events of the session that day',
  pageviews           bigint    COMMENT 'page and screen events',
  conversions         bigint    COMMENT 'conversion events',
  engaged_events      bigint    COMMENT 'clicks, forms, scrolls, videos, conversions, custom events, engagements of 10 s visible',
  channel             string    COMMENT 'channel of the first event that day',
  referrer_host       string    COMMENT 'referrer host of the first event that day',
  referrer_type       string    COMMENT 'referrer type of the first event that day',
  utm_source          string    COMMENT 'utm_source of the first event that day',
  utm_medium          string    COMMENT 'utm_medium of the first event that day',
  utm_campaign        string    COMMENT 'utm_campaign of the first event that day',
  ad_network          string    COMMENT 'ad network of the first event that day',
  click_id_type       string    COMMENT 'click id type of the first event that day',
  click_id            string    COMMENT 'click id of the first event that day',
  entry_path          string    COMMENT 'path of the first page view that day',
  entry_at            timestamp COMMENT 'time of the first page view that day',
  exit_path           string    COMMENT 'path of the last page view that day',
  exit_at             timestamp COMMENT 'time of the last page view that day',
  spans_days          boolean   COMMENT 'the session may go on the day before or after: its session id has events there, or (cookieless) it is within 30 minutes of a midnight',
  day_events          bigint    COMMENT 'events of the day (bots included) when rolled up: the rows are stale once the day has another number',
  previous_day_events bigint    COMMENT 'events of the day before when rolled up (spans_days was judged on them)',
  next_day_events     bigint    COMMENT 'events of the day after when rolled up (spans_days was judged on them)'
)
PARTITIONED BY (
  site_id string COMMENT 'site the sessions belong to',
  dt string COMMENT 'UTC day of the events rolled up, YYYY-MM-DD'
)
STORED AS PARQUET
LOCATION 's3://{{lake_bucket}}/session_days/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'projection.enabled' = 'true',
  'projection.site_id.type' = 'injected',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2024-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://{{lake_bucket}}/session_days/site_id=${site_id}/dt=${dt}/'
);
