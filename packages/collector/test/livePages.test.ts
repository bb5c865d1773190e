// Per-page live counts (`?path=`, `/v1/active/pages`), the badge, and `GET /v1/active` served from the shared count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/storage/database';
import { backends, openTestDatabase } from './support/databases';
import { openSse, type SseClient } from './support/sseClient';
import { get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

const LIVE = { heartbeatMs: 60_000, minRecountMs: 20, resyncMs: 60_000 };
let sequence = 0;

/** A page view of `anonymousId` in `sessionId` on `path`, `agoMs` in the past. */
function pageView(anonymousId: string, sessionId: string, path: string, agoMs = 0) {
  const timestamp = new Date(Date.now() - agoMs).toISOString();
  return {
    type: 'page', messageId: `page-${process.pid}-${++sequence}`, anonymousId, timestamp,
    context: { sessionId, page: { path, url: `https://site.example${path}` } },
  };
}
const ended = (anonymousId: string, sessionId: string) => trackEvent({
  anonymousId, context: { sessionId }, event: 'Session Ended', properties: { reason: 'idle', durationSeconds: 3 },
});

describe.each(backends())('live counts per page on %s', (backend) => {
  let c: TestCollector;
  let dispose: () => Promise<void>;
  let recounts = 0;
  const streams: SseClient[] = [];
  beforeAll(async () => {
    const opened = await openTestDatabase(backend);
    dispose = opened.dispose;
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
    for (const s of streams) s.close();
    await c.close();
    await dispose();
  });

  const newApp = () => c.createApp({ name: `pages-${backend}-${++sequence}` });
  const send = async (writeKey: string, batch: unknown[]) => {
    const res = await post(`${c.url}/v1/batch`, { batch, writeKey });
    expect(res.body).toMatchObject({ ok: true, rejected: [] });
  };
  const activeOn = async (writeKey: string, path?: string) => {
    const query = path === undefined ? '' : `&path=${encodeURIComponent(path)}`;
    const res = await get(`${c.url}/v1/active?writeKey=${writeKey}${query}`);
    expect(res.status).toBe(200);
    return res.body.activeUsers as number;
  };
  /** On PostgreSQL the shared count is trusted once LISTEN is up (other processes' changes come by NOTIFY). */
  const untilServedFromMemory = (writeKey: string) => expect.poll(async () => {
    const before = recounts;
    await activeOn(writeKey);
    return recounts - before;
  }, { timeout: 10_000 }).toBe(0);

  it("counts each visitor on the path of their latest page, across sessions and tabs", async () => {
    const app = await newApp();
    await send(app.writeKey, [
      pageView('reader', 'r-1', '/pricing', 20_000),
      pageView('reader', 'r-1', '/docs', 10_000),
      // A late event from earlier never moves the visitor back.
      pageView('reader', 'r-1', '/pricing', 15_000),
      pageView('buyer', 'b-1', '/pricing'),
      // Two tabs: the visitor is where they went last.
      pageView('tabs', 't-1', '/docs', 5000),
      pageView('tabs', 't-2', '/blog'),
      pageView('gone', 'g-1', '/pricing'),
      ended('gone', 'g-1'),
    ]);
    expect(await activeOn(app.writeKey)).toBe(3);
    expect(await activeOn(app.writeKey, '/pricing')).toBe(1);
    expect(await activeOn(app.writeKey, '/docs')).toBe(1);
    expect(await activeOn(app.writeKey, '/blog')).toBe(1);
    expect(await activeOn(app.writeKey, '/nowhere')).toBe(0);
    const pages = await get(`${c.url}/v1/active/pages?writeKey=${app.writeKey}`);
    expect(pages.body).toEqual({
      pages: [{ path: '/blog', activeUsers: 1 }, { path: '/docs', activeUsers: 1 }, { path: '/pricing', activeUsers: 1 }],
      at: expect.any(String),
    });
  });

  it('streams the count of one path: a visitor moving away leaves it', async () => {
    const app = await newApp();
    await send(app.writeKey, [pageView('walker', 'w-1', '/a'), pageView('sitter', 's-1', '/b')]);
    const onA = await openSse(`${c.url}/v1/active/stream?writeKey=${app.writeKey}&path=%2Fa`);
    const all = await openSse(`${c.url}/v1/active/stream?writeKey=${app.writeKey}`);
    streams.push(onA, all);
    await onA.untilCount(1);
    await all.untilCount(2);
    await send(app.writeKey, [pageView('walker', 'w-1', '/b')]);
    await onA.untilCount(0);
    expect((await activeOn(app.writeKey, '/b'))).toBe(2);
    // The whole app's count did not change: its stream got nothing new.
    expect(all.messages.filter((m) => m.event === 'active').map((m) => JSON.parse(m.data).activeUsers)).toEqual([2]);
  });

  it('refuses a path that is not one', async () => {
    const app = await newApp();
    for (const path of ['pricing', encodeURIComponent('/x'.repeat(2000))]) {
      const res = await get(`${c.url}/v1/active?writeKey=${app.writeKey}&path=${path}`);
      expect([res.status, res.body.error.code]).toEqual([400, 'invalid_query']);
    }
    const twice = await get(`${c.url}/v1/active/stream?writeKey=${app.writeKey}&path=/a&path=/b`);
    expect([twice.status, twice.body.error.code]).toEqual([400, 'invalid_query']);
  });

  it('renders the badge, cacheable for 5 s', async () => {
    const app = await newApp();
    await send(app.writeKey, [pageView('one', 'o-1', '/'), pageView('two', 'o-2', '/docs'), pageView('three', 'o-3', '/docs')]);
    const res = await fetch(`${c.url}/v1/active/badge.svg?writeKey=${app.writeKey}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=5');
    const svg = await res.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('>3 online</text>');
    const onDocs = await (await fetch(`${c.url}/v1/active/badge.svg?writeKey=${app.writeKey}&path=/docs`)).text();
    expect(onDocs).toContain('>2 online</text>');
    const refused = await get(`${c.url}/v1/active/badge.svg?writeKey=wk_nope`);
    expect([refused.status, refused.body.error.code]).toEqual([401, 'invalid_write_key']);
  });

  it('recounts for a visitor arriving, not for the visitors already counted staying on their page', async () => {
    const app = await newApp();
    await send(app.writeKey, [pageView('here', 'h-1', '/docs'), pageView('also-here', 'a-1', '/blog')]);
    const s = await openSse(`${c.url}/v1/active/stream?writeKey=${app.writeKey}`);
    streams.push(s);
    await s.untilCount(2);
    await untilServedFromMemory(app.writeKey);
    recounts = 0;
    for (let i = 0; i < 10; i++) {
      await send(app.writeKey, [pageView('here', 'h-1', '/docs'), { ...pageView('also-here', 'a-1', '/blog'), type: 'ping' }]);
    }
    // Longer than the pacing: a recount the load asked for would have started by now.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await send(app.writeKey, [pageView('new', 'n-1', '/docs')]);
    await s.untilCount(3);
    expect(recounts).toBe(1);
    // Moving to another page changes that page's count: recounted.
    await send(app.writeKey, [pageView('here', 'h-1', '/blog')]);
    expect(await activeOn(app.writeKey, '/blog')).toBe(2);
    expect(recounts).toBe(2);
  });

  it('answers GET /v1/active from memory until something changes, with one recount for concurrent readers', async () => {
    const app = await newApp();
    await send(app.writeKey, [pageView('first', 'f-1', '/')]);
    await untilServedFromMemory(app.writeKey);
    recounts = 0;
    for (let i = 0; i < 20; i++) expect(await activeOn(app.writeKey)).toBe(1);
    expect(await activeOn(app.writeKey, '/')).toBe(1);
    expect(recounts).toBe(0);

    await send(app.writeKey, [pageView('second', 's-1', '/')]);
    const answers = await Promise.all(Array.from({ length: 20 }, () => activeOn(app.writeKey)));
    expect(answers).toEqual(Array(20).fill(2));
    expect(recounts).toBe(1);
  });
});
