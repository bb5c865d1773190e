import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeadLetterRepository } from '../src/storage/deadLetterRepository';
import { backends, openTestDatabase } from './support/databases';
import { basic, bearer, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

/** JSON text of an object nested `depth` levels deep (too deep for JSON.stringify itself). */
const nestedJson = (depth: number) => `${'{"next":'.repeat(depth - 1)}{"leaf":true}${'}'.repeat(depth - 1)}`;

describe.each(backends())('no poison: what cannot be stored is rejected alone and kept, on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  const rejectedStore = async () => (await get(`${c.url}/v1/rejected?limit=1000`, bearer(c.secretKey))).body;
  const storedOf = async (anonymousId: string) =>
    (await get(`${c.url}/v1/events?limit=1000`, bearer(c.secretKey))).body.events.filter((e: any) => e.anonymousId === anonymousId);

  it('rejects times PostgreSQL cannot store, before or after clock correction, and stores the neighbours', async () => {
    const batch = [
      trackEvent({ anonymousId: 'times', timestamp: '0000-01-01T00:00:00Z' }),
      trackEvent({ anonymousId: 'times' }),
      // Valid on its own, but corrected by a sentAt 9,000 years later it would land before year 1.
      trackEvent({ anonymousId: 'times', timestamp: '1000-01-01T00:00:00Z', sentAt: '9999-01-01T00:00:00Z' }),
    ];
    const res = await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: any) => [r.index, r.error.code])).toEqual([[0, 'invalid_field'], [2, 'invalid_field']]);
    expect(res.body.rejected[0].error.message).toBe('timestamp must be between the years 0001 and 9999');
    expect(await storedOf('times')).toHaveLength(1);
  });

  it('rejects an event nested 5,000 deep as too_deep, keeps it verbatim, and stores its neighbours', async () => {
    const deep = trackEvent({ anonymousId: 'deep', properties: '@' });
    const deepJson = JSON.stringify(deep).replace('"@"', nestedJson(5000));
    const body = `{"writeKey":"${c.writeKey}","batch":[${JSON.stringify(trackEvent({ anonymousId: 'deep' }))},${deepJson}]}`;
    const res = await post(`${c.url}/v1/batch`, body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, rejected: [{ index: 1, messageId: deep.messageId, error: { code: 'too_deep' } }] });
    const kept = (await rejectedStore()).rejected.find((r: any) => r.messageId === deep.messageId);
    // Too deep to nest in a JSON answer: the text as sent.
    expect(kept.body).toBe(deepJson);
    // 64 levels is the limit: the event object, properties and 62 more.
    const atLimit = trackEvent({ anonymousId: 'deep', properties: JSON.parse(nestedJson(63)) });
    expect((await post(`${c.url}/v1/track`, atLimit, basic(c.writeKey))).body.accepted).toBe(1);
  });

  it('keeps each rejected event verbatim (as sent, before lenient rewriting) with its code and message', async () => {
    const bad = { type: 'TRACK', userId: 7, messageId: 'verbatim-1', event: 3, context: { screen: { width: '9' }, locale: 'fr-FR', note: 'été 😀 €' } };
    const res = await post(`${c.url}/v1/batch`, { batch: [bad], writeKey: c.writeKey, sentAt: '2026-11-29T00:00:00Z' });
    expect(res.body.rejected).toEqual([{ index: 0, messageId: 'verbatim-1', error: { code: 'invalid_field', message: 'event must be a string' } }]);
    const kept = (await rejectedStore()).rejected.find((r: any) => r.messageId === 'verbatim-1');
    expect(kept).toMatchObject({ code: 'invalid_field', message: 'event must be a string', kind: 'event', body: bad });
    expect(Date.parse(kept.receivedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('keeps a body that is not JSON, when the write key names the app, and answers 400', async () => {
    const res = await post(`${c.url}/v1/batch`, '{"batch": [ {"type": "track", "event": "Café 😀"', basic(c.writeKey));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
    const kept = (await rejectedStore()).rejected.find((r: any) => r.code === 'invalid_json');
    expect(kept).toMatchObject({ kind: 'batch', body: '{"batch": [ {"type": "track", "event": "Café 😀"' });
  });

  it('bounds the batch context: a small request cannot store a huge one', async () => {
    const context = { blob: 'x'.repeat(9000) };
    const res = await post(`${c.url}/v1/batch`, { batch: [trackEvent()], context, writeKey: c.writeKey });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^the batch context is \d+ bytes; the limit is 8192/);
  });

  it('rejects what passes the stored-bytes bound of one request (a 7 KB context on 2,500 events), not the request', async () => {
    const context = { note: 'y'.repeat(7000) };
    const batch = Array.from({ length: 700 }, () => trackEvent({ anonymousId: 'amplified', properties: {} }));
    const res = await post(`${c.url}/v1/batch`, { batch, context, writeKey: c.writeKey });
    expect(res.status).toBe(200);
    // 4 MiB / ~7.3 KB per stored event: the first ~570 are stored, the rest rejected (and kept, small as sent).
    expect(res.body.accepted).toBeGreaterThan(500);
    expect(res.body.accepted + res.body.rejected.length).toBe(700);
    expect(new Set(res.body.rejected.map((r: any) => r.error.code))).toEqual(new Set(['request_too_large']));
  });

  it('lets the write key read nothing of the store', async () => {
    const res = await get(`${c.url}/v1/rejected`, { Authorization: `Bearer ${c.writeKey}` });
    expect(res.status).toBe(401);
  });

  it('pages the store in storage order and refuses a tampered cursor', async () => {
    const first = await get(`${c.url}/v1/rejected?limit=1`, bearer(c.secretKey));
    expect(first.body.rejected).toHaveLength(1);
    const second = await get(`${c.url}/v1/rejected?limit=1&after=${first.body.next}`, bearer(c.secretKey));
    expect(Number(second.body.rejected[0].id)).toBeGreaterThan(Number(first.body.rejected[0].id));
    expect((await get(`${c.url}/v1/rejected?after=12345678901234567890`, bearer(c.secretKey))).status).toBe(400);
  });
});

describe.each(backends())('the dead-letter store\'s bounds and expiry, on %s', (backend) => {
  let opened: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    opened = await openTestDatabase(backend);
    await opened.db.query(`INSERT INTO apps (id, name, write_key, secret_prefix, secret_hash) VALUES ('app1', 'a', 'w', 'p', 'h')`);
  });
  afterAll(() => opened.dispose());

  const entry = (body: string, receivedAt = new Date()) =>
    ({ receivedAt, code: 'invalid_field', message: 'm', messageId: null, kind: 'event', facts: {}, body });

  it('keeps what fits per app, counts the rest, and frees space as entries leave', async () => {
    const store = createDeadLetterRepository(opened.db, { entries: 3, bytes: 1000 });
    expect(await store.keep('app1', [entry('{"a":1}'), entry('{"b":2}')])).toBe(2);
    // One more entry fits; then the entry bound is reached.
    expect(await store.keep('app1', [entry('{"c":3}'), entry('{"d":4}')])).toBe(1);
    expect(await store.notKept('app1')).toBe(1);
    const since = new Date(0);
    const page = await store.list({ appId: 'app1', limit: 10, since });
    expect(page.items.map((e) => e.body)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    expect(await store.remove('app1', [page.items[0]!.id])).toBe(1);
    // Too big for the byte bound even with room for entries.
    expect(await store.keep('app1', [entry(`"${'z'.repeat(2000)}"`)])).toBe(0);
    expect(await store.keep('app1', [entry('{"e":5}')])).toBe(1);
    expect(await store.notKept('app1')).toBe(2);
    expect(await store.purge('app1')).toBe(3);
    expect(await store.notKept('app1')).toBe(0);
  });

  it('expires entries older than the cut-off and releases their space', async () => {
    const store = createDeadLetterRepository(opened.db, { entries: 2, bytes: 1000 });
    await store.keep('app1', [entry('{"old":1}', new Date('2026-01-01T00:00:00Z')), entry('{"new":1}')]);
    expect(await store.expire(new Date('2026-06-01T00:00:00Z'))).toBe(1);
    expect(await store.keep('app1', [entry('{"again":1}')])).toBe(1);
    const bodies = (await store.list({ appId: 'app1', limit: 10, since: new Date(0) })).items.map((e) => e.body);
    expect(bodies).toEqual(['{"new":1}', '{"again":1}']);
  });
});
