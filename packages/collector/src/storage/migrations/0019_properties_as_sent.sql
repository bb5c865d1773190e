-- Issue 16, bytes and PostgreSQL CPU per stored event: an event's properties and traits are kept as the JSON text the
-- collector wrote (type json), no longer as jsonb. Nothing reads inside them but a Session Ended event's reason, and
-- jsonb's binary form is larger for the small objects events carry (the bench's 7-field properties: 152 bytes as jsonb,
-- ~115 as text), while its input costs PostgreSQL ~0.7 µs per object (json's only checks the text). json also keeps
-- the keys in the order they were sent. Rows stored earlier keep their jsonb, under the columns' old names with a
-- _jsonb suffix: nothing is rewritten, and readers take whichever column of the two is set (eventsRepository).
ALTER TABLE events RENAME COLUMN properties TO properties_jsonb;
ALTER TABLE events RENAME COLUMN traits TO traits_jsonb;
ALTER TABLE events ADD COLUMN properties json, ADD COLUMN traits json;
