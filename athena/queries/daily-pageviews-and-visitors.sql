-- name: daily-pageviews-and-visitors
-- answers: How many page views and unique visitors did the site have each day (UTC)?
-- parameters: site_id, from_date, to_date
-- Page views are `page` and `screen` events. A visitor is the anonymous id; a cookieless event
-- (no anonymous id) counts by its truncated IP and user agent, as Plausible counts such visitors.
-- Bots are excluded.
SELECT
  dt AS day,
  count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews,
  count(DISTINCT coalesce(anonymous_id, ip || '|' || user_agent)) AS visitors
FROM {{database}}.events
WHERE site_id = ?
  AND dt BETWEEN ? AND ?
  AND is_bot = false
GROUP BY dt
ORDER BY day
