import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppsRepository } from '../src/apps/appsRepository';
import { startServer } from '../src/server';
import type { Database } from '../src/storage/database';
import { backends, openTestDatabase } from './support/databases';
import { openSse, type SseClient } from './support/sseClient';
import { get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

// Long resync: these tests prove that commits, NOTIFY and window expiry drive the count by themselves.
const LIVE = { heartbeatMs: 200, minRecountMs: 50, resyncMs: 60_000 };
const WINDOW_MS = 300_000;

let sequence = 0;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** An event of `visitor` in `sessionId`; `at` moves it into the past. */
function activity(visitor: { anonymousId?: string; userId?: string }, sessionId: string, overrides: Record<string, unknown> = {}) {
  return trackEvent({ anonymousId: undefined, ...visitor, context: { sessionId }, ...overrides });
}
const sessionEnded = (visitor: { anonymousId?: string; userId?: string }, sessionId: string) =>
  activity(visitor, sessionId, { event: 'Session Ended', properties: { reason: 'manual', durationSeconds: 3 } });
const ping = (anonymousId: string, sessionId: string, timestamp = new Date().toISOString()) =>
  ({ type: 'ping', messageId: `ping-${process.pid}-${++sequence}`, anonymousId, timestamp, context: { sessionId } });

describe.each(backends())('live active users on %s', (backend) => {
  let c: TestCollector;
  const streams: SseClient[] = [];
  beforeAll(async () => {
    c = await startTestCollector(backend, { deps: { live: LIVE } });
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await c.close();
  });

  const newApp = (input: { origins?: string[] } = {}) => c.createApp({ name: `live-${backend}-${++sequence}`, ...input });
  const send = async (writeKey: string, batch: unknown[]) => {
    const res = await post(`${c.url}/v1/batch`, { batch, writeKey });
    expect(res.body).toMatchObject({ ok: true, rejected: [] });
  };
  const active = async (writeKey: string) => (await get(`${c.url}/v1/active?writeKey=${writeKey}`)).body;
  const stream = async (writeKey: string, headers: Record<string, string> = {}) => {
    const s = await openSse(`${c.url}/v1/active/stream?writeKey=${writeKey}`, headers);
    streams.push(s);
    return s;
  };

  it('counts a new visitor, and the stream reports the value on connect and on the change', async () => {
    const app = await newApp();
    const s = await stream(app.writeKey);
    const first = await s.untilCount(0);
    expect(JSON.parse(first.data)).toMatchObject({ activeUsers: 0, windowSeconds: 300 });

    await send(app.writeKey, [activity({ anonymousId: 'visitor-a' }, 'a-1')]);
    const body = await active(app.writeKey);
    expect(body).toEqual({ activeUsers: 1, windowSeconds: 300, at: expect.any(String) });
    expect(Math.abs(Date.parse(body.at) - Date.now())).toBeLessThan(60_000);
    const change = await s.untilCount(1);
    expect(JSON.parse(change.data)).toEqual({ activeUsers: 1, windowSeconds: 300, at: expect.any(String) });
    expect(change.id).toBeTruthy();
    expect(change.id).not.toBe(first.id);
  });

  it('drops a visitor at once when the session ends', async () => {
    const app = await newApp();
    await send(app.writeKey, [activity({ anonymousId: 'kiosk-1' }, 'k-1'), activity({ anonymousId: 'kiosk-2' }, 'k-2')]);
    const s = await stream(app.writeKey);
    await s.untilCount(2);
    await send(app.writeKey, [sessionEnded({ anonymousId: 'kiosk-1' }, 'k-1')]);
    expect((await active(app.writeKey)).activeUsers).toBe(1);
    await s.untilCount(1);
  });

  it('drops a visitor when the window passes, with no new event', async () => {
    const app = await newApp();
    // Last seen 1.5 s before the window closes on it: it expires by itself, nobody sends anything.
    await send(app.writeKey, [activity({ anonymousId: 'leaving' }, 'l-1', { timestamp: ago(WINDOW_MS - 1500) }),
      activity({ anonymousId: 'staying' }, 's-1')]);
    const s = await stream(app.writeKey);
    await s.untilCount(2);
    await s.untilCount(1, 8000);
    expect((await active(app.writeKey)).activeUsers).toBe(1);
  });

  it("never counts ended, expired or other apps' sessions", async () => {
    const app = await newApp();
    const other = await newApp();
    await send(app.writeKey, [
      activity({ anonymousId: 'expired' }, 'x-1', { timestamp: ago(WINDOW_MS + 60_000) }),
      activity({ anonymousId: 'ended' }, 'e-1'),
      sessionEnded({ anonymousId: 'ended' }, 'e-1'),
      activity({ anonymousId: 'live' }, 'v-1'),
    ]);
    await send(other.writeKey, [activity({ anonymousId: 'elsewhere' }, 'o-1'), activity({ anonymousId: 'elsewhere-2' }, 'o-2')]);
    expect((await active(app.writeKey)).activeUsers).toBe(1);
    expect((await active(other.writeKey)).activeUsers).toBe(2);
    // A ping after the end does not bring an ended session back.
    await send(app.writeKey, [ping('ended', 'e-1')]);
    expect((await active(app.writeKey)).activeUsers).toBe(1);
  });

  it('counts distinct visitors: one visitor with two sessions once, the userId before the anonymousId', async () => {
    const app = await newApp();
    await send(app.writeKey, [
      activity({ anonymousId: 'tabs' }, 'tabs-1'),
      activity({ anonymousId: 'tabs' }, 'tabs-2'),
      activity({ anonymousId: 'phone', userId: 'ada' }, 'ada-phone'),
      activity({ anonymousId: 'laptop', userId: 'ada' }, 'ada-laptop'),
      activity({ userId: 'grace' }, 'grace-1'),
    ]);
    expect((await active(app.writeKey)).activeUsers).toBe(3);
  });

  it('keeps a visitor live with pings', async () => {
    const app = await newApp();
    await send(app.writeKey, [activity({ anonymousId: 'reader' }, 'r-1', { timestamp: ago(WINDOW_MS + 5000) })]);
    const s = await stream(app.writeKey);
    await s.untilCount(0);
    await send(app.writeKey, [ping('reader', 'r-1')]);
    expect((await active(app.writeKey)).activeUsers).toBe(1);
    await s.untilCount(1);
  });

  it('answers 401 as JSON for a bad or missing write key, before any stream starts', async () => {
    for (const path of ['/v1/active?writeKey=wk_nope', '/v1/active', '/v1/active/stream?writeKey=wk_nope', '/v1/active/stream']) {
      const res = await fetch(`${c.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(((await res.json()) as any).error.code, path).toBe('invalid_write_key');
    }
  });

  it('sends SSE headers, a retry hint, event ids, and repeats the count as an `active` event on a quiet stream', async () => {
    const app = await newApp();
    const s = await stream(app.writeKey);
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.headers.get('cache-control')).toMatch(/no-cache/);
    expect(s.headers.get('x-accel-buffering')).toBe('no');
    const first = await s.untilCount(0);
    expect(first.event).toBe('active');
    expect(first.id).toMatch(/^\d+$/);
    expect(s.retry).toBeGreaterThan(0);
    // EventSource never hands comments to the page: only an event tells a client that a quiet stream still holds.
    const seen = s.messages.length;
    await s.untilMessages(seen + 2);
    expect(s.messages.slice(seen).map((m) => [m.event, JSON.parse(m.data).activeUsers])).toEqual([['active', 0], ['active', 0]]);
    expect(s.comments).toEqual([]);
  });

  it('answers any origin, and only the listed ones when the app lists some', async () => {
    const open = await newApp();
    const res = await fetch(`${c.url}/v1/active?writeKey=${open.writeKey}`, { headers: { Origin: 'https://shop.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const s = await stream(open.writeKey, { Origin: 'https://shop.example' });
    expect(s.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const preflight = await fetch(`${c.url}/v1/active/stream?writeKey=${open.writeKey}`, {
      method: 'OPTIONS', headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('GET');

    const listed = await newApp({ origins: ['https://kiosk.example'] });
    const allowed = await fetch(`${c.url}/v1/active/stream?writeKey=${listed.writeKey}`, { headers: { Origin: 'https://kiosk.example' } });
    expect(allowed.status).toBe(200);
    await allowed.body?.cancel();
    for (const path of ['/v1/active', '/v1/active/stream']) {
      const refused = await fetch(`${c.url}${path}?writeKey=${listed.writeKey}`, { headers: { Origin: 'https://evil.example' } });
      expect([refused.status, ((await refused.json()) as any).error.code]).toEqual([403, 'origin_not_allowed']);
    }
  });

  it('releases a stream when its client goes away', async () => {
    const app = await newApp();
    const s = await stream(app.writeKey);
    await s.untilCount(0);
    s.close();
    // The app is no longer watched: a new stream starts from a fresh count and still sees changes.
    const again = await stream(app.writeKey);
    await again.untilCount(0);
    await send(app.writeKey, [activity({ anonymousId: 'back' }, 'b-1')]);
    await again.untilCount(1);
  });
});

describe.each(backends())('live fan-out on %s', (backend) => {
  let c: TestCollector;
  let dispose: () => Promise<void>;
  let recounts = 0;
  beforeAll(async () => {
    const opened = await openTestDatabase(backend);
    dispose = opened.dispose;
    // Counts the live count queries, whoever sends them.
    const counting: Database = {
      ...opened.db,
      query: (sql, params) => {
        if (sql.includes('Active users of app')) recounts++;
        return opened.db.query(sql, params);
      },
    };
    c = await startTestCollector(backend, { db: counting, deps: { live: LIVE } });
  });
  afterAll(async () => {
    await c.close();
    await dispose();
  });

  it("recounts once per change for all of an app's streams, and sends them the same event", async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => openSse(`${c.url}/v1/active/stream?writeKey=${c.writeKey}`)));
    await Promise.all(clients.map((s) => s.untilCount(0)));
    recounts = 0;
    await post(`${c.url}/v1/batch`, { batch: [activity({ anonymousId: 'crowd' }, 'crowd-1')], writeKey: c.writeKey });
    const events = await Promise.all(clients.map((s) => s.untilCount(1)));
    expect(new Set(events.map((e) => e.id)).size).toBe(1);
    expect(recounts).toBeLessThanOrEqual(2);
    for (const s of clients) s.close();
  });
});

describe('live shutdown', () => {
  it('ends the SSE streams so a graceful stop does not wait for them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'headcount-live-'));
    const running = await startServer(
      { databaseUrl: undefined, dataDir, port: 0, host: '127.0.0.1', sentryDsn: undefined, logLevel: 'silent', trustProxy: false, rateLimitPerSecond: 0 },
      { live: { heartbeatMs: 60_000 } },
    );
    try {
      const { app } = await createAppsRepository(running.db).create({ name: 'shutdown' });
      const s = await openSse(`${running.url}/v1/active/stream?writeKey=${app.writeKey}`);
      await s.untilCount(0);
      const outcome = await Promise.race([
        Promise.all([running.close(), s.ended]).then(() => 'stopped'),
        new Promise((resolve) => setTimeout(resolve, 5000, 'hung')),
      ]);
      expect(outcome).toBe('stopped');
    } finally {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
