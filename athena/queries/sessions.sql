-- name: sessions
-- answers: How many sessions started each day (UTC), how long did they last, and how many bounced?
-- parameters: site_id, from_date, to_date
-- Duration is the time from a session's first to its last event. A session bounces when it has at
-- most one page view and no engagement: no click, form, scroll, video, conversion or custom
-- (`track`) event, and no `page_engagement` of 10 s or more visible (GA4's engaged-session
-- threshold, as the enricher's behaviour tracker uses). Bots excluded.
WITH scoped AS (
  SELECT
    event_id,
    event_time,
    event_type,
    session_id,
    properties,
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
sessions AS (
  SELECT
    session_key,
    CAST(CAST(min(event_time) AS date) AS varchar) AS day,
    date_diff('millisecond', min(event_time), max(event_time)) AS duration_ms,
    count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews,
    count(
      CASE
        WHEN event_type IN ('click', 'form', 'scroll', 'video', 'conversion', 'track') THEN 1
        WHEN event_type = 'engagement'
          AND TRY_CAST(json_extract(properties, '$.visible_ms') AS bigint) >= 10000 THEN 1
      END
    ) AS engaged_events
  FROM sessionized
  WHERE session_key IS NOT NULL
  GROUP BY session_key
)
SELECT
  day,
  count(*) AS sessions,
  count(CASE WHEN pageviews <= 1 AND engaged_events = 0 THEN 1 END) AS bounces,
  round(CAST(count(CASE WHEN pageviews <= 1 AND engaged_events = 0 THEN 1 END) AS double) / count(*), 4) AS bounce_rate,
  round(avg(CAST(duration_ms AS double)) / 1000, 1) AS avg_duration_seconds,
  round(avg(CAST(pageviews AS double)), 2) AS pageviews_per_session
FROM sessions
GROUP BY day
ORDER BY day
