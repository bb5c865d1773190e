import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

const CHROME_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const BOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

let n = 0;
const at = (iso: string, extra: Record<string, unknown>) => ({ messageId: `s-${++n}`, timestamp: iso, ...extra });

describe.each(backends())('sessions on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend, { app: { origins: ['https://museum.example'] } });
  });
  afterAll(() => c.close());

  const send = (batch: unknown[]) => post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey });
  const sessionsOf = async (anonymousId: string) => (await get(`${c.url}/v1/anonymous/${anonymousId}`, bearer(c.secretKey))).body.sessions;

  it('builds a session from the SDK session id, with landing page, touch, campaign, device and end', async () => {
    const context = {
      sessionId: 'kiosk-s1',
      userAgent: IPHONE_UA,
      page: { url: 'https://museum.example/?utm_source=newsletter&utm_medium=email&utm_campaign=winter', path: '/', referrer: 'https://mail.google.com/' },
    };
    const res = await send([
      at('2026-03-01T10:00:00.000Z', { type: 'track', event: 'Session Started', anonymousId: 'kiosk-a', context }),
      at('2026-03-01T10:00:05.000Z', { type: 'track', event: 'Exhibit Opened', anonymousId: 'kiosk-a', context }),
      at('2026-03-01T10:00:30.000Z', { type: 'ping', anonymousId: 'kiosk-a', context }),
      at('2026-03-01T10:01:00.000Z', { type: 'track', event: 'Session Ended', anonymousId: 'kiosk-a', properties: { reason: 'idle', durationSeconds: 60 }, context }),
    ]);
    expect(res.body).toMatchObject({ accepted: 4, rejected: [] });
    const [session] = await sessionsOf('kiosk-a');
    expect(session).toMatchObject({
      id: 'kiosk-s1',
      anonymousId: 'kiosk-a',
      startedAt: '2026-03-01T10:00:00.000Z',
      lastSeenAt: '2026-03-01T10:01:00.000Z',
      endedAt: '2026-03-01T10:01:00.000Z',
      endReason: 'idle',
      durationSeconds: 60,
      eventCount: 3,
      landingPage: 'https://museum.example/?utm_source=newsletter&utm_medium=email&utm_campaign=winter',
      referrer: { type: 'email', source: 'newsletter', host: 'mail.google.com', timestamp: '2026-03-01T10:00:00.000Z' },
      campaign: { source: 'newsletter', medium: 'email', name: 'winter' },
      device: { browser: 'Mobile Safari', os: 'iOS', type: 'mobile', bot: false },
    });
    const events = (await get(`${c.url}/v1/events?sessionId=kiosk-s1`, bearer(c.secretKey))).body.events;
    expect(events.map((e: any) => e.type)).not.toContain('ping');
  });

  it('keeps every session time to the millisecond', async () => {
    const context = { sessionId: 'ms-s1', userAgent: CHROME_UA, page: { url: 'https://museum.example/', path: '/', referrer: 'https://www.google.com/' } };
    await send([
      at('2026-03-02T10:00:00.001Z', { type: 'page', name: 'Home', anonymousId: 'ms-a', context }),
      at('2026-03-02T10:00:07.123Z', { type: 'page', name: 'Rooms', anonymousId: 'ms-a', context: { ...context, page: { url: 'https://museum.example/rooms', path: '/rooms' } } }),
      at('2026-03-02T10:00:59.999Z', { type: 'track', event: 'Session Ended', anonymousId: 'ms-a', userId: 'ms-u', properties: { reason: 'idle' }, context }),
      at('2026-03-02T10:00:58.456Z', { type: 'identify', anonymousId: 'ms-a', userId: 'ms-u', context }),
      at('2026-03-02T10:00:58.789Z', { type: 'alias', previousId: 'ms-old', userId: 'ms-u', context }),
    ]);
    // And the identity links' times.
    expect(await c.db.query(`SELECT to_json(first_seen_at) #>> '{}' AS first, to_json(last_seen_at) #>> '{}' AS last
      FROM identities WHERE anonymous_id = 'ms-a'`)).toEqual([{ first: '2026-03-02T10:00:58.456+00:00', last: '2026-03-02T10:00:59.999+00:00' }]);
    expect(await c.db.query(`SELECT to_json(created_at) #>> '{}' AS at FROM aliases WHERE previous_id = 'ms-old'`))
      .toEqual([{ at: '2026-03-02T10:00:58.789+00:00' }]);
    const [session] = await sessionsOf('ms-a');
    expect(session).toMatchObject({
      startedAt: '2026-03-02T10:00:00.001Z',
      lastSeenAt: '2026-03-02T10:00:59.999Z',
      endedAt: '2026-03-02T10:00:59.999Z',
      referrer: { type: 'search', timestamp: '2026-03-02T10:00:00.001Z' },
    });
  });

  it('takes the landing facts from the earliest event even when it arrives last', async () => {
    const later = { sessionId: 'late-s', userAgent: CHROME_UA, page: { url: 'https://museum.example/rooms', path: '/rooms', referrer: 'https://museum.example/' } };
    const landing = { sessionId: 'late-s', userAgent: CHROME_UA, page: { url: 'https://museum.example/', path: '/', referrer: 'https://www.google.co.in/' } };
    await send([at('2026-03-02T09:10:00.000Z', { type: 'page', anonymousId: 'late-a', context: later })]);
    await send([at('2026-03-02T09:00:00.000Z', { type: 'page', anonymousId: 'late-a', context: landing })]);
    const [session] = await sessionsOf('late-a');
    expect(session).toMatchObject({
      startedAt: '2026-03-02T09:00:00.000Z', lastSeenAt: '2026-03-02T09:10:00.000Z', eventCount: 2, landingPage: 'https://museum.example/',
      referrer: { type: 'search', source: 'google', host: 'www.google.co.in' },
      device: { browser: 'Chrome', os: 'Windows', type: 'desktop' },
    });
  });

  it('groups events without a session id by 30 minutes of inactivity', async () => {
    await send([
      at('2026-03-03T08:00:00.000Z', { type: 'page', anonymousId: 'server-a', properties: { url: 'https://museum.example/a', path: '/a' } }),
      at('2026-03-03T08:29:00.000Z', { type: 'track', event: 'Ticket Viewed', anonymousId: 'server-a', context: { userAgent: CHROME_UA } }),
      at('2026-03-03T09:10:00.000Z', { type: 'page', anonymousId: 'server-a', properties: { path: '/b' } }),
    ]);
    const sessions = await sessionsOf('server-a');
    expect(sessions.map((s: any) => [s.startedAt, s.lastSeenAt, s.eventCount])).toEqual([
      ['2026-03-03T08:00:00.000Z', '2026-03-03T08:29:00.000Z', 2],
      ['2026-03-03T09:10:00.000Z', '2026-03-03T09:10:00.000Z', 1],
    ]);
    expect(sessions[0].landingPage).toBe('https://museum.example/a');
  });

  it('joins two inferred sessions when a late event bridges them, keeping every event', async () => {
    await send([at('2026-03-04T08:00:00.000Z', { type: 'page', anonymousId: 'bridge', properties: { path: '/first' }, context: { page: { referrer: 'https://www.bing.com/' } } })]);
    await send([at('2026-03-04T08:50:00.000Z', { type: 'page', anonymousId: 'bridge', properties: { path: '/third' } })]);
    expect(await sessionsOf('bridge')).toHaveLength(2);
    await send([at('2026-03-04T08:25:00.000Z', { type: 'track', event: 'Scrolled', anonymousId: 'bridge', context: { userAgent: CHROME_UA } })]);
    const sessions = await sessionsOf('bridge');
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ startedAt: '2026-03-04T08:00:00.000Z', lastSeenAt: '2026-03-04T08:50:00.000Z', eventCount: 3, referrer: { type: 'search', source: 'bing' } });
    const events = (await get(`${c.url}/v1/events?sessionId=${sessions[0].id}`, bearer(c.secretKey))).body.events;
    expect(events).toHaveLength(3);
  });

  it('keeps an event the SDK sent outside any session (a kiosk between visitors) out of sessions and the live count', async () => {
    const sdk = { library: { name: '@headcount/browser', version: '0.1.0' } };
    const before = (await get(`${c.url}/v1/active?writeKey=${c.writeKey}`)).body.activeUsers;
    const res = await send([{ type: 'track', event: 'Attract Shown', messageId: 'between-visitors', anonymousId: 'next-person', timestamp: new Date().toISOString(), context: sdk }]);
    expect(res.body).toMatchObject({ accepted: 1 });
    const [stored] = (await get(`${c.url}/v1/events?event=Attract%20Shown`, bearer(c.secretKey))).body.events;
    expect(stored).toMatchObject({ messageId: 'between-visitors', sessionId: null });
    expect((await get(`${c.url}/v1/anonymous/next-person`, bearer(c.secretKey))).status).toBe(404);
    expect((await get(`${c.url}/v1/active?writeKey=${c.writeKey}`)).body.activeUsers).toBe(before);
  });

  it('flags bots from their user agent', async () => {
    await send([at('2026-03-05T08:00:00.000Z', { type: 'page', anonymousId: 'crawler', context: { userAgent: BOT_UA, sessionId: 'bot-s' } })]);
    const [session] = await sessionsOf('crawler');
    expect(session.device.bot).toBe(true);
  });

  it('answers 404 for an anonymousId it has never seen', async () => {
    const res = await get(`${c.url}/v1/anonymous/nobody`, bearer(c.secretKey));
    expect([res.status, res.body.error.code]).toEqual([404, 'anonymous_not_found']);
  });
});
