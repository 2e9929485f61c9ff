-- name: mobile-installs
-- answers: How many installs, in-app events and how much in-app revenue does each mobile network, media source and campaign bring?
-- parameters: site_id, from_date, from_date, to_date
-- Mobile installs and in-app events by network (AppsFlyer, Adjust, Branch), media source and
-- campaign: installs, reinstalls and re-attributions, in-app events, the devices that sent in-app
-- events, and in-app revenue.
--
-- Rows are the MMPs' postbacks (event_type = 'conversion', properties.network appsflyer / adjust /
-- branch) at their latest revision per (network, transaction_id), rejected ones left out, that
-- happened in the range. event_name 'install' is an install; 'reinstall' and 'reattribution' are
-- counted apart; every other event name is an in-app event. Revenue is summed as sent: `currency`
-- is the smallest currency code seen and `currencies` how many there were.
--
-- Dates are UTC days (YYYY-MM-DD), to_date inclusive. Runs unchanged on Athena (Trino) and DuckDB
-- (`sightline query --engine athena`).
WITH conversion_rows AS (
  SELECT
    received_at,
    event_name,
    replace(cast(json_extract(properties, '$.network') AS varchar), '"', '') AS network,
    replace(cast(json_extract(properties, '$.transaction_id') AS varchar), '"', '') AS transaction_id,
    replace(cast(json_extract(properties, '$.status') AS varchar), '"', '') AS status,
    replace(cast(json_extract(properties, '$.currency') AS varchar), '"', '') AS currency,
    coalesce(replace(cast(json_extract(properties, '$.media_source') AS varchar), '"', ''), '(none)') AS media_source,
    coalesce(replace(cast(json_extract(properties, '$.campaign') AS varchar), '"', ''), '(none)') AS campaign,
    coalesce(
      replace(cast(json_extract(properties, '$.device_id') AS varchar), '"', ''),
      replace(cast(json_extract(properties, '$.idfa') AS varchar), '"', ''),
      replace(cast(json_extract(properties, '$.gaid') AS varchar), '"', ''),
      replace(cast(json_extract(properties, '$.idfv') AS varchar), '"', ''),
      user_id
    ) AS device,
    cast(json_extract(properties, '$.amount') AS double) AS amount,
    cast(json_extract(properties, '$.revision') AS integer) AS revision,
    cast(replace(cast(json_extract(properties, '$.occurred_at') AS varchar), '"', '') AS timestamp) AS occurred_at
  FROM {{database}}.events
  WHERE site_id = ? AND dt >= ? AND event_type = 'conversion'
),
mobile_events AS (
  SELECT *
  FROM (
    SELECT
      r.*,
      row_number() OVER (PARTITION BY network, transaction_id ORDER BY revision DESC, received_at DESC) AS latest
    FROM conversion_rows r
    WHERE network IN ('appsflyer', 'adjust', 'branch')
  ) ranked
  WHERE latest = 1
    AND status <> 'rejected'
    AND occurred_at >= cast(cast(? AS date) AS timestamp)
    AND occurred_at < cast(cast(? AS date) AS timestamp) + interval '1' day
)
SELECT
  network,
  media_source,
  campaign,
  sum(CASE WHEN event_name = 'install' THEN 1 ELSE 0 END) AS installs,
  sum(CASE WHEN event_name IN ('reinstall', 'reattribution') THEN 1 ELSE 0 END) AS reinstalls,
  sum(CASE WHEN event_name IN ('install', 'reinstall', 'reattribution') THEN 0 ELSE 1 END) AS in_app_events,
  count(DISTINCT CASE WHEN event_name NOT IN ('install', 'reinstall', 'reattribution') THEN device END) AS event_devices,
  sum(CASE WHEN event_name IN ('install', 'reinstall', 'reattribution') THEN 0e0 ELSE coalesce(amount, 0e0) END) AS revenue,
  min(currency) AS currency,
  count(DISTINCT currency) AS currencies
FROM mobile_events
GROUP BY network, media_source, campaign
ORDER BY installs DESC, in_app_events DESC, network, media_source, campaign
