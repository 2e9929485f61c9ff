-- name: top-pages
-- answers: Which pages were viewed most, and by how many visitors?
-- parameters: site_id, from_date, to_date
-- Page views are `page` and `screen` events, grouped by URL path; the 100 most viewed. Bots excluded.
SELECT
  path,
  count(*) AS pageviews,
  count(DISTINCT coalesce(anonymous_id, ip || '|' || user_agent)) AS visitors
FROM {{database}}.events
WHERE site_id = ?
  AND dt BETWEEN ? AND ?
  AND is_bot = false
  AND event_type IN ('page', 'screen')
GROUP BY path
ORDER BY pageviews DESC, path
LIMIT 100
