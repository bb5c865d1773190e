-- Issue 16, bytes per stored event: a messageId's dedupe key in event_ids is bytes, not text. A messageId that is a
-- UUID in its canonical lowercase form (RudderStack's libraries, Segment's mobile ones) is its 16 bytes after a 0 byte:
-- 17 bytes, against 37 as text, in the row and again in the key's index entry (~35 bytes less per stored event). Any
-- other messageId is its UTF-8 after a 1 byte. The first byte keeps the two forms apart, so two different messageIds
-- never share a key. The collector writes the same bytes (storage/messageKey.ts); this function is its twin for SQL.
-- Bytes compare by memcmp, where text compares under the database's collation.
CREATE FUNCTION headcount_message_key(message_id text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN message_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    THEN '\x00'::bytea || decode(replace(message_id, '-', ''), 'hex')
    ELSE '\x01'::bytea || convert_to(message_id, 'UTF8') END
$$;
-- The table is written anew, packed (the old one is dropped), with the same names for itself, its key and its index.
CREATE TABLE event_ids_compact (
  app_id text NOT NULL,
  message_key bytea NOT NULL,
  received_at timestamptz NOT NULL
);
INSERT INTO event_ids_compact (app_id, message_key, received_at)
  SELECT app_id, headcount_message_key(message_id), received_at FROM event_ids ORDER BY app_id, received_at;
DROP TABLE event_ids;
ALTER TABLE event_ids_compact RENAME TO event_ids;
ALTER TABLE event_ids ADD CONSTRAINT event_ids_pkey PRIMARY KEY (app_id, message_key);
CREATE INDEX event_ids_received ON event_ids (app_id, received_at);
