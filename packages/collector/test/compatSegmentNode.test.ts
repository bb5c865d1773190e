// Segment's Node library from npm, unmodified, with only its host pointed at the collector.
import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../e2e/support/eventually';
import { readApi } from '../../../e2e/support/readApi';
import { expectCorrectedTimes, expectOneSession, expectStoredAsSent, sentEventsOf } from '../../../e2e/support/storedAsSent';
import { backends } from './support/databases';
import { startTestCollector, type TestCollector } from './support/testCollector';

/** A backend relaying a page view (Segment puts its facts in properties), then server-side calls without page context. */
const LANDING = 'https://shop.example/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=may-digest';
const PAGE_PROPERTIES = { url: LANDING, path: '/pricing', search: '?utm_source=newsletter&utm_medium=email&utm_campaign=may-digest', referrer: 'https://mail.google.com/', title: 'Pricing' };

describe.each(backends())('@segment/analytics-node on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  it('stores page, track, identify, group and alias once each, with their ids, corrected times, one session and its source', async () => {
    const analytics = new Analytics({ writeKey: c.writeKey, host: c.url, flushAt: 1, flushInterval: 100 });
    const bodies: string[] = [];
    const errors: unknown[] = [];
    analytics.on('http_request', (request) => bodies.push(request.body));
    analytics.on('error', (err) => errors.push(err));

    const from = Date.now();
    analytics.page({ anonymousId: 'node-anon', name: 'Pricing', properties: PAGE_PROPERTIES });
    // The page view is delivered first, so the server-side calls that follow happen (on this clock) inside its session.
    await analytics.flush({ timeout: 10_000 });
    analytics.track({ anonymousId: 'node-anon', event: 'Order Completed', properties: { revenue: 42 } });
    analytics.identify({ anonymousId: 'node-anon', userId: 'node-user', traits: { email: 'seg@example.com' } });
    analytics.group({ anonymousId: 'node-anon', userId: 'node-user', groupId: 'acme', traits: { name: 'Acme' } });
    analytics.alias({ userId: 'node-user-2', previousId: 'node-user' });
    const to = Date.now();
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);

    // Segment retries silently: the collector is the judge, not the library's promise.
    const read = readApi(c.url, c);
    const sent = sentEventsOf(bodies);
    const events = await eventually('every call stored', async () => {
      const stored = await read.events();
      if (stored.length >= sent.size) return stored;
      throw new Error(`stored ${stored.map((e) => e.type).join(',') || 'nothing'} of ${[...sent.values()].map((e) => e.type).join(',')}`);
    });
    expect(events.map((e) => e.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'track']);
    expectStoredAsSent(events, sent);
    expectCorrectedTimes(events, { from, to });
    for (const event of events) expect(event.context.library?.name).toBe('@segment/analytics-node');
    expect(events.find((e) => e.type === 'track')!.properties).toEqual({ revenue: 42 });

    // The relayed page view starts an inferred session; the server-side calls join it, the alias (no
    // anonymousId, its previousId is the visitor) too.
    const sessionId = expectOneSession(events.filter((e) => e.type !== 'alias'));
    expect(events.find((e) => e.type === 'alias')!.sessionId, 'the server-side alias joins its previousId visitor\'s open session').toBe(sessionId);
    const sessions = await read.sessions();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ id: sessionId, anonymousId: 'node-anon', landingPage: LANDING, eventCount: 5 });
    expect(sessions[0]!.referrer).toMatchObject({ type: 'email', source: 'newsletter', host: 'mail.google.com' });
    expect(sessions[0]!.campaign).toEqual({ source: 'newsletter', medium: 'email', name: 'may-digest' });

    const user = await read.user('node-user');
    expect(user.anonymousIds).toEqual(['node-anon']);
    expect(user.sessions.map((s) => s.id)).toEqual([sessionId]);
    expect(user.firstTouch).toMatchObject({ type: 'email', source: 'newsletter' });
  });
});
