-- Top-level fields the wire format does not name (Segment's channel, integrations, projectId, version...), kept as sent.
ALTER TABLE events ADD COLUMN extra jsonb;
