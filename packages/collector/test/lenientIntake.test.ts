import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

describe.each(backends())('lenient intake (PRODUCT.md §2), on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  const events = async () => (await get(`${c.url}/v1/events?limit=1000`, bearer(c.secretKey))).body.events;

  it('stores numeric ids as their decimal strings, any-case types and numeric strings as numbers', async () => {
    const batch = [
      { type: 'TRACK', event: 'Bought', userId: 42, messageId: 'lenient-1', context: { screen: { width: '1280', height: ' 720 ' } } },
      { type: 'Identify', userId: 42, anonymousId: 9007199254740991, messageId: 'lenient-2' },
      { type: 'group', userId: 42, groupId: 7, messageId: 'lenient-3' },
      { type: 'alias', userId: 42, previousId: 41, messageId: 'lenient-4' },
      // RudderStack's numeric session id names a session like its string.
      { type: 'page', anonymousId: 'rudder', messageId: 'lenient-5', context: { sessionId: 1764500000123, page: { path: '/' } } },
    ];
    const res = await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey });
    expect(res.body).toEqual({ ok: true, accepted: 5, duplicates: 0, rejected: [] });
    const stored = new Map((await events()).map((e: any) => [e.messageId, e]));
    expect(stored.get('lenient-1')).toMatchObject({ type: 'track', userId: '42', context: { screen: { width: 1280, height: 720 } } });
    expect(stored.get('lenient-2')).toMatchObject({ type: 'identify', anonymousId: '9007199254740991' });
    expect(stored.get('lenient-3')).toMatchObject({ groupId: '7' });
    expect(stored.get('lenient-4')).toMatchObject({ previousId: '41' });
    expect(stored.get('lenient-5')).toMatchObject({ sessionId: '1764500000123' });
    const sessions = (await get(`${c.url}/v1/sessions?limit=100`, bearer(c.secretKey))).body.sessions;
    expect(sessions.map((s: any) => s.id)).toContain('1764500000123');
  });

  it('keeps unknown top-level fields (channel, integrations, projectId, version) and never the write key', async () => {
    const event = {
      type: 'track', event: 'Kept', anonymousId: 'extras', messageId: 'extras-1', channel: 'server', projectId: 'p1',
      version: 2, integrations: { All: true }, writeKey: c.writeKey, category: 'Docs',
    };
    expect((await post(`${c.url}/v1/track`, event)).body.accepted).toBe(1);
    const stored = (await events()).find((e: any) => e.messageId === 'extras-1');
    expect(stored).toMatchObject({ channel: 'server', projectId: 'p1', version: 2, integrations: { All: true }, category: 'Docs' });
    expect(stored).not.toHaveProperty('writeKey');
  });

  it('stores an event sent without messageId once, however often the same request is retried', async () => {
    const body = { batch: [{ type: 'track', event: 'No Id', anonymousId: 'no-id', timestamp: '2026-11-29T10:00:00.000Z' }], writeKey: c.writeKey, sentAt: '2026-11-29T10:00:01.000Z' };
    const first = await post(`${c.url}/v1/batch`, body);
    const retry = await post(`${c.url}/v1/batch`, body);
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 1 });
    const other = await post(`${c.url}/v1/batch`, { ...body, batch: [{ ...body.batch[0], event: 'Another' }] });
    expect(other.body).toMatchObject({ accepted: 1 });
    const stored = (await events()).filter((e: any) => e.anonymousId === 'no-id');
    expect(stored).toHaveLength(2);
    expect(stored[0].messageId).toMatch(/^hc-[0-9a-f]{40}$/);
  });

  it('treats a batch-level sentAt or context of null as absent', async () => {
    const res = await post(`${c.url}/v1/batch`, {
      batch: [{ type: 'track', event: 'Nulls', anonymousId: 'nulls', messageId: 'nulls-1' }], sentAt: null, context: null, writeKey: c.writeKey,
    });
    expect(res.body).toMatchObject({ ok: true, accepted: 1 });
  });
});
