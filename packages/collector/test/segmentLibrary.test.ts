import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, startTestCollector, type TestCollector } from './support/testCollector';

describe.each(backends())("Segment's official Node library on %s", (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  it('delivers track, page and identify unmodified, with only its host pointed at the collector', async () => {
    const analytics = new Analytics({ writeKey: c.writeKey, host: c.url, flushAt: 2, flushInterval: 100 });
    const errors: unknown[] = [];
    analytics.on('error', (err) => errors.push(err));
    analytics.page({ anonymousId: 'seg-anon', name: 'Pricing', properties: { path: '/pricing', url: 'https://shop.example/pricing', referrer: 'https://duckduckgo.com/' } });
    analytics.identify({ anonymousId: 'seg-anon', userId: 'seg-user', traits: { email: 'seg@example.com' } });
    analytics.track({ userId: 'seg-user', anonymousId: 'seg-anon', event: 'Order Completed', properties: { revenue: 42 } });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);

    const { events } = (await get(`${c.url}/v1/events?limit=100`, bearer(c.secretKey))).body;
    expect(events.map((e: any) => [e.type, e.event ?? e.name]).sort()).toEqual([['identify', null], ['page', 'Pricing'], ['track', 'Order Completed']]);
    for (const event of events) {
      expect(event.messageId).toMatch(/.+/);
      expect(event.context.library.name).toBe('@segment/analytics-node');
      expect(Date.parse(event.timestamp)).toBeLessThanOrEqual(Date.parse(event.receivedAt));
      expect(event.sentAt).not.toBeNull();
    }
    expect(events.find((e: any) => e.type === 'track').properties).toEqual({ revenue: 42 });

    const user = (await get(`${c.url}/v1/users/seg-user`, bearer(c.secretKey))).body;
    expect(user.anonymousIds).toEqual(['seg-anon']);
    expect(user.firstTouch, JSON.stringify(user)).toMatchObject({ type: 'search', source: 'duckduckgo' });
  });
});
