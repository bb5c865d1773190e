import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Transaction } from '../src/storage/database';
import { migrate } from '../src/storage/migrate';
import { openPglite } from '../src/storage/pgliteDatabase';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

describe.each(backends())('one bad event never fails its neighbours, on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  it('rejects strings PostgreSQL cannot store (NUL, unpaired surrogates) and keeps the rest of the batch', async () => {
    const good = trackEvent({ anonymousId: 'nul', properties: { note: 'emoji 😀 and a literal \\u0000 are fine' } });
    const nul = trackEvent({ anonymousId: 'nul', properties: { note: 'bad\u0000byte' } });
    const surrogate = trackEvent({ anonymousId: 'nul', context: { page: { title: 'half \ud800 pair' } } });
    const res = await post(`${c.url}/v1/batch`, { batch: [nul, good, surrogate], writeKey: c.writeKey });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: any) => [r.index, r.error.code])).toEqual([[0, 'invalid_field'], [2, 'invalid_field']]);
    const stored = (await get(`${c.url}/v1/events?limit=100`, bearer(c.secretKey))).body.events.filter((e: any) => e.anonymousId === 'nul');
    expect(stored.map((e: any) => e.properties.note)).toEqual(['emoji 😀 and a literal \\u0000 are fine']);
  });
});

describe('a request the database refuses, grouped with others', () => {
  let c: TestCollector;
  const seenGroups: string[][] = [];

  beforeAll(async () => {
    const real = await openPglite();
    await migrate(real);
    // Refuses any insert that carries a "poison" event, as the database would a value it cannot store.
    // The events reach the database as COPY rows (tab-separated, the anonymousId a field of its own).
    const guard = (tx: Transaction): Transaction => ({
      ...tx,
      copyFrom: async (copies, around, next) => {
        const text = copies.find((c) => c.sql.includes('COPY events '))?.rows.join('');
        if (text === undefined) return tx.copyFrom(copies, around, next);
        seenGroups.push(['poison', 'bystander'].filter((m) => text.includes(m)));
        // The first write is slow, so the requests behind it queue up and share the next commit.
        if (text.includes('\tbug\t')) throw new TypeError('cannot read properties of undefined');
        if (text.includes('first')) await new Promise((r) => setTimeout(r, 300));
        if (text.includes('poison')) {
          throw Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' });
        }
        return tx.copyFrom(copies, around, next);
      },
    });
    const db: Database = { ...real, transaction: (fn) => real.transaction((tx) => fn(guard(tx))) };
    c = await startTestCollector('pglite', { db });
  });
  afterAll(() => c.close());

  it('is refused alone: the requests that shared its commit, and its own neighbours, are stored', async () => {
    const send = (...markers: string[]) =>
      post(`${c.url}/v1/batch`, { batch: markers.map((marker) => trackEvent({ anonymousId: marker })), writeKey: c.writeKey });
    const firstAnswer = send('first');
    await new Promise((r) => setTimeout(r, 100));
    const [first, poisoned, bystander] = await Promise.all([firstAnswer, send('neighbour-1', 'poison', 'neighbour-2'), send('bystander')]);
    expect(first.status).toBe(200);
    expect(poisoned.status).toBe(200);
    expect(poisoned.body).toMatchObject({ ok: true, accepted: 2, duplicates: 0 });
    expect(poisoned.body.rejected).toEqual([{
      index: 1, messageId: expect.any(String), error: { code: 'unstorable', message: expect.stringContaining('invalid input syntax') },
    }]);
    expect(bystander.body).toMatchObject({ ok: true, accepted: 1 });
    expect(seenGroups).toContainEqual(['poison', 'bystander']);
    const stored = (await get(`${c.url}/v1/events?limit=100`, bearer(c.secretKey))).body.events.map((e: any) => e.anonymousId);
    expect(stored.sort()).toEqual(['bystander', 'first', 'neighbour-1', 'neighbour-2']);
    const kept = (await get(`${c.url}/v1/rejected`, bearer(c.secretKey))).body.rejected;
    expect(kept).toMatchObject([{ code: 'unstorable', kind: 'event', body: { anonymousId: 'poison', type: 'track' } }]);
  });

  it('answers 500, never a rejection, when the failure is not the data\'s (a bug must not empty a queue)', async () => {
    const res = await post(`${c.url}/v1/batch`, { batch: [trackEvent({ anonymousId: 'bug' })], writeKey: c.writeKey });
    expect(res.status).toBe(500);
  });
});
