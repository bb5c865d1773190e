-- Issue 16, bytes per stored event: events_app_session was (app_id, session_id, "timestamp"). Every event of a visit
-- had an entry of its own (~50-60 bytes each once events carry their own times), though what reads it asks only for
-- a visit's events: the stats' page and event filters (EXISTS), the visits' events for summaries and placement, the
-- read API's sessionId filter, a visit's latest event. Keyed by (app_id, session_id) alone, the entries of one visit
-- share their key: PostgreSQL's B-tree deduplication keeps one key with a list of row addresses (6 bytes per event).
-- Those readers sort the few events of a visit by time themselves.
DROP INDEX events_app_session;
CREATE INDEX events_app_session ON events (app_id, session_id);
