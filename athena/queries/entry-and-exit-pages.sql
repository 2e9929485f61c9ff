-- name: entry-and-exit-pages
-- answers: On which pages do sessions start (entries) and end (exits)?
-- parameters: site_id, from_date, to_date
-- Entry and exit are a session's first and last page view (`page` or `screen` event); exit_rate
-- is exits per page view of the path. The 100 paths with most entries. Bots excluded.
WITH scoped AS (
  SELECT
    event_id,
    event_time,
    event_type,
    session_id,
    path,
    coalesce(anonymous_id, ip || '|' || user_agent) AS visitor
  FROM {{database}}.events
  WHERE site_id = ?
    AND dt BETWEEN ? AND ?
    AND is_bot = false
),
-- sessionize: begin (identical in every query that groups events into sessions; test/athena checks)
-- A session is its session_id. Events without one (cookieless, server-side) start a new session
-- for their visitor after 30 minutes without an event, as the tracker does.
gaps AS (
  SELECT
    s.*,
    CASE
      WHEN s.session_id IS NOT NULL THEN 0
      WHEN date_diff(
        'millisecond',
        lag(s.event_time) OVER (PARTITION BY s.visitor, s.session_id ORDER BY s.event_time),
        s.event_time
      ) <= 1800000 THEN 0
      ELSE 1
    END AS starts_session
  FROM scoped s
),
sessionized AS (
  SELECT
    g.*,
    coalesce(
      g.session_id,
      g.visitor || '#' || CAST(sum(g.starts_session) OVER (
        PARTITION BY g.visitor, g.session_id
        ORDER BY g.event_time
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS varchar)
    ) AS session_key
  FROM gaps g
),
-- sessionize: end
pageviews AS (
  SELECT
    path,
    row_number() OVER (PARTITION BY session_key ORDER BY event_time, event_id) AS from_start,
    row_number() OVER (PARTITION BY session_key ORDER BY event_time DESC, event_id DESC) AS from_end
  FROM sessionized
  WHERE session_key IS NOT NULL
    AND event_type IN ('page', 'screen')
)
SELECT
  path,
  count(*) AS pageviews,
  count(CASE WHEN from_start = 1 THEN 1 END) AS entries,
  count(CASE WHEN from_end = 1 THEN 1 END) AS exits,
  round(CAST(count(CASE WHEN from_end = 1 THEN 1 END) AS double) / count(*), 4) AS exit_rate
FROM pageviews
GROUP BY path
ORDER BY entries DESC, exits DESC, path
LIMIT 100
