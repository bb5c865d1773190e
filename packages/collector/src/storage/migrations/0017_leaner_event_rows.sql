-- Issue 16, bytes per stored event:
-- 1. A page's url is, nearly always, its origin followed by its path and its search, which have columns of their own
--    (migration 0015): the url was stored twice over (~50 of its ~55 bytes). When the url is exactly some non-empty
--    text followed by path and search, that text alone is kept, in page_origin, and page_url is NULL; the url is
--    page_origin || page_path || page_search (eventsRepository's pageFieldSql), exactly as sent. Any other url (a
--    fragment, a path that is not the url's) keeps page_url. Events stored earlier keep page_url; nothing is rewritten.
ALTER TABLE events ADD COLUMN page_origin text;
-- 2. Segment's and RudderStack's page calls send the page twice: in context.page and in the properties. A page view's
--    properties keep only what does not repeat its page columns; page_properties says which fields they repeated
--    (bit i for the i-th of url, path, search, referrer, title) and readers put them back (eventsRepository's
--    propertiesSql): 40 to 150 bytes less per page view.
ALTER TABLE events ADD COLUMN page_properties smallint;
-- 3. The export reads an app's events in storage order (events.id). Indexed by (app_id, id), every app's entries but
--    those of the app that sorts last went into the middle of the index: pages split in half and stayed 60% full
--    (~73 bytes per event). Indexed by id alone, every entry goes to the right-hand end (~22 bytes per event). An export reads the
--    ids after its cursor and skips other apps' rows or, for an app with a small share of the rows, reads the app's
--    rows through one of its indexes led by app_id and sorts them: the planner picks by that share.
DROP INDEX events_app_id;
CREATE INDEX events_by_id ON events (id);
