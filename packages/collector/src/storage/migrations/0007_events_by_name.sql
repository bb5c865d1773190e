-- `GET /v1/events?event=` and the stats event filter: a name that matches nothing answers from the index, not a scan.
CREATE INDEX events_app_event ON events (app_id, event, "timestamp");
-- The export reads an app's events in storage order (id), one keyset page at a time.
CREATE INDEX events_app_id ON events (app_id, id);
