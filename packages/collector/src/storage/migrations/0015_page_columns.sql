-- Issue 16: an event's page (context.page) took a third of its row as jsonb (~210 B: keys, headers and the values).
-- A page made only of the fields browsers and Segment's libraries send, each a string, is stored in columns of its
-- own (~90 B less per event; the stats read its path without parsing jsonb), and events.context is then NULL. Any
-- other page (another field, a value that is not a string) stays in events.context as before, so nothing sent is
-- lost or changed. Events stored earlier keep their page in events.context: readers take both (eventsRepository's
-- ownContextSql), and the upgrade rewrites nothing.
ALTER TABLE events
  ADD COLUMN page_url text,
  ADD COLUMN page_path text,
  ADD COLUMN page_search text,
  ADD COLUMN page_referrer text,
  ADD COLUMN page_title text;
