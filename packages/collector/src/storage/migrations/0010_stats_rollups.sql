-- Dashboard figures per app and time bucket, so a 30-day view reads hundreds of rows instead of every visit.
-- A visit counts in the hour it started (with every event it holds); an event outside any visit, in its own hour.
-- Rows of one bucket are replaced together by the rollup job; `span` is 'hour' (UTC) or 'day' (a local day in `tz`).
CREATE TABLE stats_rollups (
  app_id text NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  span text NOT NULL,
  tz text NOT NULL,
  bucket timestamptz NOT NULL,
  -- '' for every visit; 'source=google' (a filter and its value) for the visits a one-filter view keeps.
  segment text NOT NULL DEFAULT '',
  dim text NOT NULL,
  key text,
  sessions integer NOT NULL,
  bounces integer NOT NULL,
  duration_seconds double precision NOT NULL,
  session_events integer NOT NULL,
  pageviews integer NOT NULL,
  events integer NOT NULL,
  -- The visitors, as a mergeable sketch (src/stats/visitorSketch.ts).
  visitors bytea NOT NULL
);
CREATE INDEX stats_rollups_read ON stats_rollups (app_id, segment, dim, span, bucket);
CREATE INDEX stats_rollups_bucket ON stats_rollups (app_id, span, bucket);

-- Hours whose stored visits or events changed since they were rolled up: the readers count them from the
-- visits themselves until the job has rolled them up again. No key: writers append, none waits for another.
CREATE TABLE stats_pending (
  app_id text NOT NULL,
  hour timestamptz NOT NULL
);
CREATE INDEX stats_pending_hour ON stats_pending (app_id, hour);

-- Every change to a visit marks the hour it started (before and after the change): ingest, placement, erasure
-- and retention alike, with nothing for their code to remember.
CREATE FUNCTION headcount_sessions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO stats_pending (app_id, hour) SELECT DISTINCT app_id, date_trunc('hour', started_at, 'UTC') FROM new_rows;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO stats_pending (app_id, hour)
    SELECT app_id, date_trunc('hour', started_at, 'UTC') FROM new_rows
    UNION SELECT app_id, date_trunc('hour', started_at, 'UTC') FROM old_rows;
  ELSE
    INSERT INTO stats_pending (app_id, hour) SELECT DISTINCT app_id, date_trunc('hour', started_at, 'UTC') FROM old_rows;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER sessions_stats_insert AFTER INSERT ON sessions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION headcount_sessions_changed();
CREATE TRIGGER sessions_stats_update AFTER UPDATE ON sessions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION headcount_sessions_changed();
CREATE TRIGGER sessions_stats_delete AFTER DELETE ON sessions REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION headcount_sessions_changed();

-- Events outside any visit count in their own hour; those inside one change through their visit's row.
CREATE FUNCTION headcount_loose_event_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' AND NEW.session_id IS NULL THEN
    INSERT INTO stats_pending (app_id, hour) VALUES (NEW.app_id, date_trunc('hour', NEW."timestamp", 'UTC'));
  END IF;
  IF TG_OP <> 'INSERT' AND OLD.session_id IS NULL THEN
    INSERT INTO stats_pending (app_id, hour) VALUES (OLD.app_id, date_trunc('hour', OLD."timestamp", 'UTC'));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER events_stats_insert AFTER INSERT ON events FOR EACH ROW WHEN (NEW.session_id IS NULL)
  EXECUTE FUNCTION headcount_loose_event_changed();
CREATE TRIGGER events_stats_update AFTER UPDATE OF session_id ON events FOR EACH ROW
  WHEN (OLD.session_id IS NULL OR NEW.session_id IS NULL) EXECUTE FUNCTION headcount_loose_event_changed();
CREATE TRIGGER events_stats_delete AFTER DELETE ON events FOR EACH ROW WHEN (OLD.session_id IS NULL)
  EXECUTE FUNCTION headcount_loose_event_changed();

-- A visitor is counted as the person they are known as: a new identify or alias link re-counts their visits' hours.
CREATE FUNCTION headcount_identity_linked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'identities' THEN
    INSERT INTO stats_pending (app_id, hour)
    SELECT DISTINCT s.app_id, date_trunc('hour', s.started_at, 'UTC') FROM new_rows n
    JOIN sessions s ON s.app_id = n.app_id AND s.anonymous_id = n.anonymous_id;
  ELSE
    INSERT INTO stats_pending (app_id, hour)
    SELECT DISTINCT s.app_id, date_trunc('hour', s.started_at, 'UTC') FROM new_rows n
    JOIN sessions s ON s.app_id = n.app_id AND s.anonymous_id = n.previous_id
    UNION
    SELECT DISTINCT s.app_id, date_trunc('hour', s.started_at, 'UTC') FROM new_rows n
    JOIN sessions s ON s.app_id = n.app_id AND s.user_id = n.previous_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER identities_stats AFTER INSERT ON identities REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION headcount_identity_linked();
CREATE TRIGGER aliases_stats AFTER INSERT ON aliases REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION headcount_identity_linked();

-- What is already stored is rolled up by the job, newest hours first; until then it is counted as before.
INSERT INTO stats_pending (app_id, hour)
SELECT DISTINCT app_id, date_trunc('hour', started_at, 'UTC') FROM sessions
UNION SELECT DISTINCT app_id, date_trunc('hour', "timestamp", 'UTC') FROM events WHERE session_id IS NULL;
