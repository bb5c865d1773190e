import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

// Events reach the database as rows of COPY's text format: every character that format gives a meaning to
// (tab, newline, carriage return, backslash, "\N", "\."), and text it does not, must come back exactly as sent.
const ODD = ['tab\there', 'line\nbreak', 'cr\rlf\r\n', 'back\\slash', '\\N', '\\.', '\\\\N', '\\t literally', 'quote " and \'', '',
  'ünïcödé 漢字 😀 \u{10FFFF}', '\u2028\u2029', 'trailing backslash \\'];

describe.each(backends())('stored rows on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  const stored = async (anonymousId: string) =>
    (await get(`${c.url}/v1/events?limit=1000`, bearer(c.secretKey))).body.events.filter((e: any) => e.anonymousId === anonymousId);

  it('keeps text that means something to COPY, in every column, exactly as sent', async () => {
    const batch = ODD.map((odd, i) => ({
      ...trackEvent({ anonymousId: `odd\t${backend}`, userId: `user ${odd}` }),
      messageId: `odd-${i}-${odd}`,
      event: `Event ${odd}`,
      properties: { [`key ${odd}`]: odd, nested: [odd, { odd }] },
      context: { page: { path: `/p/${odd}`, title: odd }, userAgent: odd, locale: odd },
      channel: odd,
    }));
    const res = await post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey });
    expect(res.body).toMatchObject({ ok: true, accepted: ODD.length, duplicates: 0, rejected: [] });
    const events = await stored(`odd\t${backend}`);
    expect(events).toHaveLength(ODD.length);
    for (const [i, odd] of ODD.entries()) {
      const event = events.find((e: any) => e.messageId === `odd-${i}-${odd}`);
      expect(event).toMatchObject({
        userId: `user ${odd}`,
        event: `Event ${odd}`,
        properties: { [`key ${odd}`]: odd, nested: [odd, { odd }] },
        context: { page: { path: `/p/${odd}`, title: odd }, userAgent: odd, locale: odd },
        channel: odd,
      });
    }
  });

  it('stores large values (a property of 22 KB as JSON, 32 KB as COPY text) and an event of empty strings', async () => {
    const big = 'x\\y\tz\n'.repeat(2_500);
    const res = await post(`${c.url}/v1/batch`, {
      batch: [
        { ...trackEvent({ anonymousId: 'big' }), messageId: 'big-1', properties: { big } },
        { ...trackEvent({ anonymousId: 'big' }), messageId: 'big-2', event: ' ', properties: { '': '' }, context: { locale: '' } },
      ],
      writeKey: c.writeKey,
    });
    expect(res.body).toMatchObject({ accepted: 2, rejected: [] });
    const events = await stored('big');
    expect(events.find((e: any) => e.messageId === 'big-1').properties.big).toBe(big);
    expect(events.find((e: any) => e.messageId === 'big-2')).toMatchObject({ event: ' ', properties: { '': '' }, context: { locale: '' } });
  });

  it('rejects NUL and unpaired surrogates in any field alone, and stores the neighbours', async () => {
    const good = { ...trackEvent({ anonymousId: 'nul' }), messageId: 'nul-good' };
    const res = await post(`${c.url}/v1/batch`, {
      batch: [
        { ...trackEvent({ anonymousId: 'nul' }), messageId: 'nul-in-event', event: 'a\u0000b' },
        { ...trackEvent({ anonymousId: 'nul' }), messageId: 'lone-surrogate-in-user', userId: 'u\ud800' },
        { ...trackEvent({ anonymousId: 'nul' }), messageId: 'lone-surrogate-in-property', properties: { p: '\udc00x' } },
        good,
      ],
      writeKey: c.writeKey,
    });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected.map((r: any) => r.index).sort()).toEqual([0, 1, 2]);
    expect((await stored('nul')).map((e: any) => e.messageId)).toEqual(['nul-good']);
  });

  it('stores each of many concurrent overlapping batches once: dedupe holds across the staging table', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `overlap-${i}`);
    // Eight requests at once, each a different window of the same ids, in different orders.
    const requests = Array.from({ length: 8 }, (_, r) => {
      const window = ids.slice(r * 5, r * 5 + 30);
      const ordered = r % 2 === 0 ? window : [...window].reverse();
      return post(`${c.url}/v1/batch`, {
        batch: ordered.map((messageId) => ({ ...trackEvent({ anonymousId: 'overlap' }), messageId })),
        writeKey: c.writeKey,
      });
    });
    const answers = await Promise.all(requests);
    const accepted = answers.reduce((sum, a) => sum + a.body.accepted, 0);
    const duplicates = answers.reduce((sum, a) => sum + a.body.duplicates, 0);
    const sent = answers.reduce((sum, a) => sum + a.body.accepted + a.body.duplicates, 0);
    const events = await stored('overlap');
    const distinct = ids.length;
    expect(events).toHaveLength(distinct);
    expect(new Set(events.map((e: any) => e.messageId)).size).toBe(distinct);
    expect(accepted).toBe(distinct);
    expect(duplicates).toBe(sent - distinct);
  });
});
