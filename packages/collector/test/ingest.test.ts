import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_EVENTS } from '@headcount/schema';
import { backends } from './support/databases';
import { basic, bearer, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

describe.each(backends())('ingest on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  const events = async (query = '') => (await get(`${c.url}/v1/events?limit=1000${query}`, bearer(c.secretKey))).body;

  it('stores a batch sent with HTTP Basic and answers only with committed counts', async () => {
    const batch = [trackEvent({ anonymousId: 'basic-1' }), trackEvent({ anonymousId: 'basic-1' })];
    const res = await post(`${c.url}/v1/batch`, { batch }, basic(c.writeKey));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, accepted: 2, duplicates: 0, rejected: [] });
    const stored = (await events()).events.filter((e: any) => e.anonymousId === 'basic-1');
    expect(stored.map((e: any) => e.messageId).sort()).toEqual(batch.map((e) => e.messageId).sort());
  });

  it('stores a re-sent batch once and counts the duplicates', async () => {
    const batch = [trackEvent({ anonymousId: 'dup' }), trackEvent({ anonymousId: 'dup' }), trackEvent({ anonymousId: 'dup' })];
    const first = await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey });
    const again = await post(`${c.url}/v1/batch`, { batch: [...batch, batch[0]], writeKey: c.writeKey });
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 0 });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 4 });
    expect((await events()).events.filter((e: any) => e.anonymousId === 'dup')).toHaveLength(3);
  });

  it('keeps the first copy once when a retry of it is dated differently (another sentAt)', async () => {
    // The retry went out a minute later from a clock 10 minutes behind: its corrected time is not the first one's.
    const event = trackEvent({ anonymousId: 'retried', timestamp: '2026-03-01T10:00:00.000Z' });
    const first = await post(`${c.url}/v1/batch`, { batch: [event], sentAt: '2026-03-01T10:00:01.000Z', writeKey: c.writeKey });
    const retry = await post(`${c.url}/v1/batch`, { batch: [event, trackEvent({ anonymousId: 'retried' })], sentAt: '2026-03-01T09:51:01.000Z', writeKey: c.writeKey });
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(retry.body).toMatchObject({ accepted: 1, duplicates: 1 });
    const stored = (await events()).events.filter((e: any) => e.messageId === event.messageId);
    expect(stored).toHaveLength(1);
    expect(stored[0].sentAt).toBe('2026-03-01T10:00:01.000Z');
  });

  it('counts a messageId repeated inside one batch as a duplicate', async () => {
    const event = trackEvent({ anonymousId: 'dup-inside' });
    const res = await post(`${c.url}/v1/batch`, { batch: [event, event], writeKey: c.writeKey });
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('keeps the valid events of a mixed batch and lists each invalid one', async () => {
    const good = [trackEvent({ anonymousId: 'mixed' }), trackEvent({ anonymousId: 'mixed' })];
    const batch = [good[0], { type: 'track', anonymousId: 'mixed', messageId: 'bad-1' }, 'nonsense', good[1],
      { ...trackEvent({ anonymousId: 'mixed' }), properties: [1, 2] }];
    const res = await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toEqual([
      { index: 1, messageId: 'bad-1', error: { code: 'missing_field', message: 'event is required for track' } },
      { index: 2, messageId: null, error: { code: 'invalid_event', message: 'each event must be a JSON object' } },
      { index: 4, messageId: batch[4] && (batch[4] as any).messageId, error: { code: 'invalid_field', message: 'properties must be an object' } },
    ]);
    const stored = (await events()).events.filter((e: any) => e.anonymousId === 'mixed');
    expect(stored.map((e: any) => e.messageId).sort()).toEqual(good.map((e) => e.messageId).sort());
  });

  it('corrects a skewed client clock with sentAt', async () => {
    // The kiosk's clock is 3 days behind; the tap happened 40 s before the request was sent.
    const skew = 3 * 86_400_000;
    const clientNow = Date.now() - skew;
    const event = trackEvent({ anonymousId: 'skewed', timestamp: new Date(clientNow - 40_000).toISOString() });
    const before = Date.now();
    await post(`${c.url}/v1/batch`, { batch: [event], sentAt: new Date(clientNow).toISOString(), writeKey: c.writeKey });
    const after = Date.now();
    const [stored] = (await events()).events.filter((e: any) => e.anonymousId === 'skewed');
    const ts = Date.parse(stored.timestamp);
    expect(ts).toBeGreaterThanOrEqual(before - 40_000);
    expect(ts).toBeLessThanOrEqual(after - 40_000);
    expect(stored.originalTimestamp).toBe(event.timestamp);
    expect(Date.parse(stored.receivedAt) - ts).toBe(40_000);
  });

  it('never places an event without sentAt later than its receipt', async () => {
    const event = trackEvent({ anonymousId: 'future', timestamp: new Date(Date.now() + 3_600_000).toISOString() });
    await post(`${c.url}/v1/batch`, { batch: [event], writeKey: c.writeKey });
    const [stored] = (await events()).events.filter((e: any) => e.anonymousId === 'future');
    expect(stored.timestamp).toBe(stored.receivedAt);
  });

  it('accepts a text/plain body (sendBeacon) with the write key inside', async () => {
    const event = trackEvent({ anonymousId: 'beacon' });
    const res = await post(`${c.url}/v1/batch`, JSON.stringify({ batch: [event], writeKey: c.writeKey }), { 'Content-Type': 'text/plain;charset=UTF-8' });
    expect(res.body).toMatchObject({ ok: true, accepted: 1 });
  });

  it('takes one event on each single-event endpoint, its type implied by the path', async () => {
    const base = { anonymousId: 'single', userId: 'user-single' };
    const calls: Array<[string, Record<string, unknown>]> = [
      ['track', { event: 'Bought', properties: { price: 3 } }],
      ['page', { name: 'Home', properties: { path: '/' } }],
      ['screen', { name: 'Start' }],
      ['identify', { traits: { plan: 'pro' } }],
      ['alias', { previousId: 'old-id' }],
      ['group', { groupId: 'acme', traits: { size: 3 } }],
    ];
    for (const [type, body] of calls) {
      const res = await post(`${c.url}/v1/${type}`, { ...base, messageId: `single-${type}`, ...body }, basic(c.writeKey));
      expect(res.body, type).toEqual({ ok: true, accepted: 1, duplicates: 0, rejected: [] });
    }
    const stored = (await events()).events.filter((e: any) => e.anonymousId === 'single');
    expect(stored.map((e: any) => e.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track']);
    expect(stored.find((e: any) => e.type === 'alias')).toMatchObject({ previousId: 'old-id', userId: 'user-single' });
    expect(stored.find((e: any) => e.type === 'identify').traits).toEqual({ plan: 'pro' });
    const wrong = await post(`${c.url}/v1/page`, { ...base, type: 'track', event: 'x' }, basic(c.writeKey));
    expect(wrong.body.rejected[0].error).toEqual({ code: 'invalid_type', message: 'this endpoint takes page events' });
  });

  it('merges the batch context into each event and truncates the IP', async () => {
    const event = trackEvent({ anonymousId: 'ctx', context: { locale: 'fr-FR', ip: '203.0.113.77' } });
    await post(`${c.url}/v1/batch`, { batch: [event], context: { locale: 'en-US', timezone: 'Europe/Paris' }, writeKey: c.writeKey });
    const [stored] = (await events()).events.filter((e: any) => e.anonymousId === 'ctx');
    expect(stored.context).toMatchObject({ locale: 'fr-FR', timezone: 'Europe/Paris', ip: '203.0.113.0' });
  });

  it('answers each error with its code', async () => {
    const url = `${c.url}/v1/batch`;
    const cases: Array<[Promise<{ status: number; body: any }>, number, string]> = [
      [post(url, '{"batch": [', basic(c.writeKey)), 400, 'invalid_json'],
      [post(url, '', basic(c.writeKey)), 400, 'invalid_json'],
      [post(url, [1, 2], basic(c.writeKey)), 400, 'invalid_body'],
      [post(url, { batch: 'x' }, basic(c.writeKey)), 400, 'invalid_body'],
      [post(url, { batch: [] }), 401, 'invalid_write_key'],
      [post(url, { batch: [], writeKey: 'wk_nope' }), 401, 'invalid_write_key'],
      [post(url, { batch: Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => ({})) }, basic(c.writeKey)), 413, 'payload_too_large'],
      [post(url, { batch: [{ blob: 'x'.repeat(600 * 1024) }] }, basic(c.writeKey)), 413, 'payload_too_large'],
      [post(url, 'batch=1', { ...basic(c.writeKey), 'Content-Type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type'],
      [get(`${c.url}/v1/nothing`), 404, 'not_found'],
    ];
    for (const [request, status, code] of cases) {
      const res = await request;
      expect([res.status, res.body.error.code], code).toEqual([status, code]);
      expect(res.body.error.message.length).toBeGreaterThan(10);
    }
  });

  it('never lets the write key read, nor a wrong secret', async () => {
    for (const path of ['/v1/events', '/v1/sessions']) {
      const withWriteKey = await get(`${c.url}${path}`, bearer(c.writeKey));
      expect([withWriteKey.status, withWriteKey.body.error.code]).toEqual([401, 'invalid_secret_key']);
      const withBasic = await get(`${c.url}${path}`, basic(c.writeKey));
      expect(withBasic.status).toBe(401);
      const wrong = await get(`${c.url}${path}`, bearer('sk_wrong'));
      expect(wrong.status).toBe(401);
      // The right app's prefix with the wrong secret after it.
      const forged = await get(`${c.url}${path}`, bearer(`${c.secretKey.slice(0, 11)}${'x'.repeat(40)}`));
      expect([forged.status, forged.body.error.code]).toEqual([401, 'invalid_secret_key']);
    }
  });

  it("keeps apps apart: another app's secret sees none of this app's events", async () => {
    const other = await c.createApp({ name: 'other-app' });
    await post(`${c.url}/v1/batch`, { batch: [trackEvent({ anonymousId: 'isolated' })], writeKey: c.writeKey });
    const seen = await get(`${c.url}/v1/events?limit=1000`, bearer(other.secretKey));
    expect(seen.body.events).toEqual([]);
  });

  it('pages through events and sessions with stable cursors', async () => {
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const batch = Array.from({ length: 25 }, (_, i) =>
      trackEvent({ anonymousId: 'pager', timestamp: new Date(t0 + (i % 5) * 1000).toISOString(), context: { sessionId: `pager-${i % 5}` } }));
    await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey });
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const res: any = await get(`${c.url}/v1/events?limit=7&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z${next ? `&after=${next}` : ''}`, bearer(c.secretKey));
      expect(res.status).toBe(200);
      seen.push(...res.body.events.map((e: any) => e.messageId));
      next = res.body.next;
      pages++;
    } while (next);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(25);
    expect(seen.sort()).toEqual(batch.map((e) => e.messageId as string).sort());

    const first = await get(`${c.url}/v1/sessions?limit=3&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`, bearer(c.secretKey));
    const second = await get(`${c.url}/v1/sessions?limit=3&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&after=${first.body.next}`, bearer(c.secretKey));
    expect([...first.body.sessions, ...second.body.sessions].map((s: any) => s.id)).toEqual(['pager-0', 'pager-1', 'pager-2', 'pager-3', 'pager-4']);
    expect(second.body.next).toBeNull();
    expect(first.body.sessions[0]).toMatchObject({ eventCount: 5, anonymousId: 'pager' });
  });

  it('filters events by session, type and name, and refuses bad query values', async () => {
    const batch = [
      trackEvent({ anonymousId: 'filter', event: 'Opened', context: { sessionId: 'filter-s' } }),
      { type: 'page', anonymousId: 'filter', messageId: 'filter-page', name: 'Home', context: { sessionId: 'filter-s' } },
    ];
    await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey });
    const bySession = await get(`${c.url}/v1/events?sessionId=filter-s`, bearer(c.secretKey));
    expect(bySession.body.events).toHaveLength(2);
    const pages = await get(`${c.url}/v1/events?sessionId=filter-s&type=page`, bearer(c.secretKey));
    expect(pages.body.events.map((e: any) => e.messageId)).toEqual(['filter-page']);
    const named = await get(`${c.url}/v1/events?event=Opened&sessionId=filter-s`, bearer(c.secretKey));
    expect(named.body.events).toHaveLength(1);
    for (const query of ['limit=0', 'limit=abc', 'from=yesterday', 'after=zzz', 'type=ping']) {
      const res = await get(`${c.url}/v1/events?${query}`, bearer(c.secretKey));
      expect([res.status, res.body.error.code], query).toEqual([400, 'invalid_query']);
    }
  });

  it('answers /healthz while the database is up', async () => {
    const res = await get(`${c.url}/healthz`);
    expect(res.status).toBe(200);
  });
});
