import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

// The five Segment events a marketing-attribution system published with the answers it expected (issue 11).
const SEARCHER = 'da8011b3-3b4c-4b8e-9d3c-6f1c2a7e5d10';
const JOHN_DEVICE = 'f1ef0f8d-5a7b-4c2e-8f3d-2b9e6c1a4d77';
const JOHN = 'john@gmail.com';
const SITE = 'https://www.attribution.example';
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/** Times as Segment's webhook destination relays them: the visitor's clock 2 minutes fast, sent 300 ms later. */
function relayed(clientTime: string) {
  const t = Date.parse(clientTime);
  return {
    originalTimestamp: new Date(t + 120_000).toISOString(),
    sentAt: new Date(t + 120_300).toISOString(),
    receivedAt: new Date(t + 300).toISOString(),
    timestamp: clientTime,
  };
}

/** One analytics.js call as the webhook posts it. */
function segmentEvent(n: number, call: Record<string, unknown>, at: string, path: string, search: string, referrer: string) {
  const page = { path, referrer, search, title: 'Attribution', url: `${SITE}${path}${search}` };
  return {
    channel: 'client',
    messageId: `ajs-next-issue11-${n}`,
    projectId: 'x1yz2',
    version: 2,
    integrations: {},
    ...relayed(at),
    ...call,
    context: { ip: '203.0.113.7', library: { name: 'analytics.js', version: 'next-1.55.0' }, locale: 'en-IN', page, userAgent: UA },
  };
}

function fiveEvents(): Array<Record<string, unknown>> {
  const page = { type: 'page', properties: {} };
  return [
    segmentEvent(1, { ...page, anonymousId: SEARCHER }, '2026-02-03T06:10:00.000Z', '/', '', 'https://www.google.co.in/'),
    segmentEvent(2, { ...page, anonymousId: SEARCHER }, '2026-02-03T09:20:00.000Z', '/pricing', '', ''),
    segmentEvent(3, { ...page, anonymousId: JOHN_DEVICE }, '2026-02-03T08:27:00.000Z', '/', '?li_fat_id=5b3a1c9e-0d7f-4e2a', 'https://www.linkedin.com/'),
    segmentEvent(4, { type: 'identify', anonymousId: JOHN_DEVICE, userId: JOHN, traits: { email: JOHN } }, '2026-02-03T08:28:00.000Z', '/', '?li_fat_id=5b3a1c9e-0d7f-4e2a', 'https://www.linkedin.com/'),
    segmentEvent(5, { ...page, anonymousId: JOHN_DEVICE, userId: JOHN }, '2026-02-03T08:45:00.000Z', '/blog/attribution', '', 'https://www.google.com/'),
  ];
}

/** Every order of the five events would be 120 replays; these cover in order, reversed and seeded shuffles. */
function orders(): number[][] {
  const shuffled = (seed: number) => {
    const out = [0, 1, 2, 3, 4];
    let s = seed;
    for (let i = out.length - 1; i > 0; i--) {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      const j = s % (i + 1);
      [out[i], out[j]] = [out[j] as number, out[i] as number];
    }
    return out;
  };
  return [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [4, 0, 2, 1, 3], shuffled(3), shuffled(11), shuffled(29)];
}

const sign = (body: string, secret: string) => createHmac('sha1', secret).update(body).digest('hex');
const SECRET = 'whsec_issue11';

describe.each(backends())('the five published Segment events on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  type Transport = 'webhook' | 'batch';

  /** Replays the events on a fresh app, one request each, in the given order. */
  async function replay(transport: Transport, order: number[]): Promise<{ writeKey: string; secretKey: string }> {
    const app = await c.createApp({ name: `issue11-${transport}-${order.join('')}`, webhookSecret: SECRET });
    const events = fiveEvents();
    for (const i of order) {
      const event = events[i] as Record<string, unknown>;
      let res;
      if (transport === 'webhook') {
        const body = JSON.stringify(event);
        res = await post(`${c.url}/v1/webhook/segment?writeKey=${app.writeKey}`, body, { 'X-Signature': sign(body, SECRET) });
      } else {
        // analytics.js posting itself: no upstream receipt, the client time stands.
        const { receivedAt, sentAt, originalTimestamp, ...own } = event;
        res = await post(`${c.url}/v1/batch`, { batch: [own], writeKey: app.writeKey });
      }
      expect(res.body).toMatchObject({ ok: true, accepted: 1, rejected: [] });
    }
    return app;
  }

  async function expectTheAnswers(secretKey: string) {
    const read = async (path: string) => (await get(`${c.url}${path}`, bearer(secretKey))).body;
    const touchesOf = (sessions: any[]) => sessions.map((s) => [s.startedAt, s.referrer.type, s.referrer.source, s.referrer.host]);

    const searcher = await read(`/v1/anonymous/${SEARCHER}`);
    expect(touchesOf(searcher.sessions)).toEqual([
      ['2026-02-03T06:10:00.000Z', 'search', 'google', 'www.google.co.in'],
      ['2026-02-03T09:20:00.000Z', 'direct', null, null],
    ]);

    const john = await read(`/v1/users/${encodeURIComponent(JOHN)}`);
    expect(john.anonymousIds).toEqual([JOHN_DEVICE]);
    expect(touchesOf(john.sessions)).toEqual([
      ['2026-02-03T08:27:00.000Z', 'paid', 'linkedin', 'www.linkedin.com'],
      ['2026-02-03T08:45:00.000Z', 'search', 'google', 'www.google.com'],
    ]);
    expect(john.sessions.map((s: any) => [s.eventCount, s.lastSeenAt, s.clickIds])).toEqual([
      [2, '2026-02-03T08:28:00.000Z', { li_fat_id: '5b3a1c9e-0d7f-4e2a' }],
      [1, '2026-02-03T08:45:00.000Z', {}],
    ]);
    expect(john.firstTouch).toEqual({ type: 'paid', source: 'linkedin', host: 'www.linkedin.com', url: 'https://www.linkedin.com/', timestamp: '2026-02-03T08:27:00.000Z' });
    expect(john.lastTouch).toEqual({ type: 'search', source: 'google', host: 'www.google.com', url: 'https://www.google.com/', timestamp: '2026-02-03T08:45:00.000Z' });
    expect((await read(`/v1/anonymous/${JOHN_DEVICE}`)).userId).toBe(JOHN);

    const stats = await read('/v1/stats?from=2026-02-03T00:00:00Z&to=2026-02-04T00:00:00Z');
    expect(stats).toMatchObject({ sessions: 4, visitors: 2, averageSessionSeconds: 15 });
    expect(stats.channels).toEqual([
      { type: 'search', sessions: 2, sources: [{ source: 'google', sessions: 2 }] },
      { type: 'direct', sessions: 1, sources: [{ source: null, sessions: 1 }] },
      { type: 'paid', sessions: 1, sources: [{ source: 'linkedin', sessions: 1 }] },
    ]);
    expect(stats.topPages).toEqual([{ path: '/', views: 2 }, { path: '/blog/attribution', views: 1 }, { path: '/pricing', views: 1 }]);
  }

  for (const transport of ['webhook', 'batch'] as const) {
    it(`gives the published answers through the ${transport === 'webhook' ? 'signed webhook' : '/v1/batch'}, in any order`, async () => {
      for (const order of orders()) {
        const app = await replay(transport, order);
        await expectTheAnswers(app.secretKey);
      }
    });
  }

  it('gives the same answers when the five arrive at once, each in its own request', async () => {
    for (let round = 0; round < 3; round++) {
      const app = await c.createApp({ name: `issue11-concurrent-${round}`, webhookSecret: SECRET });
      const results = await Promise.all(fiveEvents().map((event) => {
        const body = JSON.stringify(event);
        return post(`${c.url}/v1/webhook/segment?writeKey=${app.writeKey}`, body, { 'X-Signature': sign(body, SECRET) });
      }));
      for (const res of results) expect(res.body).toMatchObject({ ok: true, accepted: 1, rejected: [] });
      await expectTheAnswers(app.secretKey);
    }
  });

  it('gives the same answers when all five come in one batch', async () => {
    const app = await c.createApp({ name: 'issue11-one-batch' });
    const batch = fiveEvents().reverse().map(({ receivedAt, sentAt, originalTimestamp, ...own }) => own);
    expect((await post(`${c.url}/v1/batch`, { batch, writeKey: app.writeKey })).body).toMatchObject({ accepted: 5 });
    await expectTheAnswers(app.secretKey);
  });
});
