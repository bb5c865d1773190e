-- Active users of app $1, one row per visitor (userId, else anonymousId) with a session that has not ended and was
-- seen after $2 (now - window): when they were last seen, and the path of their latest page (NULL when unknown).
-- Reads the index sessions_app_seen_hour from the hour of $2 on (seen_hour, the hour of the last activity: last_seen_at
-- itself is in no index, so that ingest updates sessions in place): its cost follows the sessions of the last hour or
-- two, not history.
SELECT coalesce(user_id, anonymous_id) AS visitor,
       max(last_seen_at) AS seen,
       (array_agg(last_page_path ORDER BY last_page_at DESC NULLS LAST))[1] AS path
FROM sessions
WHERE app_id = $1 AND ended_at IS NULL AND last_seen_at > $2
  AND seen_hour >= floor(extract(epoch FROM $2::timestamptz - timestamptz '1970-01-01 00:00:00+00') / 3600)::integer
GROUP BY 1
