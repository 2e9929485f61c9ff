-- name: devices-and-browsers
-- answers: Which device types, browsers and operating systems do visitors use?
-- parameters: site_id, from_date, to_date
-- Visitors with any event on each device type / browser / OS, and their page views; the 1,000
-- largest. Bots excluded.
WITH scoped AS (
  SELECT
    device_type,
    browser,
    os,
    event_type,
    coalesce(anonymous_id, ip || '|' || user_agent) AS visitor
  FROM {{database}}.events
  WHERE site_id = ?
    AND dt BETWEEN ? AND ?
    AND is_bot = false
)
SELECT
  device_type,
  browser,
  os,
  count(DISTINCT visitor) AS visitors,
  count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews
FROM scoped
GROUP BY device_type, browser, os
ORDER BY visitors DESC, pageviews DESC, device_type, browser, os
LIMIT 1000
