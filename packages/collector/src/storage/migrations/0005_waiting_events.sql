-- Server-side events stored without a session wait for a visit of their person to open at their time
-- (a late browser event, a late identify): placement finds them by anonymousId or userId.
CREATE INDEX events_waiting_anonymous ON events (app_id, anonymous_id, "timestamp") WHERE session_id IS NULL;
CREATE INDEX events_waiting_user ON events (app_id, user_id, "timestamp") WHERE session_id IS NULL;
