-- An event's context, but its page, is mostly the same on every event of a visit (user agent, screen, locale, library,
-- campaign, click ids, session id): it is kept once per app in event_contexts, keyed by a hash of its text, and each
-- event names it by context_key. events.context keeps what is the event's own (its page); the full context is the
-- entry merged with it (eventsRepository's fullContextSql), exactly as sent.
CREATE TABLE event_contexts (
  app_id text NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  key uuid NOT NULL,
  context jsonb NOT NULL,
  PRIMARY KEY (app_id, key)
);
ALTER TABLE events ADD COLUMN context_key uuid;

-- Stored events move their shared part into the dictionary (keyed by the md5 of its jsonb text here; the collector
-- hashes its own serialization: two keys for one context are harmless, a key never names two contexts).
INSERT INTO event_contexts (app_id, key, context)
SELECT DISTINCT ON (app_id, key) app_id, key, shared
FROM (SELECT app_id, md5((context - 'page')::text)::uuid AS key, context - 'page' AS shared
      FROM events WHERE context - 'page' <> '{}'::jsonb) AS s
ORDER BY app_id, key;
UPDATE events SET context_key = md5((context - 'page')::text)::uuid,
  context = CASE WHEN context ? 'page' THEN jsonb_build_object('page', context -> 'page') END
WHERE context - 'page' <> '{}'::jsonb;

-- Erasure and retention remove an entry once no event names it.
CREATE INDEX events_app_context ON events (app_id, context_key) WHERE context_key IS NOT NULL;
