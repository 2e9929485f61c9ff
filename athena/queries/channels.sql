-- name: channels
-- answers: Which channels (default channel grouping, site rules applied) bring sessions and conversions?
-- parameters: site_id, from_date, to_date
-- Sessions are attributed to their landing (first) event, as GA4 does; pageviews and conversions
-- count every page view and `conversion` event of those sessions. Bots excluded.
WITH scoped AS (
  SELECT
    event_id,
    event_time,
    event_type,
    session_id,
    channel,
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
    max(CASE WHEN event_number = 1 THEN visitor END) AS visitor,
    max(CASE WHEN event_number = 1 THEN channel END) AS channel,
    count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews,
    count(CASE WHEN event_type = 'conversion' THEN 1 END) AS conversions
  FROM (
    SELECT
      x.*,
      row_number() OVER (PARTITION BY x.session_key ORDER BY x.event_time, x.event_id) AS event_number
    FROM sessionized x
    WHERE x.session_key IS NOT NULL
  ) ranked
  GROUP BY session_key
)
SELECT
  channel,
  count(*) AS sessions,
  count(DISTINCT visitor) AS visitors,
  sum(pageviews) AS pageviews,
  sum(conversions) AS conversions
FROM sessions
GROUP BY channel
ORDER BY sessions DESC, channel
