-- name: affiliate-stats
-- answers: How many clicks, cookie drops, conversions, revenue and payout, and what EPC, does each affiliate, offer and sub id bring?
-- parameters: site_id, from_date, to_date, site_id, from_date, from_date, to_date
-- Affiliate stats: tracked-link clicks, cookie drops, conversions, revenue, payout, EPC (payout per
-- click) and conversion rate by affiliate, offer and sub id (sub1).
--
-- Clicks are the redirect's rows (source 'redirect', event_type 'click', bots left out); a cookie
-- drop is a click that set the _sl_clk cookie (not for visitors whose GPC / DNT the site honours).
-- Conversions are postback rows at their latest revision per (network, transaction_id), rejected
-- ones left out, converted in the range; a conversion linked to a click carries that click's
-- affiliate, offer and sub ids. '(none)' groups what carries no affiliate, offer or sub id.
-- Revenue and payout are summed as sent: `currency` is the smallest currency code seen and
-- `currencies` how many there were (more than 1 means the sums mix currencies).
--
-- Dates are UTC days (YYYY-MM-DD), to_date inclusive. Runs unchanged on Athena (Trino) and DuckDB
-- (`sightline query --engine athena`).
WITH clicks AS (
  SELECT
    coalesce(replace(cast(json_extract(properties, '$.affiliate_id') AS varchar), '"', ''), '(none)') AS affiliate_id,
    coalesce(replace(cast(json_extract(properties, '$.offer_id') AS varchar), '"', ''), '(none)') AS offer_id,
    coalesce(replace(cast(json_extract(sub_ids, '$.sub1') AS varchar), '"', ''), '(none)') AS sub_id,
    count(*) AS clicks,
    sum(CASE WHEN cast(json_extract(properties, '$.cookie_dropped') AS boolean) THEN 1 ELSE 0 END) AS cookie_drops
  FROM {{database}}.events
  WHERE site_id = ?
    AND dt BETWEEN ? AND ?
    AND event_type = 'click'
    AND source = 'redirect'
    AND NOT coalesce(is_bot, false)
  GROUP BY 1, 2, 3
),
conversion_rows AS (
  SELECT
    received_at,
    replace(cast(json_extract(properties, '$.network') AS varchar), '"', '') AS network,
    replace(cast(json_extract(properties, '$.transaction_id') AS varchar), '"', '') AS transaction_id,
    replace(cast(json_extract(properties, '$.status') AS varchar), '"', '') AS status,
    replace(cast(json_extract(properties, '$.currency') AS varchar), '"', '') AS currency,
    coalesce(replace(cast(json_extract(properties, '$.affiliate_id') AS varchar), '"', ''), '(none)') AS affiliate_id,
    coalesce(replace(cast(json_extract(properties, '$.offer_id') AS varchar), '"', ''), '(none)') AS offer_id,
    coalesce(replace(cast(json_extract(sub_ids, '$.sub1') AS varchar), '"', ''), '(none)') AS sub_id,
    cast(json_extract(properties, '$.amount') AS double) AS amount,
    cast(json_extract(properties, '$.payout') AS double) AS payout,
    cast(json_extract(properties, '$.revision') AS integer) AS revision,
    cast(replace(cast(json_extract(properties, '$.occurred_at') AS varchar), '"', '') AS timestamp) AS conversion_time
  FROM {{database}}.events
  WHERE site_id = ? AND dt >= ? AND event_type = 'conversion'
),
conversions AS (
  SELECT
    affiliate_id,
    offer_id,
    sub_id,
    count(*) AS conversions,
    sum(coalesce(amount, 0e0)) AS revenue,
    sum(coalesce(payout, 0e0)) AS payout,
    min(currency) AS currency,
    count(DISTINCT currency) AS currencies
  FROM (
    SELECT
      r.*,
      row_number() OVER (PARTITION BY network, transaction_id ORDER BY revision DESC, received_at DESC) AS latest
    FROM conversion_rows r
  ) ranked
  WHERE latest = 1
    AND status <> 'rejected'
    AND conversion_time >= cast(cast(? AS date) AS timestamp)
    AND conversion_time < cast(cast(? AS date) AS timestamp) + interval '1' day
  GROUP BY affiliate_id, offer_id, sub_id
)
SELECT
  coalesce(k.affiliate_id, v.affiliate_id) AS affiliate_id,
  coalesce(k.offer_id, v.offer_id) AS offer_id,
  coalesce(k.sub_id, v.sub_id) AS sub_id,
  coalesce(k.clicks, 0) AS clicks,
  coalesce(k.cookie_drops, 0) AS cookie_drops,
  coalesce(v.conversions, 0) AS conversions,
  coalesce(v.revenue, 0e0) AS revenue,
  coalesce(v.payout, 0e0) AS payout,
  v.currency AS currency,
  coalesce(v.currencies, 0) AS currencies,
  CASE WHEN coalesce(k.clicks, 0) > 0 THEN coalesce(v.payout, 0e0) / k.clicks END AS epc,
  CASE WHEN coalesce(k.clicks, 0) > 0 THEN cast(coalesce(v.conversions, 0) AS double) / k.clicks END AS conversion_rate
FROM clicks k
FULL OUTER JOIN conversions v
  ON k.affiliate_id = v.affiliate_id AND k.offer_id = v.offer_id AND k.sub_id = v.sub_id
ORDER BY payout DESC, clicks DESC, affiliate_id, offer_id, sub_id
