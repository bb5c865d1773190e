import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPACT_AFTER_DAYS } from '../src/maintenance/eventPartitions';
import { runMaintenance } from '../src/maintenance/runMaintenance';
import type { Queryable } from '../src/storage/database';
import { eventually } from '../../../e2e/support/eventually';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

// A month's indexes fill out of order while the month lasts (pages split in half); once it is over, maintenance
// rebuilds them packed.
const DURING_OCTOBER = new Date('2026-10-15T12:00:00Z');
const AFTER_OCTOBER = new Date(Date.UTC(2026, 10, 1) + (COMPACT_AFTER_DAYS + 1) * 86_400_000);
const EVENTS = 2400;
// The collector's own maintenance loop (real clock) stays out of the way: the tests run the passes.
const QUIET_MAINTENANCE = { deps: { maintenance: { firstAfterMs: 3_600_000, everyMs: 3_600_000 } } };

const indexBytes = async (db: Queryable, partition: string) =>
  Number((await db.query<{ bytes: string }>(
    'SELECT sum(pg_relation_size(indexrelid))::bigint AS bytes FROM pg_index WHERE indrelid = $1::regclass', [partition]))[0]?.bytes);
const packed = async (db: Queryable, partition: string) =>
  (await db.query<{ packed: boolean }>(
    `SELECT coalesce(c.reloptions, '{}') @> ARRAY['fillfactor=100'] AS packed FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
     WHERE x.indrelid = $1::regclass`, [partition])).map((r) => r.packed);
// Every stored row of the partition, in storage order: what compaction must not change.
const rowsOf = async (db: Queryable, partition: string) =>
  (await db.query<{ rows: string }>(`SELECT string_agg(to_jsonb(e)::text, E'\\n' ORDER BY id) AS rows FROM ${partition} AS e`))[0]?.rows;

describe.each(backends())('closed month partitions on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend, QUIET_MAINTENANCE);
  });
  afterAll(() => c.close());

  it('have their indexes rebuilt packed once the month is over, rows unchanged, and still take late events', async () => {
    // The pass makes last month's partition and, since September ended over COMPACT_AFTER_DAYS ago, compacts it (empty).
    expect((await runMaintenance(c.db, DURING_OCTOBER)).compacted).toBe('events_2026_09');
    // Events of October in an order unrelated to their time, several requests: as writers and clocks deliver them.
    const at = (i: number) => new Date(Date.UTC(2026, 9, 1) + ((i * 7919) % EVENTS) * 1_000_000).toISOString();
    for (let from = 0; from < EVENTS; from += 400) {
      const batch = Array.from({ length: 400 }, (_, k) => trackEvent({ messageId: `oct-${from + k}`, anonymousId: `v-${(from + k) % 37}`, timestamp: at(from + k) }));
      expect((await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey })).body).toMatchObject({ accepted: 400 });
    }
    const before = { bytes: await indexBytes(c.db, 'events_2026_10'), rows: await rowsOf(c.db, 'events_2026_10') };
    const indexes = (await packed(c.db, 'events_2026_10')).length;
    expect(await packed(c.db, 'events_2026_10')).not.toContain(true);

    // October ended less than COMPACT_AFTER_DAYS ago: not yet, and a pass with no month to pack opens no connection
    // of its own (it asks on a pooled one).
    const early = new Date(Date.UTC(2026, 10, 1) + (COMPACT_AFTER_DAYS - 1) * 86_400_000);
    let sessions = 0;
    const counted = { ...c.db, session: <T>(fn: (s: Queryable) => Promise<T>) => (sessions++, c.db.session(fn)) };
    expect((await runMaintenance(counted, early)).compacted).toBe(null);
    expect(sessions).toBe(0);
    expect(await packed(c.db, 'events_2026_10')).not.toContain(true);
    // A rebuild that failed half-way on PostgreSQL (REINDEX CONCURRENTLY) leaves an invalid copy of an index behind:
    // the next pass drops it. A unique index CREATEd CONCURRENTLY over duplicates fails the same way.
    if (backend === 'postgres') {
      await expect(c.db.query('CREATE UNIQUE INDEX CONCURRENTLY events_2026_10_app_id_ccnew ON events_2026_10 (app_id)')).rejects.toThrow();
      expect(await packed(c.db, 'events_2026_10')).toHaveLength(indexes + 1);
    }
    // Then it is; once packed, a partition is not rebuilt again.
    const compacted: Array<string | null> = [];
    for (let pass = 0; pass < 2; pass++) compacted.push((await runMaintenance(counted, AFTER_OCTOBER)).compacted);
    expect(compacted).toEqual(['events_2026_10', null]);
    expect(sessions).toBe(1);

    expect(await packed(c.db, 'events_2026_10')).toEqual(Array(indexes).fill(true));
    expect(await packed(c.db, 'events_2026_11')).not.toContain(true);
    const after = { bytes: await indexBytes(c.db, 'events_2026_10'), rows: await rowsOf(c.db, 'events_2026_10') };
    expect(after.rows).toBe(before.rows);
    expect(after.bytes).toBeLessThan(before.bytes * 0.85);

    // The month still takes a late event, and reads find every event by the rebuilt indexes.
    expect((await post(`${c.url}/v1/batch`, { batch: [trackEvent({ messageId: 'oct-late', timestamp: '2026-10-31T23:00:00Z' })], writeKey: c.writeKey })).body)
      .toMatchObject({ accepted: 1 });
    const read = await get(`${c.url}/v1/events?limit=1&from=2026-10-31T22:00:00Z&to=2026-11-01T00:00:00Z`, bearer(c.secretKey));
    expect(read.body.events.map((e: { messageId: string }) => e.messageId)).toEqual(['oct-late']);
    const [count] = await c.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE app_id = $1 AND "timestamp" >= '2026-10-01' AND "timestamp" < '2026-11-01'`, [c.appId]);
    expect(count?.n).toBe(EVENTS + 1);
  });
});

describe.each(backends().filter((b) => b === 'postgres'))('packing a closed month on %s', (backend) => {
  it('holds up neither ingest nor reads of that month, even while it waits for a writer of it', async () => {
    const c = await startTestCollector(backend, QUIET_MAINTENANCE);
    try {
      await runMaintenance(c.db, DURING_OCTOBER);
      const batch = Array.from({ length: 50 }, (_, i) => trackEvent({ messageId: `busy-${i}`, timestamp: `2026-10-${String(1 + (i % 28)).padStart(2, '0')}T12:00:00Z` }));
      expect((await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey })).body).toMatchObject({ accepted: 50 });

      // A writer of October keeps its transaction open: REINDEX CONCURRENTLY waits for it to end.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let wrote!: () => void;
      const written = new Promise<void>((resolve) => (wrote = resolve));
      const writer = c.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO events (app_id, message_id, type, event, "timestamp", received_at)
          VALUES ($1, 'held-open', 'track', 'x', '2026-10-20T00:00:00Z', now())`, [c.appId]);
        wrote();
        await released;
      });
      await written;
      const pass = runMaintenance(c.db, AFTER_OCTOBER);
      await eventually('the rebuild waiting for the writer', async () => ((await c.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = 'REINDEX TABLE CONCURRENTLY events_2026_10' AND state = 'active'"))[0]?.n === 1 || undefined));

      // Meanwhile a late event for October is stored and the month is read, by its indexes.
      expect((await post(`${c.url}/v1/batch`, { batch: [trackEvent({ messageId: 'late-meanwhile', timestamp: '2026-10-31T23:00:00Z' })], writeKey: c.writeKey })).body)
        .toMatchObject({ accepted: 1 });
      const read = await get(`${c.url}/v1/events?limit=100&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z`, bearer(c.secretKey));
      expect(read.body.events).toHaveLength(51);

      release();
      await writer;
      expect(await pass).toMatchObject({ compacted: 'events_2026_10', compactionFailed: null });
      expect(await packed(c.db, 'events_2026_10')).not.toContain(false);
    } finally {
      await c.close();
    }
  });
});
