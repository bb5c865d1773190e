import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from './support/databases';
import { bearer, get, post, startTestCollector, type TestCollector } from './support/testCollector';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

describe.each(backends())('how SDK sessions end, on %s', (backend) => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startTestCollector(backend);
  });
  afterAll(() => c.close());

  const send = (batch: unknown[]) => post(`${c.url}/v1/batch`, { batch, writeKey: c.writeKey });
  const sessionOf = async (anonymousId: string) => (await get(`${c.url}/v1/anonymous/${anonymousId}`, bearer(c.secretKey))).body.sessions[0];
  const event = (anonymousId: string, sessionId: string, messageId: string, timestamp: string, extra: Record<string, unknown> = {}) =>
    ({ type: 'track', event: 'Tap', anonymousId, messageId, timestamp, context: { sessionId, userAgent: UA }, ...extra });

  it('keeps the SDK\'s new_source reason when a landing from a new touch ends the visit', async () => {
    await send([
      event('ns', 'ns-1', 'ns-a', '2026-11-30T10:00:00.000Z'),
      event('ns', 'ns-1', 'ns-b', '2026-11-30T10:05:00.000Z', { event: 'Session Ended', properties: { reason: 'new_source', durationSeconds: 300 } }),
    ]);
    expect(await sessionOf('ns')).toMatchObject({ endReason: 'new_source', durationSeconds: 300 });
  });

  it('never shows a session ending before its last event (each request corrected for skew on its own)', async () => {
    // The end arrives in its own request, corrected a few ms earlier than the tap of another request.
    await send([event('skew', 'skew-1', 'skew-a', '2026-11-30T11:00:00.000Z'), event('skew', 'skew-1', 'skew-b', '2026-11-30T11:00:10.004Z')]);
    await send([event('skew', 'skew-1', 'skew-c', '2026-11-30T11:00:10.000Z', { event: 'Session Ended', properties: { reason: 'idle' } })]);
    const session = await sessionOf('skew');
    expect(session.lastSeenAt).toBe('2026-11-30T11:00:10.004Z');
    expect(session.endedAt).toBe('2026-11-30T11:00:10.004Z');
    expect(session.durationSeconds).toBe(10);
  });
});
