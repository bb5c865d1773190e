import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../src/maintenance/runMaintenance';
import type { Database } from '../src/storage/database';
import { fullContextSql } from '../src/storage/eventsRepository';
import { PAGE_PATH_SQL } from '../src/storage/statsFilters';
import { migrate, MIGRATIONS } from '../src/storage/migrate';
import { backends, openTestDatabase } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

// The part of a context shared by a visit's events is stored once per app (event_contexts); each event keeps its page.
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';
const shared = (sessionId: string) => ({
  userAgent: UA, locale: 'fr-FR', timezone: 'Europe/Paris', screen: { width: 1440, height: 900 },
  library: { name: '@headcount/browser', version: '0.1.0' }, sessionId,
  campaign: { source: 'newsletter', medium: 'email', name: 'spring\tsale \\ "quoted"' }, clickIds: { gclid: 'Cj0KCQ' },
});
const pageOf = (path: string) => ({ url: `https://shop.example${path}?utm_source=newsletter`, path, search: '?utm_source=newsletter', referrer: '', title: `Title ${path}` });

const contextsOf = async (db: Database, appId: string) =>
  Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM event_contexts WHERE app_id = $1', [appId]))[0]?.n);
// An event's own context as stored: the context column, and the page columns (a page of plain string fields).
const ownContexts = async (db: Database, appId: string) =>
  (await db.query<{ message_id: string; context: unknown; page: unknown }>(
    `SELECT message_id, context, CASE WHEN num_nonnulls(page_url, page_path, page_search, page_referrer, page_title, page_origin) > 0 THEN
       json_build_object('url', page_url, 'path', page_path, 'search', page_search, 'referrer', page_referrer, 'title', page_title,
         'origin', page_origin) END AS page
     FROM events WHERE app_id = $1 ORDER BY message_id`, [appId]));

describe.each(backends())('shared contexts on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  const send = async (batch: unknown[]) => (await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey })).body;
  const events = async () => (await get(`${c.url}/v1/events?limit=1000`, bearer(c.secretKey))).body.events;

  it('stores a visit\'s shared context once, each event\'s page with it, and returns every full context as sent', async () => {
    const app = await c.createApp({ name: 'contexts' });
    const at = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
    const sent = [
      { type: 'page', messageId: 'v1-a', anonymousId: 'ana', timestamp: at(0), context: { ...shared('s-ana'), page: pageOf('/') } },
      { type: 'page', messageId: 'v1-b', anonymousId: 'ana', timestamp: at(1), context: { ...shared('s-ana'), page: pageOf('/shoes') } },
      { type: 'track', event: 'Tapped', messageId: 'v1-c', anonymousId: 'ana', timestamp: at(2), context: { ...shared('s-ana'), page: pageOf('/shoes') } },
      // No page: all of it is shared; only a page: nothing is.
      { type: 'track', event: 'Tapped', messageId: 'v1-d', anonymousId: 'ana', timestamp: at(3), context: shared('s-ana') },
      { type: 'track', event: 'Tapped', messageId: 'v1-e', anonymousId: 'ben', timestamp: at(4), context: { page: pageOf('/cart') } },
      { type: 'track', event: 'Tapped', messageId: 'v1-f', anonymousId: 'ben', timestamp: at(5) },
      // Pages the page columns cannot hold exactly stay in the context column: another field, a value not a string.
      { type: 'page', messageId: 'v1-g', anonymousId: 'ben', timestamp: at(6), context: { page: { ...pageOf('/faq'), hash: '#returns' } } },
      { type: 'page', messageId: 'v1-h', anonymousId: 'ben', timestamp: at(7), context: { page: { path: '/n', search: null } } },
      { type: 'page', messageId: 'v1-i', anonymousId: 'ben', timestamp: at(8), context: { page: {} } },
      // Some fields only, one of them empty.
      { type: 'page', messageId: 'v1-j', anonymousId: 'ben', timestamp: at(9), context: { page: { path: '/only', title: '' } } },
      // A url that is not its origin followed by path and search is stored whole: a fragment, a url that is only the path.
      { type: 'page', messageId: 'v1-k', anonymousId: 'ben', timestamp: at(10), context: { page: { url: 'https://shop.example/a?x=1#top', path: '/a', search: '?x=1' } } },
      { type: 'page', messageId: 'v1-l', anonymousId: 'ben', timestamp: at(11), context: { page: { url: '/relative', path: '/relative' } } },
      { type: 'page', messageId: 'v1-m', anonymousId: 'ben', timestamp: at(12), context: { page: { url: 'https://shop.example/b', path: '/b', search: '' } } },
      { type: 'page', messageId: 'v1-n', anonymousId: 'ben', timestamp: at(13), context: { page: { url: 'https://shop.example/c?q=1', path: '/c' } } },
    ];
    const answer = await post(`${c.url}/v1/batch`, { batch: sent, writeKey: app.writeKey });
    expect(answer.body).toMatchObject({ accepted: sent.length, rejected: [] });
    // The collector adds the client's truncated address to every context: one entry for ana's visit, one for ben's address.
    expect(await contextsOf(c.db, app.appId)).toBe(2);
    const own = await ownContexts(c.db, app.appId);
    const columns = (page: Record<string, string>) => ({ url: null, path: null, search: null, referrer: null, title: null, origin: null, ...page });
    // A url made of its origin, path and search keeps only its origin (migration 0017).
    const originOnly = (page: Record<string, string>) => columns({ ...page, url: null as unknown as string, origin: 'https://shop.example' });
    expect(own.map((r) => [r.context, r.page])).toEqual([
      [null, originOnly(pageOf('/'))], [null, originOnly(pageOf('/shoes'))], [null, originOnly(pageOf('/shoes'))], [null, null],
      [null, originOnly(pageOf('/cart'))], [null, null],
      [{ page: { ...pageOf('/faq'), hash: '#returns' } }, null], [{ page: { path: '/n', search: null } }, null],
      [{ page: {} }, null], [null, columns({ path: '/only', title: '' })],
      [null, columns({ url: 'https://shop.example/a?x=1#top', path: '/a', search: '?x=1' })],
      [null, columns({ url: '/relative', path: '/relative' })],
      [null, originOnly({ path: '/b', search: '' })],
      [null, columns({ url: 'https://shop.example/c?q=1', path: '/c' })],
    ]);
    const read = (await get(`${c.url}/v1/events?limit=100`, bearer(app.secretKey))).body.events;
    const exported = (await (await fetch(`${c.url}/v1/export`, { headers: bearer(app.secretKey) })).text())
      .split('\n').filter(Boolean).map((line) => JSON.parse(line));
    for (const list of [read, exported]) {
      expect(Object.fromEntries(list.map((e: any) => [e.messageId, e.context])))
        .toEqual(Object.fromEntries(sent.map((e) => [e.messageId, { ...e.context, ip: '127.0.0.0' }])));
    }
    // The session read its landing facts from the shared part (campaign, click ids, device).
    const [session] = (await get(`${c.url}/v1/sessions`, bearer(app.secretKey))).body.sessions.filter((s: any) => s.id === 's-ana');
    expect(session).toMatchObject({ campaign: { source: 'newsletter' }, clickIds: { gclid: 'Cj0KCQ' }, device: { browser: 'Safari' }, eventCount: 4 });

    // Events stored before the page columns (migration 0015) keep their page in the context column: read the same.
    const pagePaths = () => c.db.query(`SELECT message_id, ${PAGE_PATH_SQL('e')} AS path FROM events e WHERE app_id = $1 ORDER BY message_id`, [app.appId]);
    const paths = await pagePaths();
    expect(paths.map((r: any) => r.path)).toEqual(['/', '/shoes', '/shoes', null, '/cart', null, '/faq', '/n', null, '/only', '/a', '/relative', '/b', '/c']);
    await c.db.query(
      `UPDATE events SET context = jsonb_build_object('page', jsonb_strip_nulls(jsonb_build_object(
         'url', coalesce(page_url, page_origin || page_path || coalesce(page_search, '')), 'path', page_path,
         'search', page_search, 'referrer', page_referrer, 'title', page_title))), page_url = NULL, page_path = NULL, page_search = NULL,
         page_referrer = NULL, page_title = NULL, page_origin = NULL
       WHERE app_id = $1 AND num_nonnulls(page_url, page_path, page_search, page_referrer, page_title) > 0`, [app.appId]);
    expect((await ownContexts(c.db, app.appId)).every((r) => r.page === null)).toBe(true);
    expect((await get(`${c.url}/v1/events?limit=100`, bearer(app.secretKey))).body.events).toEqual(read);
    expect(await pagePaths()).toEqual(paths);
  });

  it('erasing a person removes the shared contexts only they named, and keeps those others name too', async () => {
    const server = { library: { name: 'analytics-node', version: '3.1.0' } };
    expect(await send([
      { type: 'track', event: 'Paid', messageId: 'er-ada-1', userId: 'ada', context: server },
      { type: 'track', event: 'Paid', messageId: 'er-bob-1', userId: 'bob', context: server },
      { type: 'track', event: 'Paid', messageId: 'er-ada-2', userId: 'ada', context: { ...server, traits: { email: 'ada@example.com' } } },
    ])).toMatchObject({ accepted: 3 });
    const before = await contextsOf(c.db, c.appId);
    const res = await fetch(`${c.url}/v1/users/ada`, { method: 'DELETE', headers: bearer(c.secretKey) });
    expect(res.status).toBe(200);
    expect(await contextsOf(c.db, c.appId)).toBe(before - 1);
    const rows = await c.db.query<{ context: string }>('SELECT context::text AS context FROM event_contexts WHERE app_id = $1', [c.appId]);
    expect(rows.some((r) => r.context.includes('ada@example.com'))).toBe(false);
    expect((await events()).find((e: any) => e.messageId === 'er-bob-1').context).toEqual({ ...server, ip: '127.0.0.0' });
  });

  it('retention removes the shared contexts of the events it removes, and keeps those newer events name', async () => {
    const app = await c.createApp({ name: 'kept-contexts' });
    await c.db.query('UPDATE apps SET retention_days = 30 WHERE id = $1', [app.appId]);
    const event = (messageId: string, timestamp: string, context: object) => ({ type: 'track', event: 'Tapped', messageId, anonymousId: 'old', timestamp, context });
    expect((await post(`${c.url}/v1/batch`, { writeKey: app.writeKey, batch: [
      event('old-only', '2026-08-01T10:00:00Z', { userAgent: 'old only' }),
      event('old-shared', '2026-08-01T10:00:00Z', { userAgent: 'still used' }),
      event('new-shared', '2026-09-20T10:00:00Z', { userAgent: 'still used' }),
    ] })).body).toMatchObject({ accepted: 3 });
    expect(await contextsOf(c.db, app.appId)).toBe(2);
    expect(await runMaintenance(c.db, new Date('2026-09-30T12:00:00Z'))).toMatchObject({ events: 2 });
    expect(await contextsOf(c.db, app.appId)).toBe(1);
    const [kept] = (await get(`${c.url}/v1/events`, bearer(app.secretKey))).body.events;
    expect(kept).toMatchObject({ messageId: 'new-shared', context: { userAgent: 'still used' } });
  });
});

describe.each(backends())('migrating stored events and sessions (0011, 0012) on %s', (backend) => {
  let db: Database;
  let dispose = async () => {};
  beforeAll(async () => {
    ({ db, dispose } = await openTestDatabase(backend, { upTo: 10 }));
  });
  afterAll(() => dispose());

  it('moves each shared part into the dictionary once and every event still reads its full context', async () => {
    await db.query("INSERT INTO apps (id, name, write_key, secret_prefix, secret_hash) VALUES ('app1', 'one', 'wk1', 'sp1', 'sh1')");
    await db.query(
      `INSERT INTO events (app_id, message_id, type, event, anonymous_id, "timestamp", received_at, context)
       SELECT 'app1', 'old-' || g, 'track', 'Tapped', 'anon-' || (g % 3), now(), now(), CASE
         WHEN g % 5 = 0 THEN NULL
         WHEN g % 5 = 1 THEN jsonb_build_object('page', jsonb_build_object('path', '/p' || g))
         WHEN g % 5 = 2 THEN jsonb_build_object('userAgent', 'ua ' || (g % 3), 'sessionId', 's-' || (g % 3))
         ELSE jsonb_build_object('userAgent', 'ua ' || (g % 3), 'sessionId', 's-' || (g % 3), 'locale', E'tab\\there',
           'page', jsonb_build_object('path', '/p' || g, 'title', E'line\\nbreak'))
       END
       FROM generate_series(1, 40) AS g`);
    const before = await db.query<{ message_id: string; context: string | null }>('SELECT message_id, context::text AS context FROM events ORDER BY id');
    await db.query(`INSERT INTO sessions (app_id, id, visitor_id, started_at, last_seen_at) VALUES
      ('app1', 's-1', 'anon-1', '2026-05-01T10:00:00Z', '2026-05-01T10:59:59Z'), ('app1', 's-2', 'anon-2', '2026-05-01T10:00:00Z', '-infinity')`);
    expect(await migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 10).map((m) => m.version));
    // 0012 on stored sessions: the hour of the last activity, the earliest for a session never seen by itself.
    expect(await db.query('SELECT id, seen_hour FROM sessions ORDER BY id')).toEqual([
      { id: 's-1', seen_hour: Math.floor(Date.parse('2026-05-01T10:59:59Z') / 3_600_000) }, { id: 's-2', seen_hour: -2147483648 }]);
    const after = await db.query<{ message_id: string; context: string | null }>(
      `SELECT message_id, (${fullContextSql('events')})::text AS context FROM events ORDER BY id`);
    expect(after).toEqual(before);
    // Three sessions' shared parts, with and without a locale: six entries for 24 events.
    expect(await contextsOf(db, 'app1')).toBe(6);
    const own = await db.query<{ context: unknown }>("SELECT context FROM events WHERE message_id = 'old-3'");
    expect(own[0]?.context).toEqual({ page: { path: '/p3', title: 'line\nbreak' } });
  });
});
