-- Less work per stored event (issue 16: each index entry and check costs ingest CPU, each entry bytes).
-- Only named (track) events are looked up by name: page views, identifies and the rest no longer get an entry.
DROP INDEX events_app_event;
CREATE INDEX events_app_event ON events (app_id, event, "timestamp") WHERE event IS NOT NULL;
-- Placement finds the stored events it moves by (app, time) through events_app_time, and which messageIds are
-- stored from event_ids: nothing reads events by messageId any more.
DROP INDEX events_app_message;
-- Every stored event paid a foreign-key check against apps twice (events and event_ids: a lookup and a KEY SHARE
-- lock each, 30% of the insert statement). The collector writes only for an app it has just read, so the checks
-- are dropped; deleting an app (by hand: the collector never does) still deletes its events, by this trigger.
ALTER TABLE events DROP CONSTRAINT events_app_id_fkey;
ALTER TABLE event_ids DROP CONSTRAINT event_ids_app_id_fkey;
CREATE FUNCTION headcount_app_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM events WHERE app_id = OLD.id;
  DELETE FROM event_ids WHERE app_id = OLD.id;
  RETURN OLD;
END $$;
CREATE TRIGGER apps_deleted AFTER DELETE ON apps FOR EACH ROW EXECUTE FUNCTION headcount_app_deleted();
