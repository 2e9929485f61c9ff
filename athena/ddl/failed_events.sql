-- The `failed_events` table as Glue holds it. CDK creates it from lambdas/lake/tables.ts
-- (lib/defaults/lake-table-defaults.ts); test/athena checks this file says the same, so it can be
-- run by hand to recreate the table outside CDK: replace {{database}} and {{lake_bucket}}.
-- Partition projection finds partitions without crawlers or MSCK REPAIR: dt is a projected date
-- range, site_id is injected, so every query must filter site_id with an equality (every named
-- query does: `WHERE site_id = ?`).
CREATE EXTERNAL TABLE IF NOT EXISTS {{database}}.failed_events (
  failure_id  string    COMMENT 'unique id of the failure record',
  received_at timestamp COMMENT 'when the payload arrived',
  source      string    COMMENT 'endpoint or stage that rejected it',
  reason      string    COMMENT 'typed reason: schema_violation, size_violation, unknown_site, origin_not_allowed, enrichment_failure, identity_refused, unknown_version',
  field       string    COMMENT 'the field at fault, when one is',
  message     string    COMMENT 'human-readable detail',
  payload     string    COMMENT 'the rejected payload (truncated to 32 KB)',
  context     string    COMMENT 'request context for replay as JSON: truncated ip, user agent, origin, geo'
)
PARTITIONED BY (
  site_id string COMMENT 'site the payload named (`unknown` when it named none we know)',
  dt string COMMENT 'UTC date the failure was recorded, YYYY-MM-DD'
)
STORED AS PARQUET
LOCATION 's3://{{lake_bucket}}/failed_events/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'projection.enabled' = 'true',
  'projection.site_id.type' = 'injected',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2024-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://{{lake_bucket}}/failed_events/site_id=${site_id}/dt=${dt}/'
);
