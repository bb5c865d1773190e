import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { indexesNaming } from './support/indexedColumns';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

// Every write to a session changes these: none may be in an index of sessions (see indexesNaming).
const CHANGED_BY_EVERY_WRITE = ['last_seen_at', 'event_count', 'last_page_path', 'last_page_at', 'ended_at', 'end_reason'];

describe.each(backends())('session updates on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  it('touch no indexed column, so PostgreSQL can update a session in place', async () => {
    const { indexes, naming } = await indexesNaming(c.db, 'sessions', CHANGED_BY_EVERY_WRITE);
    expect(indexes.length).toBeGreaterThan(0);
    expect(naming).toEqual([]);
  });

  it('count the people seen within the window through the hour of their last activity, at any minute of the hour', async () => {
    const now = Date.now();
    const visit = (anonymousId: string, secondsAgo: number, ended = false) => [
      { type: 'page', messageId: `${anonymousId}-page`, anonymousId, timestamp: new Date(now - secondsAgo * 1000).toISOString(),
        context: { sessionId: `s-${anonymousId}`, page: { path: '/' } } },
      ...(ended ? [{ type: 'track', event: 'Session Ended', messageId: `${anonymousId}-end`, anonymousId, properties: { reason: 'idle' },
        timestamp: new Date(now - secondsAgo * 1000 + 1).toISOString(), context: { sessionId: `s-${anonymousId}` } }] : []),
    ];
    // Seen 1 and 4 minutes ago (live), 6 minutes ago (outside the 5-minute window), 2 hours ago, and one who left.
    const batch = [...visit('now', 60), ...visit('recent', 240), ...visit('gone', 360), ...visit('old', 7200), ...visit('left', 30, true)];
    expect((await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey })).body).toMatchObject({ accepted: batch.length });
    expect((await get(`${c.url}/v1/active?writeKey=${c.writeKey}`)).body.activeUsers).toBe(2);
    const [hours] = await c.db.query<{ distinct: number }>('SELECT count(DISTINCT seen_hour)::int AS distinct FROM sessions WHERE app_id = $1', [c.appId]);
    expect(hours?.distinct).toBeGreaterThanOrEqual(2);
    expect((await get(`${c.url}/v1/sessions`, bearer(c.secretKey))).body.sessions).toHaveLength(5);
  });
});
