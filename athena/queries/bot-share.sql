-- name: bot-share
-- answers: What share of events was automated, and why was it judged so?
-- parameters: site_id, from_date, to_date
-- One row for human traffic (is_bot false) and one per bot_reason; event_share is of all events
-- of the site in the range. The only query that keeps bots.
WITH scoped AS (
  SELECT
    is_bot,
    bot_reason,
    event_type,
    coalesce(anonymous_id, ip || '|' || user_agent) AS visitor
  FROM {{database}}.events
  WHERE site_id = ?
    AND dt BETWEEN ? AND ?
)
SELECT
  is_bot,
  bot_reason,
  count(*) AS events,
  count(CASE WHEN event_type IN ('page', 'screen') THEN 1 END) AS pageviews,
  count(DISTINCT visitor) AS visitors,
  round(CAST(count(*) AS double) / CAST(sum(count(*)) OVER () AS double), 4) AS event_share
FROM scoped
GROUP BY is_bot, bot_reason
ORDER BY is_bot, bot_reason
