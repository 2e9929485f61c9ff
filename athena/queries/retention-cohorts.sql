-- name: retention-cohorts
-- answers: Of the visitors first seen in each week, how many came back N weeks later?
-- parameters: site_id, from_date, to_date
-- Weeks are ISO weeks (Monday, UTC), named by their Monday. A visitor's cohort is the first week
-- they were seen within from_date..to_date (earlier visits are not looked at, so pick a range
-- that starts on a Monday). week_number 0 is the cohort week itself; retention is the share of
-- the cohort active in week N. Bots excluded.
WITH activity AS (
  SELECT DISTINCT
    coalesce(anonymous_id, ip || '|' || user_agent) AS visitor,
    CAST(date_trunc('week', event_time) AS date) AS week
  FROM {{database}}.events
  WHERE site_id = ?
    AND dt BETWEEN ? AND ?
    AND is_bot = false
    AND coalesce(anonymous_id, ip || '|' || user_agent) IS NOT NULL
),
cohorts AS (
  SELECT visitor, min(week) AS cohort_week
  FROM activity
  GROUP BY visitor
),
cohort_sizes AS (
  SELECT cohort_week, count(*) AS cohort_size
  FROM cohorts
  GROUP BY cohort_week
),
returns AS (
  SELECT
    c.cohort_week,
    date_diff('week', c.cohort_week, a.week) AS week_number,
    count(*) AS visitors
  FROM cohorts c
  JOIN activity a ON a.visitor = c.visitor
  GROUP BY c.cohort_week, date_diff('week', c.cohort_week, a.week)
)
SELECT
  CAST(r.cohort_week AS varchar) AS cohort_week,
  r.week_number,
  s.cohort_size,
  r.visitors,
  round(CAST(r.visitors AS double) / s.cohort_size, 4) AS retention
FROM returns r
JOIN cohort_sizes s ON s.cohort_week = r.cohort_week
ORDER BY r.cohort_week, r.week_number
