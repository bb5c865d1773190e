import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

describe.each(backends())('GET /v1/events order and lookups on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  it('pages through events of one timestamp whose ids cross a digit boundary without skipping any', async () => {
    // A fresh database: these twelve rows get ids 1 to 12, so 9 -> 10 falls inside one timestamp.
    const ids = Array.from({ length: 12 }, (_, i) => `same-${String(i).padStart(2, '0')}`);
    const timestamp = '2026-04-01T10:00:00.000Z';
    expect((await post(`${c.url}/v1/batch`, { batch: ids.map((messageId) => trackEvent({ messageId, timestamp })), writeKey: c.writeKey })).body.accepted).toBe(12);
    const [row] = await c.db.query<{ max: string }>('SELECT max(id)::text AS max FROM events');
    expect(Number(row?.max)).toBeGreaterThanOrEqual(10);
    const seen: string[] = [];
    let after = '';
    for (let page = 0; page < 20; page++) {
      const { body } = await get(`${c.url}/v1/events?limit=1${after}`, bearer(c.secretKey));
      seen.push(...body.events.map((e: { messageId: string }) => e.messageId));
      if (!body.next) break;
      after = `&after=${body.next}`;
    }
    expect(seen).toEqual(ids);
  });

  it('finds an event name, or none, through the (app_id, event, timestamp) index', async () => {
    expect((await get(`${c.url}/v1/events?event=Never%20sent`, bearer(c.secretKey))).body.events).toEqual([]);
    const [index] = await c.db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE tablename = 'events' AND indexname = 'events_app_event'");
    expect(index?.indexdef).toMatch(/\(app_id, event, "timestamp"\)/);
    const plan = await c.db.transaction(async (tx) => {
      // The test table is tiny and has no statistics: without these the planner would rightly read all of it.
      await tx.exec('SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off');
      const rows = await tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM events WHERE app_id = $1 AND event = $2 AND "timestamp" >= $3 ORDER BY "timestamp" LIMIT 101`,
        [c.appId, 'Never sent', '2026-01-01T00:00:00Z']);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    // Each month partition has its copy of the index, named after its columns.
    expect(plan).toMatch(/events_app_event|app_id_event_timestamp_idx/);
  });
});
