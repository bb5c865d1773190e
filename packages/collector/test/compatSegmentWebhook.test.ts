// Segment's webhook destinations as they post: the classic one event per request, and Actions' arrays, signed.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readApi, type ReadApi } from '../../../e2e/support/readApi';
import { expectOneSession, expectStoredAsSent, sentEventsOf } from '../../../e2e/support/storedAsSent';
import { backends } from './support/databases';
import { post, startTestCollector, type TestCollector } from './support/testCollector';

const SECRET = 'whsec_compat';
const sign = (body: string) => createHmac('sha1', SECRET).update(body).digest('hex');

const LANDING = 'https://shop.example/boots?utm_source=google&utm_medium=cpc&utm_campaign=spring';
const PAGE_CONTEXT = {
  url: LANDING, path: '/boots', search: '?utm_source=google&utm_medium=cpc&utm_campaign=spring', referrer: 'https://www.google.com/', title: 'Boots',
};

/**
 * One analytics.js call as Segment relays it: the client's times (its clock 90 s fast, the request sent 400 ms
 * after the call), Segment's receipt and its corrected time (receivedAt - (sentAt - originalTimestamp)), and
 * Segment's own fields.
 */
function relayed(n: number, call: Record<string, unknown>): Record<string, unknown> {
  const at = Date.parse('2026-06-10T09:00:00.000Z') + n * 60_000;
  return {
    messageId: `ajs-next-webhook-${n}`,
    anonymousId: 'wh-anon',
    userId: null,
    channel: 'client',
    projectId: 'proj_compat',
    version: 2,
    integrations: {},
    context: {
      library: { name: 'analytics.js', version: 'npm:next-1.84.3' },
      page: PAGE_CONTEXT,
      campaign: { source: 'google', medium: 'cpc', name: 'spring' },
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
      ip: '203.0.113.7',
    },
    originalTimestamp: new Date(at + 90_000).toISOString(),
    sentAt: new Date(at + 90_400).toISOString(),
    receivedAt: new Date(at + 400).toISOString(),
    timestamp: new Date(at).toISOString(),
    ...call,
  };
}

const PAGE = relayed(0, { type: 'page', name: 'Boots', properties: PAGE_CONTEXT });
/** What an Actions webhook batches after the page: the rest of the visit. */
const ACTIONS_BATCH = [
  relayed(1, { type: 'track', event: 'Product Added', properties: { sku: 'boot-42' } }),
  relayed(2, { type: 'identify', userId: 'wh-user', traits: { email: 'grace@example.com' } }),
  relayed(3, { type: 'group', userId: 'wh-user', groupId: 'wh-group', traits: { name: 'Acme' } }),
  relayed(4, { type: 'alias', userId: 'wh-user-2', previousId: 'wh-user' }),
];

describe.each(backends())("Segment's webhook destinations on %s", (backend) => {
  let c: TestCollector;
  let read: ReadApi;
  beforeAll(async () => {
    c = await startTestCollector(backend, { app: { webhookSecret: SECRET } });
    read = readApi(c.url, c);
  });
  afterAll(() => c.close());

  const deliver = (body: string, signature = sign(body)) =>
    post(`${c.url}/v1/webhook/segment?writeKey=${c.writeKey}`, body, { 'X-Signature': signature });

  it('stores a signed single event with its times corrected by Segment\'s receipt (trusted because signed) and Segment\'s own fields', async () => {
    const deliveredFrom = Date.now();
    const body = JSON.stringify(PAGE);
    expect((await deliver(body)).body).toMatchObject({ ok: true, accepted: 1, duplicates: 0, rejected: [] });
    // Segment delivers at least once: the same delivery again is a duplicate.
    expect((await deliver(body)).body).toMatchObject({ ok: true, accepted: 0, duplicates: 1 });

    const events = await read.events();
    expectStoredAsSent(events, sentEventsOf([body]));
    const { messageId, type, name, originalTimestamp, sentAt, timestamp, channel, projectId, version, integrations } = PAGE;
    expect(events[0]).toMatchObject({ messageId, type, name, originalTimestamp, sentAt, timestamp, channel, projectId, version, integrations });
    // receivedAt is the collector's own receipt; Segment's placed the event in time (timestamp above).
    expect(Date.parse(events[0]!.receivedAt)).toBeGreaterThanOrEqual(deliveredFrom);
  });

  it('stores a signed array once per event: ids, times, the visit\'s one session and its paid Google source', async () => {
    // The visit's page view came first (one event, a classic webhook): delivered again here, it is at most a duplicate.
    expect((await deliver(JSON.stringify(PAGE))).body).toMatchObject({ ok: true, rejected: [] });
    const body = JSON.stringify(ACTIONS_BATCH);
    expect((await deliver(body)).body).toMatchObject({ ok: true, accepted: 4, duplicates: 0, rejected: [] });
    expect((await deliver(body)).body).toMatchObject({ ok: true, accepted: 0, duplicates: 4 });

    const events = await read.events();
    expect(events.map((e) => e.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'track']);
    expectStoredAsSent(events, sentEventsOf([JSON.stringify(PAGE), body]));
    for (const sent of [PAGE, ...ACTIONS_BATCH]) {
      const stored = events.find((e) => e.messageId === sent.messageId);
      expect(stored, String(sent.messageId)).toMatchObject({ originalTimestamp: sent.originalTimestamp, sentAt: sent.sentAt, timestamp: sent.timestamp });
    }

    const sessionId = expectOneSession(events);
    const sessions = await read.sessions();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ id: sessionId, anonymousId: 'wh-anon', landingPage: LANDING, eventCount: 5, startedAt: PAGE.timestamp });
    expect(sessions[0]!.referrer).toMatchObject({ type: 'paid', source: 'google', host: 'www.google.com' });
    expect(sessions[0]!.campaign).toEqual({ source: 'google', medium: 'cpc', name: 'spring' });

    const user = await read.user('wh-user');
    expect(user.anonymousIds).toEqual(['wh-anon']);
    expect(user.sessions.map((s) => s.id)).toEqual([sessionId]);
    expect(user.firstTouch).toMatchObject({ type: 'paid', source: 'google', timestamp: PAGE.timestamp });
  });

  it('refuses an array whose signature does not match with 401, storing none of it', async () => {
    const forged = [relayed(9, { type: 'track', event: 'Forged' })];
    const body = JSON.stringify(forged);
    const res = await deliver(body.replace('Forged', 'Forgex'), sign(body));
    expect([res.status, res.body.error?.code]).toEqual([401, 'invalid_signature']);
    expect((await read.events({ event: 'Forgex' })).length + (await read.events({ event: 'Forged' })).length).toBe(0);
  });
});
