import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { erasePerson } from '../src/storage/eraseRepository';
import { messageKeyCopyText } from '../src/storage/messageKey';
import { backends } from './support/databases';
import { post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

const UUID = '0b9c8f6e-3d2a-4c1b-9e8f-7a6b5c4d3e2f';
// Forms that must each stay a messageId of its own, and text COPY gives a meaning to.
const IDS = [
  UUID, UUID.toUpperCase(), UUID.replace(/-/g, ''), `{${UUID}}`, `${UUID} `, 'ajs-next-8b1f0c2d9e3a4b5c6d7e8f9a0b1c2d3e',
  'mi2k3x9q0a1b2c3d4e5f6g7h', '0123456789abcdef', 'x', 'tab\there', 'line\nbreak', 'back\\slash', '\\N', '漢字 😀', '\u0001',
];

/** The key the collector COPYs, as the hex of its bytes. */
const collectorKeyHex = (messageId: string) => messageKeyCopyText(messageId).replace(/^\\\\x/, '');

// Migration 0020: a messageId's dedupe key is bytes, 17 for a canonical UUID (its 16 after a 0 byte), else a 1 byte and
// its UTF-8; the collector's encoder (COPY) and the database's (headcount_message_key: retries claimed one by one,
// placement, erasure) must agree on every messageId.
describe.each(backends())('dedupe keys of messageIds on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  it('are the same bytes whether the collector or the database makes them, and a canonical UUID takes 17', async () => {
    const rows = await c.db.query<{ id: string; hex: string }>(
      'SELECT id, encode(headcount_message_key(id), \'hex\') AS hex FROM unnest($1::text[]) AS id', [IDS]);
    expect(rows.map((r) => r.hex)).toEqual(IDS.map(collectorKeyHex));
    expect(collectorKeyHex(UUID)).toHaveLength(34);
    expect(new Set(IDS.map(collectorKeyHex)).size).toBe(IDS.length);
  });

  it('store each messageId once, in any form, whether claimed by the COPY or one by one after a retry', async () => {
    const send = async (batch: unknown[]) => (await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey })).body;
    const event = (messageId: string) => trackEvent({ messageId, anonymousId: 'keys' });
    expect(await send(IDS.map(event))).toMatchObject({ accepted: IDS.length, duplicates: 0, rejected: [] });
    // A retry of two of them beside a new one: the COPY meets a claimed key, then each is claimed alone.
    expect(await send([event(UUID), event('fresh-one'), event('漢字 😀')])).toMatchObject({ accepted: 1, duplicates: 2 });
    const stored = await c.db.query<{ message_id: string }>(
      "SELECT message_id FROM events WHERE app_id = $1 AND anonymous_id = 'keys' ORDER BY message_id", [c.appId]);
    expect(stored.map((r) => r.message_id)).toEqual([...IDS, 'fresh-one'].sort());
    const [keys] = await c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM event_ids WHERE app_id = $1', [c.appId]);
    expect(keys?.n).toBe(IDS.length + 1);
  });

  it('go with the events of an erased person, so the same messageIds are new again', async () => {
    const event = (messageId: string) => trackEvent({ messageId, anonymousId: 'erased-person' });
    const ids = [`${UUID.slice(0, -4)}aaaa`, 'erased-text-id'];
    expect((await post(`${c.url}/v1/batch`, { batch: ids.map(event), writeKey: c.writeKey })).body).toMatchObject({ accepted: 2 });
    expect((await erasePerson(c.db, c.appId, { anonymousId: 'erased-person' })).events).toBe(2);
    expect((await post(`${c.url}/v1/batch`, { batch: ids.map(event), writeKey: c.writeKey })).body).toMatchObject({ accepted: 2, duplicates: 0 });
  });
});
