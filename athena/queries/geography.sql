-- name: geography
-- answers: Where are visitors, by country, region and city (GeoIP)?
-- parameters: site_id, from_date, to_date
-- Visitors with any event in each place, and the page views made there; the 1,000 largest. Bots excluded.
WITH scoped AS (
  SELECT
    country,
    region,
    city,
    event_type,
    coalesce(anonymous_id, ip || '|' || user_agent) AS visitor
  FROM {{database}}.events
  WHERE site_id = ?
    AND dt BETWEEN ? AND ?
    AND is_bot = false
)
SELECT
  country,
  region,
  city,
  count(DISTINCT visitor) AS visitors,
  count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews
FROM scoped
GROUP BY country, region, city
ORDER BY visitors DESC, pageviews DESC, country, region, city
LIMIT 1000
