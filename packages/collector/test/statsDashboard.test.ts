import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const ADMIN_TOKEN = 'admin-token-for-the-dashboard-tests-0123456789';

/** One SDK visit: pages and events a minute apart from `start`, ended with `reason`. */
function visit(id: string, start: string, options: { ua: string; referrer?: string; campaign?: Record<string, string>; pages: string[]; events?: string[]; reason?: string }) {
  const at = (minutes: number) => new Date(new Date(start).getTime() + minutes * 60_000).toISOString();
  const context = (path: string) => ({
    sessionId: id, userAgent: options.ua, page: { path, url: `https://shop.example${path}`, referrer: options.referrer ?? '' },
    ...(options.campaign ? { campaign: options.campaign } : {}),
  });
  const batch: unknown[] = options.pages.map((path, i) => ({ type: 'page', messageId: `${id}-p${i}`, anonymousId: `anon-${id}`, timestamp: at(i), context: context(path) }));
  (options.events ?? []).forEach((event, i) => batch.push({ type: 'track', event, messageId: `${id}-t${i}`, anonymousId: `anon-${id}`, timestamp: at(i + 0.5), context: context(options.pages[0]!) }));
  if (options.reason) {
    batch.push({ type: 'track', event: 'Session Ended', messageId: `${id}-end`, anonymousId: `anon-${id}`, timestamp: at(options.pages.length),
      properties: { reason: options.reason }, context: context(options.pages.at(-1)!) });
  }
  return batch;
}

describe.each(backends())('dashboard read API on %s', (backend) => {
  let c: TestCollector;
  const day = 'from=2026-09-01T00:00:00Z&to=2026-09-02T00:00:00Z';
  const read = async (path: string, headers = bearer(c.secretKey)) => get(`${c.url}${path}`, headers);

  beforeAll(async () => {
    c = await startTestCollector(backend, { deps: { adminToken: ADMIN_TOKEN } });
    const batch = [
      ...visit('g1', '2026-09-01T09:00:00Z', { ua: DESKTOP, referrer: 'https://www.google.com/', pages: ['/', '/pricing'], events: ['Signup'], reason: 'idle' }),
      ...visit('g2', '2026-09-01T09:30:00Z', { ua: PHONE, referrer: 'https://www.google.com/', pages: ['/pricing'], reason: 'manual' }),
      ...visit('n1', '2026-09-01T14:10:00Z', { ua: DESKTOP, campaign: { source: 'newsletter', medium: 'email', name: 'autumn' }, pages: ['/blog', '/', '/pricing'], events: ['Signup', 'Download'] }),
      ...visit('d1', '2026-09-01T22:00:00Z', { ua: PHONE, pages: ['/'] }),
      // Outside the day: never counted.
      ...visit('old', '2026-08-30T10:00:00Z', { ua: DESKTOP, pages: ['/'] }),
    ];
    expect((await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey })).body).toMatchObject({ accepted: batch.length, rejected: [] });
  });
  afterAll(() => c.close());

  it('answers the top line with page views and bounce rate', async () => {
    const { body } = await read(`/v1/stats?${day}`);
    expect(body).toMatchObject({ sessions: 4, visitors: 4, pageviews: 7, bounceRate: 0.5 });
  });

  it('filters /v1/stats by source, device and page', async () => {
    expect((await read(`/v1/stats?${day}&source=google`)).body).toMatchObject({ sessions: 2, pageviews: 3, bounceRate: 0.5 });
    expect((await read(`/v1/stats?${day}&source=google`)).body.topEvents).toEqual([{ event: 'Signup', count: 1 }]);
    expect((await read(`/v1/stats?${day}&device=mobile`)).body).toMatchObject({ sessions: 2, pageviews: 2, bounceRate: 1 });
    expect((await read(`/v1/stats?${day}&page=/blog`)).body).toMatchObject({ sessions: 1, pageviews: 3 });
  });

  it('answers a time series in hours, in the asked time zone', async () => {
    const { body } = await read(`/v1/stats/timeseries?${day}&interval=hour`);
    expect(body.points).toHaveLength(24);
    expect(body.points[9]).toEqual({ at: '2026-09-01T09:00:00.000Z', visitors: 2, sessions: 2, pageviews: 3, events: 1 });
    expect(body.points[14]).toEqual({ at: '2026-09-01T14:00:00.000Z', visitors: 1, sessions: 1, pageviews: 3, events: 2 });
    // Days in Tokyo (UTC+9): the 22:00 UTC visit falls on September 2nd there.
    const tokyo = await read(`/v1/stats/timeseries?${day}&interval=day&tz=Asia/Tokyo`);
    expect(tokyo.body.points).toEqual([
      { at: '2026-08-31T15:00:00.000Z', visitors: 3, sessions: 3, pageviews: 6, events: 3 },
      { at: '2026-09-01T15:00:00.000Z', visitors: 1, sessions: 1, pageviews: 1, events: 0 },
    ]);
    const filtered = await read(`/v1/stats/timeseries?${day}&interval=day&channel=email`);
    expect(filtered.body.points).toEqual([{ at: '2026-09-01T00:00:00.000Z', visitors: 1, sessions: 1, pageviews: 3, events: 2 }]);
  });

  it('breaks visits down by page, entry, exit, source, device, event and end reason', async () => {
    const rows = async (by: string, extra = '') => (await read(`/v1/stats/breakdown?${day}&by=${by}${extra}`)).body.rows;
    expect(await rows('page')).toEqual([
      { key: '/', visitors: 3, sessions: 3, events: 3 },
      { key: '/pricing', visitors: 3, sessions: 3, events: 3 },
      { key: '/blog', visitors: 1, sessions: 1, events: 1 },
    ]);
    expect(await rows('entry')).toEqual([
      { key: '/', visitors: 2, sessions: 2, events: 5 },
      { key: '/blog', visitors: 1, sessions: 1, events: 5 },
      { key: '/pricing', visitors: 1, sessions: 1, events: 2 },
    ]);
    expect((await rows('exit')).map((row: { key: string }) => row.key)).toEqual(['/pricing', '/']);
    expect(await rows('channel')).toEqual([
      { key: 'search', visitors: 2, sessions: 2, events: 6 },
      { key: 'direct', visitors: 1, sessions: 1, events: 1 },
      { key: 'email', visitors: 1, sessions: 1, events: 5 },
    ]);
    expect((await rows('source')).slice(0, 2)).toEqual([
      { key: 'google', visitors: 2, sessions: 2, events: 6 },
      { key: 'newsletter', visitors: 1, sessions: 1, events: 5 },
    ]);
    expect(await rows('campaign', '&source=newsletter')).toEqual([{ key: 'autumn', visitors: 1, sessions: 1, events: 5 }]);
    expect(await rows('device')).toEqual([
      { key: 'desktop', visitors: 2, sessions: 2, events: 9 },
      { key: 'mobile', visitors: 2, sessions: 2, events: 3 },
    ]);
    expect(await rows('event')).toEqual([
      { key: 'Signup', visitors: 2, sessions: 2, events: 2 },
      { key: 'Download', visitors: 1, sessions: 1, events: 1 },
    ]);
    expect(await rows('endReason')).toEqual([
      { key: null, visitors: 2, sessions: 2, events: 6 },
      { key: 'idle', visitors: 1, sessions: 1, events: 4 },
      { key: 'manual', visitors: 1, sessions: 1, events: 2 },
    ]);
    const hours = await rows('hour', '&tz=Europe/Paris');
    expect(hours).toHaveLength(24);
    expect(hours[11]).toEqual({ key: '11', visitors: 2, sessions: 2, events: 6 });
    expect(hours[0]).toEqual({ key: '0', visitors: 1, sessions: 1, events: 1 });
    expect((await rows('eventsPerSession')).map((row: { sessions: number }) => row.sessions)).toEqual([1, 3, 0, 0, 0]);
    expect((await rows('duration')).map((row: { key: string; sessions: number }) => [row.key, row.sessions])).toEqual([
      ['<10s', 1], ['10-30s', 0], ['30s-1m', 0], ['1-3m', 3], ['3-10m', 0], ['10-30m', 0], ['30m+', 0],
    ]);
  });

  it('refuses unknown dimensions, intervals, time zones and too many points', async () => {
    expect((await read(`/v1/stats/breakdown?${day}&by=colour`)).body.error.code).toBe('invalid_query');
    expect((await read(`/v1/stats/timeseries?${day}&interval=week`)).status).toBe(400);
    expect((await read(`/v1/stats/timeseries?${day}&tz=Mars/Olympus`)).status).toBe(400);
    expect((await read(`/v1/stats/timeseries?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&interval=minute`)).status).toBe(400);
    expect((await read(`/v1/stats/breakdown?${day}&by=page&source=a&source=b`)).status).toBe(400);
  });

  it('lists apps for the admin token, never their secrets, and reads any app with X-Headcount-App', async () => {
    const other = await c.createApp({ name: 'kiosk-hall' });
    const { status, body } = await read('/v1/apps', bearer(ADMIN_TOKEN));
    expect(status).toBe(200);
    expect(body.apps.map((app: { name: string }) => app.name)).toEqual(['test', 'kiosk-hall']);
    expect(body.apps[1]).toMatchObject({ id: other.appId, writeKey: other.writeKey, origins: [], activeWindowSeconds: 300 });
    expect(Object.keys(body.apps[1]).sort()).toEqual(['activeWindowSeconds', 'id', 'name', 'origins', 'retentionDays', 'timezone', 'writeKey']);
    expect(JSON.stringify(body)).not.toContain(other.secretKey);

    // A secret key lists its own app only.
    expect((await read('/v1/apps')).body.apps.map((app: { name: string }) => app.name)).toEqual(['test']);
    expect((await read('/v1/apps', bearer('not-the-admin-token'))).status).toBe(401);

    const asAdmin = (app: string) => ({ ...bearer(ADMIN_TOKEN), 'X-Headcount-App': app });
    expect((await read(`/v1/stats?${day}`, asAdmin('test'))).body).toMatchObject({ sessions: 4 });
    expect((await read(`/v1/stats?${day}`, asAdmin(other.appId))).body).toMatchObject({ sessions: 0 });
    expect((await read(`/v1/stats?${day}`, bearer(ADMIN_TOKEN))).body.error.code).toBe('app_required');
    expect((await read(`/v1/stats?${day}`, asAdmin('nope'))).status).toBe(404);
  });
});

describe('GET /v1/apps without an admin token configured', () => {
  it('treats any bearer as a secret key', async () => {
    const c = await startTestCollector('pglite');
    try {
      expect((await get(`${c.url}/v1/apps`, bearer(ADMIN_TOKEN))).status).toBe(401);
      expect((await get(`${c.url}/v1/apps`)).status).toBe(401);
    } finally {
      await c.close();
    }
  });
});
