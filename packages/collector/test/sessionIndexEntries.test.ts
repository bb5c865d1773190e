import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../src/storage/database';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

const VISITS = 20;
const EVENTS_PER_VISIT = 200;

/** Bytes of every partition's copy of a partitioned index of events. */
const indexBytes = async (db: Queryable, index: string) =>
  Number((await db.query<{ bytes: string }>(
    `SELECT sum(pg_relation_size(relid))::bigint AS bytes FROM pg_partition_tree($1::regclass) WHERE isleaf`, [index]))[0]?.bytes);

// Migration 0018: events_app_session is keyed by (app_id, session_id) alone, so the entries of one visit share their
// key and B-tree deduplication stores it once, with a list of row addresses: a few bytes per event, against an entry of
// its own per event in an index that holds each event's time (events_app_time holds (app_id, "timestamp", id)).
describe.each(backends())('the index of a visit\'s events on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  it('stores one key per visit, not one entry per event, and still finds each visit\'s events in time order', async () => {
    const before = { session: await indexBytes(c.db, 'events_app_session'), time: await indexBytes(c.db, 'events_app_time') };
    const start = Date.now() - 3_600_000;
    // Each event with its own time, the visits' events interleaved as concurrent visitors send them.
    const events = Array.from({ length: VISITS * EVENTS_PER_VISIT }, (_, i) => trackEvent({
      messageId: `visit-entry-${i}`,
      anonymousId: `visitor-${i % VISITS}`,
      timestamp: new Date(start + i * 250).toISOString(),
      context: { sessionId: `visit-${i % VISITS}` },
    }));
    for (let from = 0; from < events.length; from += 500) {
      const batch = events.slice(from, from + 500);
      expect((await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey })).body).toMatchObject({ accepted: batch.length, rejected: [] });
    }
    const grown = {
      session: (await indexBytes(c.db, 'events_app_session')) - before.session,
      time: (await indexBytes(c.db, 'events_app_time')) - before.time,
    };
    // An entry per event would make it as large as events_app_time (both ~40-60 bytes per event); shared keys, a fraction.
    expect(grown.time / events.length).toBeGreaterThan(25);
    expect(grown.session).toBeLessThan(grown.time / 3);

    // A visit's events, read through the index, in time order.
    const read = await get(`${c.url}/v1/events?sessionId=visit-7&limit=1000`, bearer(c.secretKey));
    const ids = read.body.events.map((e: { messageId: string }) => e.messageId);
    expect(ids).toEqual(Array.from({ length: EVENTS_PER_VISIT }, (_, k) => `visit-entry-${k * VISITS + 7}`));
  });
});
