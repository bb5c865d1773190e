-- Every write to a session moves its last_seen_at. An update that changes no indexed column is HOT (it stays on its
-- page and writes no index entry); with last_seen_at in two indexes none was. Sessions are found by recency (the
-- live count, retention) through the hour of their last activity, which changes once an hour.
-- Hours since 1970 (UTC); a session known only from server-side events (last seen at -infinity) sorts first.
ALTER TABLE sessions ADD COLUMN seen_hour integer NOT NULL GENERATED ALWAYS AS (CASE
  WHEN isfinite(last_seen_at) THEN floor(extract(epoch FROM last_seen_at - timestamptz '1970-01-01 00:00:00+00') / 3600)::integer
  WHEN last_seen_at < timestamptz '1970-01-01 00:00:00+00' THEN -2147483648 ELSE 2147483647 END) STORED;
-- One index serves both: the live count reads the sessions seen since the hour of its window's start (ended ones
-- filtered out, so ending a session is HOT too), retention those last seen before its cutoff.
DROP INDEX sessions_live;
DROP INDEX sessions_app_last_seen;
CREATE INDEX sessions_app_seen_hour ON sessions (app_id, seen_hour);
-- Room on each page for the new versions of its rows.
ALTER TABLE sessions SET (fillfactor = 80);
