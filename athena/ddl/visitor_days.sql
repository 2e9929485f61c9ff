-- The `visitor_days` table as Glue holds it. CDK creates it from lambdas/lake/tables.ts
-- (lib/defaults/lake-table-defaults.ts); test/athena checks this file says the same, so it can be
-- run by hand to recreate the table outside CDK: replace {{database}} and {{lake_bucket}}.
-- One row per visitor per UTC day, written by the daily job (lambdas/lake/daily-rollups.ts) for
-- finished days; the dashboard's Overview counts visitors over it instead of every event.
-- Partition projection finds partitions without crawlers or MSCK REPAIR: dt is a projected date
-- range, site_id is injected, so every query must filter site_id with an equality.
CREATE EXTERNAL TABLE IF NOT EXISTS {{database}}.visitor_days (
  visitor     string COMMENT 'anonymous_id, else ip and user agent; null for events with neither',
  pageviews   bigint COMMENT 'page and screen events of the visitor that day',
  conversions bigint COMMENT 'conversion events of the visitor that day',
  day_events  bigint COMMENT 'events of the day (bots included) when rolled up: the rows are stale once the day has another number'
)
PARTITIONED BY (
  site_id string COMMENT 'site the visitors belong to',
  dt string COMMENT 'UTC day of the events rolled up, YYYY-MM-DD'
)
STORED AS PARQUET
LOCATION 's3://{{lake_bucket}}/visitor_days/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'projection.enabled' = 'true',
  'projection.site_id.type' = 'injected',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2024-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://{{lake_bucket}}/visitor_days/site_id=${site_id}/dt=${dt}/'
);
