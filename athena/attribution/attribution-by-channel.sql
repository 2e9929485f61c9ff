-- name: attribution-by-channel
-- answers: How many conversions and how much revenue does each channel and campaign earn under each of five attribution models, side by side?
-- parameters: site_id, from_date, from_date, to_date, site_id, from_date, lookback_days, to_date, lookback_days, half_life_days
-- Attribution by channel and campaign: the conversions and revenue each channel / campaign earns
-- under five attribution models side by side (first touch, last touch, linear, time decay with a
-- configurable half-life, position-based 40/20/40), per currency. Each model's conversions sum to
-- the number of conversions; its revenue to their amount.
--
-- Same conversions, touchpoints and models as conversion-credits.sql (read its header): the latest
-- revision per (network, transaction_id), rejected ones left out; the visitor's visits in the
-- lookback window; '(no touchpoint)' for conversions without any.
--
-- Dates are UTC days (YYYY-MM-DD), to_date inclusive. Runs unchanged on Athena (Trino) and DuckDB
-- (`sightline query --engine athena`).
WITH conversion_rows AS (
  SELECT
    event_time,
    received_at,
    anonymous_id,
    user_id,
    replace(cast(json_extract(properties, '$.network') AS varchar), '"', '') AS network,
    replace(cast(json_extract(properties, '$.transaction_id') AS varchar), '"', '') AS transaction_id,
    replace(cast(json_extract(properties, '$.status') AS varchar), '"', '') AS status,
    replace(cast(json_extract(properties, '$.click_id') AS varchar), '"', '') AS click_id,
    replace(cast(json_extract(properties, '$.currency') AS varchar), '"', '') AS currency,
    cast(json_extract(properties, '$.amount') AS double) AS amount,
    cast(json_extract(properties, '$.revision') AS integer) AS revision,
    cast(replace(cast(json_extract(properties, '$.occurred_at') AS varchar), '"', '') AS timestamp) AS conversion_time
  FROM {{database}}.events
  WHERE site_id = ? AND dt >= ? AND event_type = 'conversion'
),
latest_conversions AS (
  SELECT *
  FROM (
    SELECT
      r.*,
      row_number() OVER (PARTITION BY network, transaction_id ORDER BY revision DESC, received_at DESC) AS latest
    FROM conversion_rows r
  ) ranked
  WHERE latest = 1
),
conversions AS (
  SELECT network, transaction_id, conversion_time, anonymous_id, user_id, click_id, currency, coalesce(amount, 0e0) AS amount
  FROM latest_conversions
  WHERE status <> 'rejected'
    AND conversion_time >= cast(cast(? AS date) AS timestamp)
    AND conversion_time < cast(cast(? AS date) AS timestamp) + interval '1' day
),
site_events AS (
  SELECT
    event_id,
    coalesce(session_id, event_id) AS visit_id,
    event_time,
    source,
    anonymous_id,
    user_id,
    channel,
    utm_campaign,
    click_id
  FROM {{database}}.events
  WHERE site_id = ?
    AND dt >= cast(cast(cast(? AS date) - interval '1' day * cast(? AS integer) AS date) AS varchar)
    AND dt <= ?
    AND (event_type IN ('page', 'screen') OR source = 'redirect')
    AND NOT coalesce(is_bot, false)
),
visits AS (
  SELECT *
  FROM (
    SELECT
      e.*,
      row_number() OVER (PARTITION BY visit_id ORDER BY event_time, event_id) AS nth
    FROM site_events e
  ) ordered
  WHERE nth = 1
),
touchpoints AS (
  SELECT *
  FROM (
    SELECT
      v.*,
      lead(source) OVER (PARTITION BY anonymous_id ORDER BY event_time, visit_id) AS next_source,
      lead(event_time) OVER (PARTITION BY anonymous_id ORDER BY event_time, visit_id) AS next_time
    FROM visits v
  ) sequenced
  WHERE NOT (
    source = 'redirect'
    AND anonymous_id IS NOT NULL
    AND next_source IS NOT NULL
    AND next_source <> 'redirect'
    AND date_diff('millisecond', event_time, next_time) <= 1800000
  )
),
click_visitors AS (
  SELECT click_id, min_by(anonymous_id, event_time) AS anonymous_id
  FROM site_events
  WHERE click_id IS NOT NULL AND anonymous_id IS NOT NULL
  GROUP BY click_id
),
converters AS (
  SELECT c.*, coalesce(c.anonymous_id, v.anonymous_id) AS visitor_id
  FROM conversions c
  LEFT JOIN click_visitors v ON v.click_id = c.click_id
),
journeys AS (
  SELECT
    c.network,
    c.transaction_id,
    c.conversion_time,
    c.amount,
    c.currency,
    t.visit_id,
    t.event_time AS touch_time,
    CASE WHEN t.visit_id IS NULL THEN '(no touchpoint)' ELSE coalesce(t.channel, 'Unassigned') END AS channel,
    coalesce(t.utm_campaign, '(not set)') AS campaign
  FROM converters c
  LEFT JOIN touchpoints t
    ON (t.anonymous_id = c.visitor_id OR (c.user_id IS NOT NULL AND t.user_id = c.user_id))
    AND t.event_time <= c.conversion_time
    AND t.event_time >= c.conversion_time - interval '1' day * cast(? AS integer)
),
positioned AS (
  SELECT
    j.*,
    row_number() OVER (PARTITION BY network, transaction_id ORDER BY touch_time, visit_id) AS position,
    count(*) OVER (PARTITION BY network, transaction_id) AS touches,
    CASE
      WHEN touch_time IS NULL THEN 1e0
      ELSE power(5e-1, cast(date_diff('millisecond', touch_time, conversion_time) AS double) / (cast(? AS double) * 86400000e0))
    END AS decay_weight
  FROM journeys j
),
credits AS (
  SELECT
    network,
    transaction_id,
    conversion_time,
    amount,
    currency,
    visit_id,
    touch_time,
    channel,
    campaign,
    position,
    touches,
    CASE WHEN position = 1 THEN 1e0 ELSE 0e0 END AS first_touch,
    CASE WHEN position = touches THEN 1e0 ELSE 0e0 END AS last_touch,
    1e0 / touches AS linear,
    decay_weight / sum(decay_weight) OVER (PARTITION BY network, transaction_id) AS time_decay,
    CASE
      WHEN touches = 1 THEN 1e0
      WHEN touches = 2 THEN 5e-1
      WHEN position = 1 OR position = touches THEN 4e-1
      ELSE 2e-1 / (touches - 2)
    END AS position_based
  FROM positioned
)
SELECT
  channel,
  campaign,
  currency,
  sum(first_touch) AS first_touch,
  sum(last_touch) AS last_touch,
  sum(linear) AS linear,
  sum(time_decay) AS time_decay,
  sum(position_based) AS position_based,
  sum(first_touch * amount) AS first_touch_revenue,
  sum(last_touch * amount) AS last_touch_revenue,
  sum(linear * amount) AS linear_revenue,
  sum(time_decay * amount) AS time_decay_revenue,
  sum(position_based * amount) AS position_based_revenue
FROM credits
GROUP BY channel, campaign, currency
ORDER BY last_touch DESC, channel, campaign, currency
