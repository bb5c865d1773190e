import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const SITE = 'https://shop.example';

/** Times as Segment's webhook destination relays them: client time, send time, Segment's receipt and its corrected time. */
function relayed(clientTime: string) {
  const t = Date.parse(clientTime);
  // The visitor's clock runs 2 minutes fast; the request left 300 ms after the call.
  return {
    originalTimestamp: new Date(t + 120_000).toISOString(),
    sentAt: new Date(t + 120_300).toISOString(),
    receivedAt: new Date(t + 300).toISOString(),
    timestamp: clientTime,
  };
}

/** A visitor's Segment analytics.js journey over three days, as the webhook destination would post it. */
function journey(anonymousId: string, userId: string) {
  let n = 0;
  const page = (timestamp: string, path: string, referrer: string, search = '') => ({
    type: 'page',
    messageId: `${anonymousId}-${++n}`,
    anonymousId,
    ...relayed(timestamp),
    properties: { path, url: `${SITE}${path}${search}`, referrer, search, title: path },
    context: {
      userAgent: UA,
      library: { name: 'analytics.js', version: '5.2.0' },
      page: { path, url: `${SITE}${path}${search}`, referrer, search, title: path },
      ...(search.includes('utm_') ? { campaign: Object.fromEntries([...new URLSearchParams(search)].filter(([k]) => k.startsWith('utm_')).map(([k, v]) => [k === 'utm_campaign' ? 'name' : k.slice(4), v])) } : {}),
    },
  });
  return [
    // Day 1: organic Google search, then browsing inside the site.
    page('2026-05-01T09:00:00.000Z', '/', 'https://www.google.com/'),
    page('2026-05-01T09:04:00.000Z', '/shoes', `${SITE}/`),
    page('2026-05-01T09:12:00.000Z', '/shoes/red', `${SITE}/shoes`),
    // Day 2: a LinkedIn ad click carrying li_fat_id.
    page('2026-05-02T18:30:00.000Z', '/sale', 'https://www.linkedin.com/', '?li_fat_id=abc-123'),
    page('2026-05-02T18:33:00.000Z', '/sale/boots', `${SITE}/sale`),
    // Day 3: a paid Google ad (utm + gclid), then sign-up and identify.
    page('2026-05-03T12:00:00.000Z', '/boots', 'https://www.google.com/', '?utm_source=google&utm_medium=cpc&utm_campaign=boots&gclid=Cj0KCQ'),
    { type: 'track', event: 'Signed Up', messageId: `${anonymousId}-${++n}`, anonymousId, ...relayed('2026-05-03T12:05:00.000Z'), properties: { plan: 'free' }, context: { userAgent: UA } },
    { type: 'identify', messageId: `${anonymousId}-${++n}`, anonymousId, userId, ...relayed('2026-05-03T12:05:01.000Z'), traits: { email: 'ada@example.com' }, context: { userAgent: UA } },
  ];
}

/** A seeded shuffle, so a failure can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const sign = (body: string, secret: string) => createHmac('sha1', secret).update(body).digest('hex');

describe.each(backends())('attribution and identity journey on %s', (backend) => {
  let c: TestCollector;
  const secret = 'whsec_test';
  beforeAll(async () => {
    c = await startTestCollector(backend, { app: { webhookSecret: secret, origins: [SITE] } });
  });
  afterAll(() => c.close());

  /** Sends events one by one alternately through the signed webhook and /v1/batch. */
  async function replay(events: Array<Record<string, unknown>>) {
    for (const [i, event] of events.entries()) {
      if (i % 2 === 0) {
        const body = JSON.stringify(event);
        const res = await post(`${c.url}/v1/webhook/segment?writeKey=${c.writeKey}`, body, { 'X-Signature': sign(body, secret) });
        expect(res.body).toMatchObject({ ok: true, accepted: 1 });
      } else {
        // A library replaying its queue without sentAt: the client time stands (it is not in the future).
        const { sentAt, receivedAt, originalTimestamp, ...fromLibrary } = event;
        const res = await post(`${c.url}/v1/batch`, { batch: [fromLibrary], writeKey: c.writeKey });
        expect(res.body).toMatchObject({ ok: true, accepted: 1 });
      }
    }
  }

  const strip = (sessions: any[]) => sessions.map(({ id, ...rest }) => rest);

  it('answers with the right sessions and touches, whatever the arrival order', async () => {
    await replay(shuffled(journey('anon-shuffled', 'ada'), 7));
    await replay(journey('anon-ordered', 'grace'));

    const anon = await get(`${c.url}/v1/anonymous/anon-shuffled`, bearer(c.secretKey));
    expect(anon.status).toBe(200);
    expect(anon.body.userId).toBe('ada');
    const sessions = anon.body.sessions;
    expect(sessions.map((s: any) => [s.startedAt, s.eventCount, s.referrer.type, s.referrer.source])).toEqual([
      ['2026-05-01T09:00:00.000Z', 3, 'search', 'google'],
      ['2026-05-02T18:30:00.000Z', 2, 'paid', 'linkedin'],
      ['2026-05-03T12:00:00.000Z', 3, 'paid', 'google'],
    ]);
    expect(sessions[1].clickIds).toEqual({ li_fat_id: 'abc-123' });
    expect(sessions[2]).toMatchObject({ campaign: { source: 'google', medium: 'cpc', name: 'boots' }, clickIds: { gclid: 'Cj0KCQ' }, userId: 'ada', landingPage: `${SITE}/boots?utm_source=google&utm_medium=cpc&utm_campaign=boots&gclid=Cj0KCQ` });

    // The same journey in order gives the same sessions.
    const ordered = await get(`${c.url}/v1/anonymous/anon-ordered`, bearer(c.secretKey));
    expect(strip(ordered.body.sessions).map((s: any) => ({ ...s, anonymousId: 'x', userId: s.userId && 'u' })))
      .toEqual(strip(sessions).map((s: any) => ({ ...s, anonymousId: 'x', userId: s.userId && 'u' })));

    const user = await get(`${c.url}/v1/users/ada`, bearer(c.secretKey));
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({
      userId: 'ada',
      anonymousIds: ['anon-shuffled'],
      firstTouch: { type: 'search', source: 'google', host: 'www.google.com', timestamp: '2026-05-01T09:00:00.000Z' },
      lastTouch: { type: 'paid', source: 'google', timestamp: '2026-05-03T12:00:00.000Z' },
    });
    expect(user.body.sessions.map((s: any) => s.id)).toEqual(sessions.map((s: any) => s.id));
  });

  it('links every device of one user, and aliases', async () => {
    const send = (batch: unknown[]) => post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey });
    await send([
      { type: 'page', messageId: 'phone-1', anonymousId: 'phone', timestamp: '2026-06-01T10:00:00Z', context: { sessionId: 'phone-s', page: { url: `${SITE}/`, referrer: 'https://chatgpt.com/' } } },
      { type: 'identify', messageId: 'phone-2', anonymousId: 'phone', userId: 'linus', timestamp: '2026-06-01T10:01:00Z', context: { sessionId: 'phone-s' } },
      { type: 'page', messageId: 'laptop-1', anonymousId: 'laptop', timestamp: '2026-06-02T10:00:00Z', context: { sessionId: 'laptop-s', page: { url: `${SITE}/` } } },
      { type: 'identify', messageId: 'laptop-2', anonymousId: 'laptop', userId: 'linus-old', timestamp: '2026-06-02T10:01:00Z', context: { sessionId: 'laptop-s' } },
      { type: 'alias', messageId: 'alias-1', previousId: 'linus-old', userId: 'linus', anonymousId: 'laptop', timestamp: '2026-06-02T10:02:00Z', context: { sessionId: 'laptop-s' } },
    ]);
    const user = await get(`${c.url}/v1/users/linus`, bearer(c.secretKey));
    expect(user.body.anonymousIds).toEqual(['phone', 'laptop']);
    expect(user.body.sessions.map((s: any) => s.id)).toEqual(['phone-s', 'laptop-s']);
    expect(user.body.firstTouch).toMatchObject({ type: 'ai', source: 'chatgpt' });
    expect(user.body.lastTouch).toMatchObject({ type: 'ai', source: 'chatgpt' });
    const missing = await get(`${c.url}/v1/users/nobody`, bearer(c.secretKey));
    expect([missing.status, missing.body.error.code]).toEqual([404, 'user_not_found']);
  });

  it('refuses a bad webhook signature with 401 and stores nothing', async () => {
    const event = { type: 'track', event: 'Forged', messageId: 'forged-1', anonymousId: 'forger', timestamp: '2026-05-05T00:00:00Z' };
    const body = JSON.stringify(event);
    for (const signature of [sign(body, 'wrong-secret'), 'zz', undefined]) {
      const res = await post(`${c.url}/v1/webhook/segment?writeKey=${c.writeKey}`, body, signature ? { 'X-Signature': signature } : {});
      expect([res.status, res.body.error.code]).toEqual([401, 'invalid_signature']);
    }
    const tampered = await post(`${c.url}/v1/webhook/segment?writeKey=${c.writeKey}`, body.replace('Forged', 'Forgex'), { 'X-Signature': sign(body, secret) });
    expect(tampered.status).toBe(401);
    const events = await get(`${c.url}/v1/events?event=Forged`, bearer(c.secretKey));
    expect(events.body.events).toEqual([]);
    expect((await get(`${c.url}/v1/events?event=Forgex`, bearer(c.secretKey))).body.events).toEqual([]);
  });

  it('summarizes a time range in /v1/stats', async () => {
    const res = await get(`${c.url}/v1/stats?from=2026-05-01T00:00:00Z&to=2026-05-04T00:00:00Z`, bearer(c.secretKey));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sessions: 6, visitors: 2 });
    expect(res.body.averageSessionSeconds).toBe(Math.round((720 + 180 + 301) / 3));
    expect(res.body.topEvents).toEqual([{ event: 'Signed Up', count: 2 }]);
    expect(res.body.topPages.slice(0, 1)).toEqual([{ path: '/', views: 2 }]);
    expect(res.body.channels).toEqual([
      { type: 'paid', sessions: 4, sources: [{ source: 'google', sessions: 2 }, { source: 'linkedin', sessions: 2 }] },
      { type: 'search', sessions: 2, sources: [{ source: 'google', sessions: 2 }] },
    ]);
    const bad = await get(`${c.url}/v1/stats?from=2026-05-04T00:00:00Z&to=2026-05-01T00:00:00Z`, bearer(c.secretKey));
    expect(bad.status).toBe(400);
  });
});
