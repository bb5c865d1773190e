-- Per-app settings: events and sessions older than retention_days are removed by the maintenance loop (NULL: kept
-- for good); timezone is the IANA zone the dashboard reports days in (NULL: UTC).
ALTER TABLE apps ADD COLUMN IF NOT EXISTS retention_days integer CHECK (retention_days > 0);
ALTER TABLE apps ADD COLUMN IF NOT EXISTS timezone text;
-- Retention removes sessions by their last activity.
CREATE INDEX sessions_app_last_seen ON sessions (app_id, last_seen_at);
CREATE INDEX identities_app_last_seen ON identities (app_id, last_seen_at);
