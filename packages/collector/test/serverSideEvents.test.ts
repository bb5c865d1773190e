import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

const SITE = 'https://shop.example';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const NODE_LIBRARY = { library: { name: '@segment/analytics-node', version: '2.1.0' } };

const at = (base: number, minutes: number) => new Date(base + minutes * 60_000).toISOString();

/** A page view made in a browser (analytics.js, no session id). */
const browserPage = (id: string, timestamp: string, referrer: string) => ({
  type: 'page', messageId: `${id}-page-${timestamp}`, anonymousId: id, timestamp,
  context: { userAgent: UA, page: { path: '/', url: `${SITE}/`, referrer } },
});
/** An identify made in the browser after a login. */
const browserIdentify = (anonymousId: string, userId: string, timestamp: string) => ({
  type: 'identify', messageId: `${anonymousId}-identify-${timestamp}`, anonymousId, userId, timestamp,
  context: { userAgent: UA, page: { path: '/login', url: `${SITE}/login`, referrer: `${SITE}/` } },
});
/** A backend's call: no page, no user agent, no session id. */
const backendTrack = (ids: { userId?: string; anonymousId?: string }, event: string, timestamp: string) => ({
  type: 'track', messageId: `${ids.userId ?? ids.anonymousId}-${event}-${timestamp}`, ...ids, event, timestamp, context: NODE_LIBRARY,
});

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe.each(backends())('server-side events on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend, { app: { origins: [SITE] } });
  });
  afterAll(() => c.close());

  const send = async (batch: unknown[]) => {
    const res = await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey });
    expect(res.body).toMatchObject({ ok: true, accepted: batch.length, rejected: [] });
  };
  const read = async (path: string) => (await get(`${c.url}${path}`, bearer(c.secretKey))).body;
  const spans = (sessions: any[]) => sessions.map((s) => [s.startedAt, s.lastSeenAt, s.eventCount]);
  /** The session id of each stored event in [from, to), by event name or type. */
  const placement = async (from: string, to: string) =>
    Object.fromEntries((await read(`/v1/events?from=${from}&to=${to}&limit=100`)).events.map((e: any) => [e.event ?? e.type, e.sessionId]));

  it("never starts a session nor counts as active for @segment/analytics-node's track({userId})", async () => {
    const sessionsBefore = (await read('/v1/sessions?limit=1000')).sessions.length;
    const activeBefore = (await get(`${c.url}/v1/active?writeKey=${c.writeKey}`)).body.activeUsers;
    const analytics = new Analytics({ writeKey: c.writeKey, host: c.url, flushAt: 25, flushInterval: 100 });
    for (let i = 0; i < 25; i++) analytics.track({ userId: 'billing-user', event: 'Invoice Paid', properties: { n: i } });
    await analytics.closeAndFlush({ timeout: 10_000 });

    const stored = (await read('/v1/events?event=Invoice%20Paid&limit=100')).events;
    expect(stored).toHaveLength(25);
    expect(new Set(stored.map((e: any) => e.sessionId))).toEqual(new Set([null]));
    expect((await read('/v1/sessions?limit=1000')).sessions.length).toBe(sessionsBefore);
    expect((await get(`${c.url}/v1/users/billing-user`, bearer(c.secretKey))).status).toBe(404);
    expect((await get(`${c.url}/v1/active?writeKey=${c.writeKey}`)).body.activeUsers).toBe(activeBefore);
  });

  it('joins the visit open at its time through the identify link, without extending it, in every arrival order', async () => {
    for (const [k, order] of permutations([0, 1, 2, 3]).entries()) {
      const base = Date.parse('2026-05-01T08:00:00.000Z') + k * 86_400_000;
      const [device, user] = [`joining-device-${k}`, `joining-user-${k}`];
      const events = [
        browserPage(device, at(base, 0), 'https://duckduckgo.com/'),
        browserIdentify(device, user, at(base, 1)),
        backendTrack({ userId: user }, 'Order Completed', at(base, 10)),
        // 44 minutes after the visit's last activity: no visit is open any more.
        backendTrack({ userId: user }, 'Receipt Sent', at(base, 45)),
      ];
      for (const i of order) await send([events[i]]);
      const { sessions } = await read(`/v1/users/${user}`);
      expect([order, spans(sessions)]).toEqual([order, [[at(base, 0), at(base, 1), 3]]]);
      expect(sessions[0].referrer).toMatchObject({ type: 'search', source: 'duckduckgo' });
      expect(await placement(at(base, 0), at(base, 60))).toEqual({ page: sessions[0].id, identify: sessions[0].id, 'Order Completed': sessions[0].id, 'Receipt Sent': null });
    }
  });

  it('moves with the visit a late landing splits, in every arrival order', async () => {
    for (const [k, order] of permutations([0, 1, 2, 3]).entries()) {
      const base = Date.parse('2026-06-01T08:27:00.000Z') + k * 86_400_000;
      const device = `split-device-${k}`;
      const events = [
        browserPage(device, at(base, 0), 'https://www.linkedin.com/'),
        backendTrack({ anonymousId: device }, 'Trial Started', at(base, 13)),
        browserPage(device, at(base, 18), 'https://www.google.com/'),
        backendTrack({ anonymousId: device }, 'Trial Extended', at(base, 23)),
      ];
      for (const i of order) await send([events[i]]);
      const { sessions } = await read(`/v1/anonymous/${device}`);
      expect([order, spans(sessions)]).toEqual([order, [[at(base, 0), at(base, 0), 2], [at(base, 18), at(base, 18), 2]]]);
      const where = await placement(at(base, 0), at(base, 60));
      expect([where['Trial Started'], where['Trial Extended']]).toEqual([sessions[0].id, sessions[1].id]);
    }
  });

  it('lets events that waited join a visit when a later identify links their user to it', async () => {
    for (const [k, order] of permutations([0, 1, 2]).entries()) {
      const base = Date.parse('2026-07-01T08:00:00.000Z') + k * 86_400_000;
      const [device, user] = [`linked-later-device-${k}`, `linked-later-user-${k}`];
      const events = [
        browserPage(device, at(base, 0), ''),
        backendTrack({ userId: user }, 'Quote Requested', at(base, 5)),
        // Hours later, in a visit of its own: the link reaches back.
        browserIdentify(device, user, at(base, 180)),
      ];
      for (const i of order) await send([events[i]]);
      const { sessions } = await read(`/v1/users/${user}`);
      expect([order, spans(sessions)]).toEqual([order, [[at(base, 0), at(base, 0), 2], [at(base, 180), at(base, 180), 1]]]);
      expect((await placement(at(base, 0), at(base, 200)))['Quote Requested']).toBe(sessions[0].id);
    }
  });

  it('makes nobody active: a visit idle past the live window stays out of the count', async () => {
    const now = Date.now();
    await send([browserPage('idle-device', new Date(now - 10 * 60_000).toISOString(), '')]);
    const before = (await get(`${c.url}/v1/active?writeKey=${c.writeKey}`)).body.activeUsers;
    await send([backendTrack({ userId: 'idle-user', anonymousId: 'idle-device' }, 'Renewal Charged', new Date(now).toISOString())]);
    const [session] = (await read('/v1/anonymous/idle-device')).sessions;
    expect(session).toMatchObject({ lastSeenAt: new Date(now - 10 * 60_000).toISOString(), eventCount: 2, userId: 'idle-user' });
    expect((await get(`${c.url}/v1/active?writeKey=${c.writeKey}`)).body.activeUsers).toBe(before);
  });
});
