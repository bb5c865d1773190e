// Issue 10, item 8: one client address (or one app) cannot hold every connection with live streams.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/config';
import { openSse, type SseClient } from './support/sseClient';
import { get, startTestCollector, type TestCollector } from './support/testCollector';

const PER_ADDRESS = 20;
const PER_APP = 30;

describe('live stream limits', () => {
  let c: TestCollector;
  const streams: SseClient[] = [];
  beforeAll(async () => {
    c = await startTestCollector('pglite', {
      // X-Forwarded-For stands for distinct client addresses.
      deps: { trustProxy: true, live: { maxStreamsPerAddress: PER_ADDRESS, maxStreamsPerApp: PER_APP, heartbeatMs: 60_000 } },
    });
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await c.close();
  });

  const open = async (address: string, writeKey = c.writeKey) => {
    const s = await openSse(`${c.url}/v1/active/stream?writeKey=${writeKey}`, { 'X-Forwarded-For': address });
    streams.push(s);
    return s;
  };

  it('admits a burst of streams from one address up to its cap and refuses the rest with a 429 JSON error', async () => {
    const burst = await Promise.all(Array.from({ length: 200 }, () => open('203.0.113.7')));
    const admitted = burst.filter((s) => s.status === 200);
    const refused = burst.filter((s) => s.status === 429);
    expect([admitted.length, refused.length]).toEqual([PER_ADDRESS, 200 - PER_ADDRESS]);
    const answer = await fetch(`${c.url}/v1/active/stream?writeKey=${c.writeKey}`, { headers: { 'X-Forwarded-For': '203.0.113.7' } });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('too_many_streams');
    await Promise.all(admitted.map((s) => s.untilCount(0)));

    // Another address, and the plain JSON endpoint, are not held up by it.
    const other = await open('198.51.100.1');
    expect(other.status).toBe(200);
    expect((await get(`${c.url}/v1/active?writeKey=${c.writeKey}`, { 'X-Forwarded-For': '203.0.113.7' })).status).toBe(200);

    // A closed stream frees its place.
    admitted[0]!.close();
    await expect.poll(async () => (await open('203.0.113.7')).status, { timeout: 5000 }).toBe(200);
    for (const s of [...admitted, other]) s.close();
  });

  it("caps one app's streams across addresses, and not another app's", async () => {
    const busy = await c.createApp({ name: 'busy' });
    const quiet = await c.createApp({ name: 'quiet' });
    const opened = await Promise.all(Array.from({ length: PER_APP }, (_, i) => open(`192.0.2.${i + 1}`, busy.writeKey)));
    expect(opened.every((s) => s.status === 200)).toBe(true);
    const over = await open('192.0.2.200', busy.writeKey);
    expect(over.status).toBe(429);
    expect((await open('192.0.2.200', quiet.writeKey)).status).toBe(200);
  });
});

describe('live stream limits configuration', () => {
  it('reads the caps from the environment, with defaults, and refuses nonsense', () => {
    expect(readConfig({})).toMatchObject({ maxStreamsPerAddress: 100, maxStreamsPerApp: 10_000 });
    expect(readConfig({ HEADCOUNT_MAX_STREAMS_PER_ADDRESS: '5', HEADCOUNT_MAX_STREAMS_PER_APP: '50' }))
      .toMatchObject({ maxStreamsPerAddress: 5, maxStreamsPerApp: 50 });
    expect(() => readConfig({ HEADCOUNT_MAX_STREAMS_PER_ADDRESS: '0' })).toThrow(ConfigError);
  });
});
