-- name: funnel
-- answers: How many visitors went through up to four steps in order, each within a window of the first?
-- parameters: site_id, from_date, to_date, window_seconds, step1, step2, step3, step4
-- A step is a page path (for `page` and `screen` events) or an event name (for every other
-- event), e.g. '/pricing', 'signup', 'purchase'. A visitor reaches step N when, after some
-- step-1 event, the steps 2..N follow in that order, each later than the one before and no more
-- than window_seconds after that step-1 event. Pass NULL for unused trailing steps: they are
-- left out of the result. Events after to_date are not seen. conversion_rate is of step-1
-- visitors. Bots excluded.
WITH scoped AS (
  SELECT
    event_time,
    CASE WHEN event_type IN ('page', 'screen') THEN path ELSE event_name END AS step_key,
    coalesce(anonymous_id, ip || '|' || user_agent) AS visitor
  FROM {{database}}.events
  WHERE site_id = ?
    AND dt BETWEEN ? AND ?
    AND is_bot = false
),
params AS (
  SELECT
    CAST(? AS bigint) * 1000 AS window_ms,
    CAST(? AS varchar) AS step1,
    CAST(? AS varchar) AS step2,
    CAST(? AS varchar) AS step3,
    CAST(? AS varchar) AS step4
),
marked AS (
  SELECT
    s.visitor,
    s.event_time,
    s.step_key = p.step1 AS is_step1,
    s.step_key = p.step2 AS is_step2,
    s.step_key = p.step3 AS is_step3,
    s.step_key = p.step4 AS is_step4
  FROM scoped s
  CROSS JOIN params p
  WHERE s.visitor IS NOT NULL
),
-- Every step-1 event starts an attempt; each later step takes the earliest matching event after
-- the previous step, which can only leave more room for the steps after it.
reached1 AS (
  SELECT m.visitor, m.event_time AS t1
  FROM marked m
  WHERE m.is_step1
),
reached2 AS (
  SELECT r.visitor, r.t1, min(m.event_time) AS t2
  FROM reached1 r
  CROSS JOIN params p
  JOIN marked m ON m.visitor = r.visitor
  WHERE m.is_step2
    AND m.event_time > r.t1
    AND date_diff('millisecond', r.t1, m.event_time) <= p.window_ms
  GROUP BY r.visitor, r.t1
),
reached3 AS (
  SELECT r.visitor, r.t1, min(m.event_time) AS t3
  FROM reached2 r
  CROSS JOIN params p
  JOIN marked m ON m.visitor = r.visitor
  WHERE m.is_step3
    AND m.event_time > r.t2
    AND date_diff('millisecond', r.t1, m.event_time) <= p.window_ms
  GROUP BY r.visitor, r.t1
),
reached4 AS (
  SELECT r.visitor, r.t1, min(m.event_time) AS t4
  FROM reached3 r
  CROSS JOIN params p
  JOIN marked m ON m.visitor = r.visitor
  WHERE m.is_step4
    AND m.event_time > r.t3
    AND date_diff('millisecond', r.t1, m.event_time) <= p.window_ms
  GROUP BY r.visitor, r.t1
),
counts AS (
  SELECT 1 AS step, count(DISTINCT visitor) AS visitors FROM reached1
  UNION ALL
  SELECT 2 AS step, count(DISTINCT visitor) AS visitors FROM reached2
  UNION ALL
  SELECT 3 AS step, count(DISTINCT visitor) AS visitors FROM reached3
  UNION ALL
  SELECT 4 AS step, count(DISTINCT visitor) AS visitors FROM reached4
),
labelled AS (
  SELECT
    c.step,
    CASE c.step WHEN 1 THEN p.step1 WHEN 2 THEN p.step2 WHEN 3 THEN p.step3 ELSE p.step4 END AS step_key,
    c.visitors
  FROM counts c
  CROSS JOIN params p
)
SELECT
  l.step,
  l.step_key,
  l.visitors,
  round(CAST(l.visitors AS double) / nullif(CAST(f.visitors AS double), 0), 4) AS conversion_rate
FROM labelled l
CROSS JOIN (SELECT visitors FROM counts WHERE step = 1) f
WHERE l.step_key IS NOT NULL
ORDER BY l.step
