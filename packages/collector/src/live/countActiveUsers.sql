-- Active users of app $1 by the path of their latest page: visitors (userId, else anonymousId) with a session that
-- has not ended and was seen after $2 (now - window). One row per path (NULL: visitors whose page is unknown).
-- Reads only the partial index sessions_live (ended_at IS NULL), from $2 on: its cost follows the live sessions, not history.
-- next_drop_seen_at: the oldest of the path's visitors' latest activity; at it + window the count drops unless something happens.
SELECT path, count(*)::integer AS active_users, min(seen) AS next_drop_seen_at
FROM (
  SELECT max(last_seen_at) AS seen,
         (array_agg(last_page_path ORDER BY last_page_at DESC NULLS LAST))[1] AS path
  FROM sessions
  WHERE app_id = $1 AND ended_at IS NULL AND last_seen_at > $2
  GROUP BY coalesce(user_id, anonymous_id)
) AS visitors
GROUP BY path
