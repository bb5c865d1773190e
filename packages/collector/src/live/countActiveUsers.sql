-- Active users of app $1, one row per visitor (userId, else anonymousId) with a session that has not ended and was
-- seen after $2 (now - window): when they were last seen, and the path of their latest page (NULL when unknown).
-- Reads only the partial index sessions_live (ended_at IS NULL), from $2 on: its cost follows the live sessions, not history.
SELECT coalesce(user_id, anonymous_id) AS visitor,
       max(last_seen_at) AS seen,
       (array_agg(last_page_path ORDER BY last_page_at DESC NULLS LAST))[1] AS path
FROM sessions
WHERE app_id = $1 AND ended_at IS NULL AND last_seen_at > $2
GROUP BY 1
