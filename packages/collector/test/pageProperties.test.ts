import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

// Segment's and RudderStack's page calls send the page twice, in the properties and in context.page: a page view's
// properties are stored less the fields that repeat its page, and read back whole (migration 0017).
const page = { url: 'https://docs.example/guide?lang=fr', path: '/guide', search: '?lang=fr', referrer: 'https://www.google.com/', title: 'Guide' };
const proto = JSON.parse('{"__proto__": "kept", "path": "/guide"}') as Record<string, unknown>;

describe.each(backends())('page views\' properties on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  it('stores only what does not repeat the page, and returns the properties exactly as sent', async () => {
    const app = await c.createApp({ name: 'page-properties' });
    const at = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
    const view = (messageId: string, s: number, properties: Record<string, unknown>, pageContext: object | null = page) =>
      ({ type: 'page', messageId, anonymousId: 'ana', timestamp: at(s), properties, ...(pageContext ? { context: { page: pageContext } } : {}) });
    const sent = [
      // analytics.js: every page field in both places.
      view('pp-all', 0, { ...page }),
      // Some fields, and a property of its own.
      view('pp-some', 1, { path: page.path, title: page.title, category: 'docs' }),
      // A value that differs from the page's, or is not a string, stays in the properties.
      view('pp-differs', 2, { path: '/other', title: page.title, search: 7 }),
      // No context.page: the collector takes the page from the properties (Segment's server libraries).
      view('pp-no-context', 3, { path: '/from-properties', title: 'From properties' }, null),
      // A page the columns cannot hold (another field) keeps the properties whole.
      view('pp-page-in-context', 4, { path: page.path }, { ...page, hash: '#top' }),
      view('pp-proto', 5, proto),
      view('pp-none', 6, {}),
      // Only page views: a track's properties are its own.
      { type: 'track', event: 'Read', messageId: 'pp-track', anonymousId: 'ana', timestamp: at(7), properties: { path: page.path }, context: { page } },
    ];
    const answer = await post(`${c.url}/v1/batch`, { batch: sent, writeKey: app.writeKey });
    expect(answer.body).toMatchObject({ accepted: sent.length, rejected: [] });

    const stored = await c.db.query<{ message_id: string; properties: string | null; page_properties: number | null }>(
      'SELECT message_id, properties::text AS properties, page_properties FROM events WHERE app_id = $1 ORDER BY "timestamp"', [app.appId]);
    // Bits: url 1, path 2, search 4, referrer 8, title 16.
    expect(stored.map((r) => [r.message_id, r.properties, r.page_properties])).toEqual([
      ['pp-all', null, 31],
      ['pp-some', '{"category":"docs"}', 2 | 16],
      ['pp-differs', '{"path":"/other","search":7}', 16],
      ['pp-no-context', null, 2 | 16],
      ['pp-page-in-context', '{"path":"/guide"}', null],
      ['pp-proto', '{"__proto__":"kept"}', 2],
      ['pp-none', '{}', null],
      ['pp-track', '{"path":"/guide"}', null],
    ]);

    const read = (await get(`${c.url}/v1/events?limit=100`, bearer(app.secretKey))).body.events;
    const exported = (await (await fetch(`${c.url}/v1/export`, { headers: bearer(app.secretKey) })).text())
      .split('\n').filter(Boolean).map((line) => JSON.parse(line));
    for (const list of [read, exported]) {
      const byId = new Map(list.map((e: any) => [e.messageId, e]));
      for (const e of sent) expect((byId.get(e.messageId) as any).properties, e.messageId).toEqual(e.properties);
      expect(Object.keys((byId.get('pp-proto') as any).properties).sort()).toEqual(['__proto__', 'path']);
      expect((byId.get('pp-no-context') as any).context.page).toEqual({ path: '/from-properties', title: 'From properties' });
    }
  });
});
