-- Apps: one per site or kiosk installation, each with its own keys.
CREATE TABLE apps (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  write_key text NOT NULL UNIQUE,
  -- The secret key's first characters find the app; its SHA-256 is then compared in constant time.
  secret_prefix text NOT NULL,
  secret_hash text NOT NULL UNIQUE,
  origins text[] NOT NULL DEFAULT '{}',
  active_window_seconds integer NOT NULL DEFAULT 300,
  webhook_secret text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX apps_secret_prefix ON apps (secret_prefix);

-- Events: one row per (app, messageId), the dedupe key; `timestamp` is the clock-corrected time.
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY,
  app_id text NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  message_id text NOT NULL,
  type text NOT NULL,
  event text,
  name text,
  anonymous_id text,
  user_id text,
  previous_id text,
  group_id text,
  -- NULL: an event the Headcount SDK sent while no session was active (a kiosk between visitors).
  session_id text,
  "timestamp" timestamptz NOT NULL,
  original_timestamp timestamptz,
  sent_at timestamptz,
  received_at timestamptz NOT NULL,
  properties jsonb,
  traits jsonb,
  context jsonb,
  PRIMARY KEY (app_id, message_id)
);
CREATE UNIQUE INDEX events_app_time ON events (app_id, "timestamp", id);
CREATE INDEX events_app_session ON events (app_id, session_id, "timestamp");

-- Sessions, maintained at ingest. `inferred` ones were grouped by 30 minutes of inactivity (no context.sessionId).
CREATE TABLE sessions (
  app_id text NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  id text NOT NULL,
  inferred boolean NOT NULL DEFAULT false,
  visitor_id text NOT NULL,
  anonymous_id text,
  user_id text,
  started_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  ended_at timestamptz,
  end_reason text,
  event_count integer NOT NULL DEFAULT 0,
  -- Time of the event the landing facts below come from: the earliest one that knows its page.
  landing_at timestamptz,
  landing_page text,
  touch_type text,
  touch_source text,
  touch_host text,
  touch_url text,
  campaign jsonb NOT NULL DEFAULT '{}',
  click_ids jsonb NOT NULL DEFAULT '{}',
  browser text,
  browser_version text,
  os text,
  os_version text,
  device_type text,
  bot boolean NOT NULL DEFAULT false,
  PRIMARY KEY (app_id, id)
);
CREATE INDEX sessions_app_started ON sessions (app_id, started_at, id);
CREATE INDEX sessions_visitor ON sessions (app_id, visitor_id, started_at);
-- The live count reads only sessions that have not ended, by recency: its cost follows live sessions, not history.
CREATE INDEX sessions_live ON sessions (app_id, last_seen_at) WHERE ended_at IS NULL;

-- Identity: each anonymousId seen with a userId (identify, or any event carrying both; alias previousIds too).
CREATE TABLE identities (
  app_id text NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  anonymous_id text NOT NULL,
  user_id text NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  PRIMARY KEY (app_id, anonymous_id, user_id)
);
CREATE INDEX identities_user ON identities (app_id, user_id);

-- `alias`: a previous id (an older userId, or an anonymousId) now known as user_id.
CREATE TABLE aliases (
  app_id text NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  previous_id text NOT NULL,
  user_id text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (app_id, previous_id, user_id)
);
CREATE INDEX aliases_user ON aliases (app_id, user_id);
CREATE INDEX sessions_anonymous ON sessions (app_id, anonymous_id, started_at);
CREATE INDEX sessions_user ON sessions (app_id, user_id, started_at) WHERE user_id IS NOT NULL;
