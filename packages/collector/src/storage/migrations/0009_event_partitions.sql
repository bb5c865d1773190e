-- Events partitioned by month of their (clock-corrected) time, so retention drops whole partitions.
-- A partitioned table cannot hold a unique key without its partition key: dedupe on (app_id, message_id)
-- moves to event_ids, one narrow row per stored event, kept as long as the app keeps events (by receipt).
CREATE TABLE event_ids (
  app_id text NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  message_id text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (app_id, message_id)
);
CREATE INDEX event_ids_received ON event_ids (app_id, received_at);
INSERT INTO event_ids (app_id, message_id, received_at) SELECT app_id, message_id, received_at FROM events;

ALTER TABLE events RENAME TO events_unpartitioned;
-- Every column as it is (whatever migrations added), the identity included; the unique keys are rebuilt below.
CREATE TABLE events (LIKE events_unpartitioned INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS)
  PARTITION BY RANGE ("timestamp");
-- Times far from now (a device clock in 1970 or 2099) land here; months near now get their own partition.
CREATE TABLE events_default PARTITION OF events DEFAULT;

-- The partition of one UTC month, created when missing; rows of that month waiting in the default partition move into it.
CREATE FUNCTION headcount_event_partition(at timestamptz) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  first timestamptz := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  next timestamptz := first + interval '1 month';
  name text := 'events_' || to_char(first AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
  IF to_regclass(name) IS NOT NULL THEN RETURN name; END IF;
  EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
  EXECUTE format('WITH moved AS (DELETE FROM events_default WHERE "timestamp" >= $1 AND "timestamp" < $2 RETURNING *)
    INSERT INTO %I SELECT * FROM moved', name) USING first, next;
  EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, first, next);
  RETURN name;
END $$;

-- A partition for every month the stored events span near now (ten years back, one ahead), and the next three.
SELECT headcount_event_partition(month) FROM (
  SELECT DISTINCT date_trunc('month', "timestamp" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month FROM events_unpartitioned
  WHERE "timestamp" >= now() - interval '10 years' AND "timestamp" < now() + interval '1 year'
  UNION SELECT now() + n * interval '1 month' FROM generate_series(-1, 3) AS n
) AS months ORDER BY month;

-- Every row keeps its id (the export's cursor); the identity goes on after the largest.
INSERT INTO events OVERRIDING SYSTEM VALUE SELECT * FROM events_unpartitioned;
SELECT setval(pg_get_serial_sequence('events', 'id'), greatest((SELECT max(id) FROM events), 1), (SELECT max(id) FROM events) IS NOT NULL);

-- The old table's indexes, rebuilt on the partitioned one under their own names (its primary key excepted: event_ids holds it).
DO $$
DECLARE
  definitions text[];
  definition text;
BEGIN
  SELECT array_agg(indexdef) INTO definitions FROM pg_indexes
  WHERE schemaname = current_schema() AND tablename = 'events_unpartitioned' AND indexname <> 'events_pkey';
  DROP TABLE events_unpartitioned;
  FOREACH definition IN ARRAY coalesce(definitions, '{}') LOOP
    EXECUTE regexp_replace(definition, ' ON (\S+\.)?events_unpartitioned ', ' ON \1events ');
  END LOOP;
END $$;
ALTER TABLE events ADD FOREIGN KEY (app_id) REFERENCES apps (id) ON DELETE CASCADE;
-- Placement moves stored events by messageId.
CREATE INDEX events_app_message ON events (app_id, message_id);
