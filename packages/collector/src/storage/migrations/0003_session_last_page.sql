-- The page each session was last on, kept at ingest, so the live count can say where the people here now are.
-- last_page_at: time of the latest event that knew its page; a late, older event never moves the page back.
ALTER TABLE sessions ADD COLUMN last_page_path text;
ALTER TABLE sessions ADD COLUMN last_page_at timestamptz;
