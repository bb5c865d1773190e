import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/storage/database';
import { createEventsRepository } from '../src/storage/eventsRepository';
import { MIGRATIONS, migrate } from '../src/storage/migrate';
import { createVisitEventsRepository } from '../src/storage/visitEventsRepository';
import { backends, openTestDatabase } from './support/databases';
import { bearer, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

// Keys in an order jsonb would not keep (it sorts them by length, then bytes): z, aa, b.
const PROPERTIES = { zeta: 1, aa: { y: [1, 'two'], b: null }, b: 'text with "quotes"' };
const TRAITS = { name: 'Ada', email: 'ada@example.com', age: 36 };

// Migration 0019: properties and traits are stored as the JSON text the collector wrote (json), not as jsonb.
describe.each(backends())('properties and traits as sent on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  it('are stored as the JSON text of what was sent and read back with their keys in the order sent', async () => {
    const sent = [
      trackEvent({ messageId: 'as-sent-track', anonymousId: 'as-sent', properties: PROPERTIES }),
      { type: 'identify', messageId: 'as-sent-identify', anonymousId: 'as-sent', userId: 'ada', traits: TRAITS, timestamp: new Date().toISOString() },
    ];
    expect((await post(`${c.url}/v1/batch`, { batch: sent, writeKey: c.writeKey })).body).toMatchObject({ accepted: 2, rejected: [] });

    const stored = await c.db.query<{ properties: string | null; traits: string | null }>(
      "SELECT properties::text AS properties, traits::text AS traits FROM events WHERE app_id = $1 AND anonymous_id = 'as-sent' ORDER BY message_id",
      [c.appId]);
    expect(stored).toEqual([
      { properties: null, traits: JSON.stringify(TRAITS) },
      { properties: JSON.stringify(PROPERTIES), traits: null },
    ]);

    const read = (await get(`${c.url}/v1/events?limit=100`, bearer(c.secretKey))).body.events;
    const exported = (await (await fetch(`${c.url}/v1/export`, { headers: bearer(c.secretKey) })).text())
      .split('\n').filter(Boolean).map((line) => JSON.parse(line));
    for (const list of [read, exported]) {
      const track = list.find((e: { messageId: string }) => e.messageId === 'as-sent-track');
      const identify = list.find((e: { messageId: string }) => e.messageId === 'as-sent-identify');
      expect(JSON.stringify(track.properties)).toBe(JSON.stringify(PROPERTIES));
      expect(JSON.stringify(identify.traits)).toBe(JSON.stringify(TRAITS));
    }
  });
});

describe.each(backends())('events stored before migration 0019 on %s', (backend) => {
  let db: Database;
  let dispose = async () => {};
  beforeAll(async () => {
    ({ db, dispose } = await openTestDatabase(backend, { upTo: 18 }));
  });
  afterAll(() => dispose());

  it('keep their jsonb properties and traits, which every reader still returns', async () => {
    await db.query("INSERT INTO apps (id, name, write_key, secret_prefix, secret_hash) VALUES ('app1', 'one', 'wk1', 'sp1', 'sh1')");
    await db.query(
      `INSERT INTO events (app_id, message_id, type, event, name, anonymous_id, user_id, session_id, "timestamp", received_at,
         properties, traits, page_path, page_title, page_properties) VALUES
       ('app1', 'old-track', 'track', 'Tapped', NULL, 'anon', NULL, 's1', '2026-05-01T10:00:00Z', now(), '{"n": 1, "tags": ["a"]}', NULL, NULL, NULL, NULL),
       ('app1', 'old-end', 'track', 'Session Ended', NULL, 'anon', NULL, 's1', '2026-05-01T10:01:00Z', now(), '{"reason": "idle"}', NULL, NULL, NULL, NULL),
       ('app1', 'old-identify', 'identify', NULL, NULL, 'anon', 'ada', 's1', '2026-05-01T10:02:00Z', now(), NULL, '{"name": "Ada"}', NULL, NULL, NULL),
       ('app1', 'old-page', 'page', NULL, 'Guide', 'anon', NULL, 's1', '2026-05-01T10:03:00Z', now(), '{"category": "docs"}', NULL, '/guide', 'Guide', 18)`);
    expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 18).map((m) => m.version));

    const { items } = await createEventsRepository(db).list({ appId: 'app1', limit: 10 });
    expect(items.map((e) => [e.messageId, e.properties, e.traits])).toEqual([
      ['old-track', { n: 1, tags: ['a'] }, {}],
      ['old-end', { reason: 'idle' }, {}],
      ['old-identify', {}, { name: 'Ada' }],
      // A page view's properties with the page fields they repeated (bits 2 and 16: path and title) put back.
      ['old-page', { category: 'docs', path: '/guide', title: 'Guide' }, {}],
    ]);
    // What sessions are summarized from: a Session Ended's reason.
    const visit = await createVisitEventsRepository(db).ofSessions('app1', ['s1']);
    expect(visit.find((e) => e.messageId === 'old-end')?.properties).toEqual({ reason: 'idle' });
  });
});
