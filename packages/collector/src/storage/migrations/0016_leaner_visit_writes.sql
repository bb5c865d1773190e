-- Issue 16, the writes of a visit and its identity links, as migration 0013 did for events:
-- 1. A new visit, a new shared context and a new identity link each paid a foreign-key check against apps: a lookup
--    and a KEY SHARE lock on the app's row, which concurrent commits of one app turn into a MultiXact each time (a
--    write to the apps row and to its SLRU). The collector writes only for an app it has just read, so the checks are
--    dropped; deleting an app (by hand: the collector never does) still deletes all of it, by the trigger of 0013.
ALTER TABLE sessions DROP CONSTRAINT sessions_app_id_fkey;
ALTER TABLE identities DROP CONSTRAINT identities_app_id_fkey;
ALTER TABLE aliases DROP CONSTRAINT aliases_app_id_fkey;
ALTER TABLE event_contexts DROP CONSTRAINT event_contexts_app_id_fkey;
CREATE OR REPLACE FUNCTION headcount_app_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM events WHERE app_id = OLD.id;
  DELETE FROM event_ids WHERE app_id = OLD.id;
  DELETE FROM event_contexts WHERE app_id = OLD.id;
  DELETE FROM sessions WHERE app_id = OLD.id;
  DELETE FROM identities WHERE app_id = OLD.id;
  DELETE FROM aliases WHERE app_id = OLD.id;
  RETURN OLD;
END $$;
-- 2. Every event that carries a known anonymousId–userId link moves its last_seen_at. Indexed (for retention), no
--    such update was HOT: each wrote a new entry in all three indexes. As sessions do (0012), retention now finds
--    links by the hour of their last activity, which changes once an hour; room is left on each page for the new
--    versions of its rows (the ADD COLUMN rewrites the table with it).
ALTER TABLE identities SET (fillfactor = 80);
ALTER TABLE identities ADD COLUMN seen_hour integer NOT NULL GENERATED ALWAYS AS (
  floor(extract(epoch FROM last_seen_at - timestamptz '1970-01-01 00:00:00+00') / 3600)::integer) STORED;
DROP INDEX identities_app_last_seen;
CREATE INDEX identities_app_seen_hour ON identities (app_id, seen_hour);
