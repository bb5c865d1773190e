-- A new identify or alias link re-counts the hours of the visits it joins (migration 0010). PL/pgSQL keeps the plan
-- of a static statement for the life of the connection: planned while sessions was small, it scanned the whole table
-- at every new link from then on (seen: a sequential scan of sessions at each one; embedded PGlite keeps one
-- connection for the life of the process). EXECUTE plans the lookup for the table as it is now: by its index.
CREATE OR REPLACE FUNCTION headcount_identity_linked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'identities' THEN
    EXECUTE $sql$
      INSERT INTO stats_pending (app_id, hour)
      SELECT DISTINCT s.app_id, date_trunc('hour', s.started_at, 'UTC') FROM new_rows n
      JOIN sessions s ON s.app_id = n.app_id AND s.anonymous_id = n.anonymous_id
    $sql$;
  ELSE
    EXECUTE $sql$
      INSERT INTO stats_pending (app_id, hour)
      SELECT DISTINCT s.app_id, date_trunc('hour', s.started_at, 'UTC') FROM new_rows n
      JOIN sessions s ON s.app_id = n.app_id AND s.anonymous_id = n.previous_id
      UNION
      SELECT DISTINCT s.app_id, date_trunc('hour', s.started_at, 'UTC') FROM new_rows n
      JOIN sessions s ON s.app_id = n.app_id AND s.user_id = n.previous_id
    $sql$;
  END IF;
  RETURN NULL;
END $$;
