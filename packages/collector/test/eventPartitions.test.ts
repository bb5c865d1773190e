import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../src/maintenance/runMaintenance';
import type { Database, Queryable } from '../src/storage/database';
import { migrate, MIGRATIONS } from '../src/storage/migrate';
import { backends, openTestDatabase } from './support/databases';
import { post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

// The injected clock: which months are "ahead", and what retention has passed, are decided by it.
const NOW = new Date('2026-09-30T12:00:00Z');

const partitionOf = async (db: Queryable, messageId: string) =>
  (await db.query<{ part: string }>('SELECT tableoid::regclass::text AS part FROM events WHERE message_id = $1', [messageId])).map((r) => r.part);
const partitionNames = async (db: Queryable) =>
  (await db.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass ORDER BY 1")).map((r) => r.name);

describe.each(backends())('events partitioned by month on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  const send = async (events: unknown[]) => (await post(`${c.url}/v1/batch`, { batch: events, writeKey: c.writeKey })).body;

  it('creates partitions ahead and for late and future events, which move out of the default partition; wild clocks stay there', async () => {
    expect(await send([
      trackEvent({ messageId: 'late-kiosk', timestamp: '2025-03-10T09:00:00Z' }),
      trackEvent({ messageId: 'year-1970', timestamp: '1970-01-01T00:00:00Z' }),
    ])).toMatchObject({ accepted: 2 });
    // Ingest never stores a time after receipt; a collector with a wrong clock could, so that row is written as it would.
    await c.db.query(`INSERT INTO events (app_id, message_id, type, event, "timestamp", received_at) VALUES ($1, 'wrong-clock', 'track', 'x', $2, $2)`,
      [c.appId, '2027-06-14T09:00:00Z']);
    // No month partition for them yet: the default partition holds them, nothing is refused.
    expect(await partitionOf(c.db, 'late-kiosk')).toEqual(['events_default']);

    const { partitions } = await runMaintenance(c.db, NOW);
    // Months from last month to three ahead of the clock, and those of the waiting events; the migration made those around the real date.
    expect(partitions?.created).toEqual(expect.arrayContaining(['events_2025_03', 'events_2026_08', 'events_2026_09', 'events_2027_06']));
    const names = await partitionNames(c.db);
    for (const month of ['2025_03', '2026_08', '2026_09', '2026_10', '2026_11', '2026_12', '2027_06']) expect(names).toContain(`events_${month}`);
    expect(await partitionOf(c.db, 'late-kiosk')).toEqual(['events_2025_03']);
    expect(await partitionOf(c.db, 'wrong-clock')).toEqual(['events_2027_06']);
    expect(await partitionOf(c.db, 'year-1970')).toEqual(['events_default']);
    // A second pass has nothing to create.
    expect((await runMaintenance(c.db, NOW)).partitions?.created).toEqual([]);
  });

  it('dedupes on (app, messageId) exactly across a partition boundary', async () => {
    expect(await send([trackEvent({ messageId: 'once', timestamp: '2026-08-31T23:59:59Z' })])).toMatchObject({ accepted: 1, duplicates: 0 });
    // The same event re-sent with a corrected clock falls in the next month's partition: still a duplicate.
    expect(await send([trackEvent({ messageId: 'once', timestamp: '2026-09-01T00:00:01Z' })])).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await send([trackEvent({ messageId: 'once', timestamp: '1970-06-01T00:00:00Z' })])).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await partitionOf(c.db, 'once')).toEqual(['events_2026_08']);
    // Another app may use the same messageId.
    const other = await c.createApp({ name: 'other' });
    expect((await post(`${c.url}/v1/batch`, { batch: [trackEvent({ messageId: 'once', timestamp: '2026-09-01T00:00:01Z' })], writeKey: other.writeKey })).body)
      .toMatchObject({ accepted: 1 });
  });
});

describe.each(backends())('retention drops whole partitions on %s', (backend) => {
  it('drops the months every app\'s retention has passed and keeps newer data', async () => {
    const c = await startTestCollector(backend, { app: { name: 'kept-30-days', retentionDays: 30 } });
    try {
      await post(`${c.url}/v1/batch`, { writeKey: c.writeKey, batch: [
        trackEvent({ messageId: 'may-1', timestamp: '2026-05-10T00:00:00Z', context: { userAgent: 'only in May' } }),
        trackEvent({ messageId: 'may-2', timestamp: '2026-05-11T00:00:00Z' }),
        trackEvent({ messageId: 'september', timestamp: '2026-09-20T00:00:00Z' }),
      ] });
      // Early in June, May's events are within 30 days: their partition is made and kept.
      const june = await runMaintenance(c.db, new Date('2026-06-05T00:00:00Z'));
      expect(june.partitions).toMatchObject({ dropped: [] });
      expect(june.partitions?.created).toContain('events_2026_05');
      expect(await partitionOf(c.db, 'may-1')).toEqual(['events_2026_05']);
      // At the end of September, May lies wholly past 30 days: dropped whole. August ends after the cutoff: kept.
      const result = await runMaintenance(c.db, NOW);
      // (June and July, made ahead in June, are past it too.)
      expect(result.partitions?.dropped).toEqual(['events_2026_05', 'events_2026_06', 'events_2026_07']);
      expect(await partitionNames(c.db)).toContain('events_2026_08');
      expect(result.partitions?.droppedEvents).toBe(2);
      expect(await partitionNames(c.db)).not.toContain('events_2026_05');
      expect((await c.db.query<{ message_id: string }>('SELECT message_id FROM events')).map((r) => r.message_id)).toEqual(['september']);
      // The shared context only May's event named went with it; the one September's names stays.
      const contexts = await c.db.query<{ context: object }>('SELECT context FROM event_contexts WHERE app_id = $1', [c.appId]);
      expect(contexts.map((r) => r.context)).toEqual([{ ip: '127.0.0.0' }]);
    } finally {
      await c.close();
    }
  });
});

describe.each(backends())('migrating an existing database to partitions on %s', (backend) => {
  let db: Database;
  let dispose = async () => {};
  beforeAll(async () => {
    ({ db, dispose } = await openTestDatabase(backend, { upTo: 8 }));
  });
  afterAll(() => dispose());

  it('keeps every row, its id and its contents; the ids stay unique and dedupe still holds', async () => {
    await db.query("INSERT INTO apps (id, name, write_key, secret_prefix, secret_hash) VALUES ('app1', 'one', 'wk1', 'sp1', 'sh1')");
    await db.query(
      `INSERT INTO events (app_id, message_id, type, event, anonymous_id, session_id, "timestamp", received_at, properties, context, extra)
       SELECT 'app1', 'old-' || g, 'track', 'Tapped', 'anon-' || (g % 7), CASE WHEN g % 2 = 0 THEN 's-' || (g % 5) END,
         timestamptz '2024-01-01' + g * interval '9 days', timestamptz '2024-01-01' + g * interval '9 days',
         jsonb_build_object('n', g), jsonb_build_object('page', jsonb_build_object('path', '/p' || g)), CASE WHEN g % 3 = 0 THEN '{"channel":"server"}'::jsonb END
       FROM generate_series(1, 150) AS g`);
    await db.query(`INSERT INTO events (app_id, message_id, type, event, "timestamp", received_at) VALUES
      ('app1', 'year-1970', 'track', 'Clock', '1970-01-01T00:00:00Z', now()), ('app1', 'year-2150', 'track', 'Clock', '2150-01-01T00:00:00Z', now())`);
    // Later migrations add columns (0011: context_key, NULL for these page-only contexts; 0015 and 0017: the page columns,
    // NULL for rows stored before them) and 0019 renames properties and traits (rows stored before it keep theirs, as
    // jsonb, in properties_jsonb and traits_jsonb): the rows' own columns are compared, under their first names.
    const snapshot = async () => (await db.query<{ row: string }>(
      `SELECT (r - ARRAY['context_key', 'page_url', 'page_path', 'page_search', 'page_referrer', 'page_title', 'page_origin', 'page_properties',
           'properties_jsonb', 'traits_jsonb']
         || jsonb_build_object('properties', coalesce(r->'properties_jsonb', r->'properties'), 'traits', coalesce(r->'traits_jsonb', r->'traits')))::text AS row
       FROM (SELECT to_jsonb(e) AS r FROM (SELECT * FROM events ORDER BY id) AS e) AS rows`)).map((r) => r.row);
    const before = await snapshot();
    expect(before).toHaveLength(152);

    expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 8).map((m) => m.version));
    expect(await snapshot()).toEqual(before);
    expect(await partitionOf(db, 'year-2150')).toEqual(['events_default']);
    expect(await partitionOf(db, 'old-1')).toEqual(['events_2024_01']);
    const [keys] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM event_ids WHERE app_id = 'app1'");
    expect(keys?.n).toBe(152);
    // The indexes came along; the identity goes on after the largest id.
    const indexes = (await db.query<{ name: string }>("SELECT indexname AS name FROM pg_indexes WHERE tablename = 'events' ORDER BY 1")).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['events_app_time', 'events_app_session', 'events_waiting_anonymous', 'events_app_event', 'events_by_id']));
    const [next] = await db.query<{ id: string }>(
      `INSERT INTO events (app_id, message_id, type, "timestamp", received_at) VALUES ('app1', 'after', 'track', now(), now()) RETURNING id::text AS id`);
    expect(Number(next?.id)).toBe(153);
  });
});
