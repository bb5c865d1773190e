import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { basic, bearer, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

const eventsOf = async (c: TestCollector, anonymousId: string) =>
  (await get(`${c.url}/v1/events?limit=1000`, bearer(c.secretKey))).body.events.filter((e: any) => e.anonymousId === anonymousId);

describe.each(backends())('every path real clients post to, on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend, { app: { webhookSecret: 'shh' } });
  });
  afterAll(() => c.close());

  it('takes one event on each of Segment\'s short paths (analytics-next, mobile libraries), as text/plain with Basic auth', async () => {
    const calls: Array<[string, Record<string, unknown>]> = [
      ['t', { type: 'track', event: 'Clicked' }],
      ['p', { type: 'page', name: 'Home' }],
      ['s', { type: 'screen', name: 'Home' }],
      ['i', { type: 'identify', userId: 'u-short', traits: { plan: 'pro' } }],
      ['g', { type: 'group', groupId: 'acme' }],
      ['a', { type: 'alias', userId: 'u-short', previousId: 'short' }],
    ];
    for (const [letter, event] of calls) {
      const res = await post(`${c.url}/v1/${letter}`, JSON.stringify({ ...event, anonymousId: 'short', messageId: `short-${letter}` }),
        { 'Content-Type': 'text/plain', ...basic(c.writeKey) });
      expect([letter, res.status, res.body]).toEqual([letter, 200, { ok: true, accepted: 1, duplicates: 0, rejected: [] }]);
    }
    expect((await eventsOf(c, 'short')).map((e: any) => e.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track']);
  });

  it('refuses an event of another type on a path named for one, alone', async () => {
    const res = await post(`${c.url}/v1/t`, { type: 'page', anonymousId: 'x', messageId: 'wrong-type' }, basic(c.writeKey));
    expect(res.body.rejected).toEqual([{ index: 0, messageId: 'wrong-type', error: { code: 'invalid_type', message: 'this endpoint takes track events' } }]);
  });

  it('takes batches on /v1/b and on RudderStack\'s beacon path (write key in the query, text/plain)', async () => {
    const b = await post(`${c.url}/v1/b`, { batch: [trackEvent({ anonymousId: 'b-path' })], writeKey: c.writeKey, sentAt: new Date().toISOString() });
    expect(b.body).toMatchObject({ ok: true, accepted: 1 });
    const beacon = await post(`${c.url}/beacon/v1/batch?writeKey=${c.writeKey}`,
      JSON.stringify({ batch: [trackEvent({ anonymousId: 'beacon' }), trackEvent({ anonymousId: 'beacon' })], sentAt: new Date().toISOString() }),
      { 'Content-Type': 'text/plain;charset=UTF-8' });
    expect(beacon.body).toMatchObject({ ok: true, accepted: 2 });
    expect(await eventsOf(c, 'beacon')).toHaveLength(2);
  });

  it('answers analytics-next\'s metrics on /v1/m with 200 and stores nothing', async () => {
    const before = (await get(`${c.url}/v1/events?limit=1000`, bearer(c.secretKey))).body.events.length;
    const res = await post(`${c.url}/v1/m`, JSON.stringify({ series: [{ type: 'Counter', metric: 'analytics_js.invoke', value: 1 }] }),
      { 'Content-Type': 'text/plain' });
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
    expect((await get(`${c.url}/v1/events?limit=1000`, bearer(c.secretKey))).body.events.length).toBe(before);
  });

  it('answers CORS preflights on every path a browser library posts to', async () => {
    for (const path of ['/v1/t', '/v1/p', '/v1/i', '/v1/g', '/v1/a', '/v1/s', '/v1/b', '/v1/m', '/beacon/v1/batch', '/v1/webhook/segment']) {
      const res = await fetch(`${c.url}${path}`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
      });
      expect([path, res.status, res.headers.get('access-control-allow-origin')]).toEqual([path, 204, 'https://shop.example']);
      expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    }
  });

  it('takes an array of events on the signed webhook (Segment Actions batching)', async () => {
    const body = JSON.stringify([trackEvent({ anonymousId: 'webhook-array' }), trackEvent({ anonymousId: 'webhook-array' }), { type: 'track' }]);
    const signature = createHmac('sha1', 'shh').update(body).digest('hex');
    const res = await post(`${c.url}/v1/webhook/segment?writeKey=${c.writeKey}`, body, { 'X-Signature': signature });
    expect(res.body).toMatchObject({ ok: true, accepted: 2, rejected: [{ index: 2, error: { code: 'missing_identity' } }] });
    expect(await eventsOf(c, 'webhook-array')).toHaveLength(2);
  });
});

describe('the webhook\'s trust', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector('pglite', { app: { origins: ['https://mine.example'] } });
  });
  afterAll(() => c.close());

  it('holds a browser Origin to the app\'s allowed origins', async () => {
    const res = await post(`${c.url}/v1/webhook/segment?writeKey=${c.writeKey}`, trackEvent(), { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('origin_not_allowed');
    const ok = await post(`${c.url}/v1/webhook/segment?writeKey=${c.writeKey}`, trackEvent({ anonymousId: 'mine' }), { Origin: 'https://mine.example' });
    expect(ok.body).toMatchObject({ accepted: 1 });
  });

  it('never trusts the body\'s own receivedAt when the body is unsigned', async () => {
    const sent = Date.now();
    const claimed = new Date(sent - 3 * 86_400_000).toISOString();
    const res = await post(`${c.url}/v1/webhook/segment?writeKey=${c.writeKey}`, trackEvent({
      anonymousId: 'unsigned', timestamp: new Date(sent).toISOString(), sentAt: new Date(sent).toISOString(), receivedAt: claimed,
    }));
    expect(res.body.accepted).toBe(1);
    const [stored] = await eventsOf(c, 'unsigned');
    // Corrected from this collector's receipt, not from the claimed one three days earlier.
    expect(Date.parse(stored.timestamp)).toBeGreaterThan(sent - 60_000);
  });
});
