-- The dead-letter store: what ingest could not accept, kept verbatim for 30 days so its owner can read, fix and replay it.
CREATE TABLE rejected_events (
  app_id text NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  id bigint GENERATED ALWAYS AS IDENTITY,
  received_at timestamptz NOT NULL,
  code text NOT NULL,
  message text NOT NULL,
  message_id text,
  -- What the body is: one event ('event'), or a whole request body that could not be read as events (its endpoint).
  kind text NOT NULL,
  -- The request-level facts a replay needs: batch sentAt and context, the truncated client IP, a signed upstream receipt.
  facts jsonb NOT NULL DEFAULT '{}',
  -- The JSON text as sent (a whole unreadable body as text, NUL bytes replaced).
  body text NOT NULL,
  PRIMARY KEY (app_id, id)
);
CREATE INDEX rejected_events_received ON rejected_events (app_id, received_at);

-- Per-app bounds: a flood of bad input cannot fill the disk; what did not fit is counted.
CREATE TABLE rejected_usage (
  app_id text PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
  entries bigint NOT NULL DEFAULT 0,
  bytes bigint NOT NULL DEFAULT 0,
  not_kept bigint NOT NULL DEFAULT 0
);
