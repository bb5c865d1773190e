import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config';
import { clientKeyOf, createRateLimiter } from '../src/http/rateLimit';
import { post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

/** Admits `n` requests of `client` and tells, for each, whether it got through. */
function attempts(limiter: ReturnType<typeof createRateLimiter>, appId: string, client: string, n: number): boolean[] {
  return Array.from({ length: n }, () => {
    try {
      limiter.take(appId, client);
      return true;
    } catch {
      return false;
    }
  });
}

describe('ingest rate limits per app and per client address', () => {
  it('one address runs dry on its own bucket; the app-wide ceiling only counts what got through', () => {
    let clock = 0;
    const limiter = createRateLimiter({ perApp: 100, perAddress: 10 }, () => clock);
    // Bursts are twice the per-second rate; the clock stands still, so nothing refills.
    expect(attempts(limiter, 'app', '203.0.113.7', 5000).filter(Boolean)).toHaveLength(20);
    expect(attempts(limiter, 'app', '198.51.100.1', 20).every(Boolean)).toBe(true);
    expect(attempts(limiter, 'other', '203.0.113.7', 1)).toEqual([true]);
    clock += 1000;
    expect(attempts(limiter, 'app', '203.0.113.7', 11).filter(Boolean)).toHaveLength(10);
  });

  it('the app-wide ceiling still holds across many addresses, with Retry-After', () => {
    const limiter = createRateLimiter({ perApp: 10, perAddress: 5 }, () => 0);
    let admitted = 0;
    for (let i = 0; i < 50; i++) admitted += attempts(limiter, 'app', `192.0.2.${i}`, 1).filter(Boolean).length;
    expect(admitted).toBe(20);
    try {
      limiter.take('app', '192.0.2.200');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ status: 429, code: 'rate_limited', headers: { 'Retry-After': '1' } });
    }
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as IPv4', () => {
    expect(clientKeyOf('2001:db8:1:2:aaaa::1')).toBe(clientKeyOf('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'));
    expect(clientKeyOf('2001:db8:1:2::1')).not.toBe(clientKeyOf('2001:db8:1:3::1'));
    expect(clientKeyOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKeyOf(undefined)).toBe('');
  });

  it('HEADCOUNT_RATE_LIMIT_PER_ADDRESS defaults to a tenth of HEADCOUNT_RATE_LIMIT', () => {
    expect(readConfig({}).rateLimitPerAddressPerSecond).toBe(100);
    expect(readConfig({ HEADCOUNT_RATE_LIMIT: '50' }).rateLimitPerAddressPerSecond).toBe(5);
    expect(readConfig({ HEADCOUNT_RATE_LIMIT: '0' }).rateLimitPerAddressPerSecond).toBe(0);
    expect(readConfig({ HEADCOUNT_RATE_LIMIT_PER_ADDRESS: '7' }).rateLimitPerAddressPerSecond).toBe(7);
    expect(() => readConfig({ HEADCOUNT_RATE_LIMIT_PER_ADDRESS: '-1' })).toThrow(/HEADCOUNT_RATE_LIMIT_PER_ADDRESS/);
  });
});

// Transport behaviour, the same on every database: PGlite is enough.
describe('an abusive client does not starve the other visitors of its app', () => {
  let c: TestCollector;
  const clock = Date.parse('2026-11-22T10:00:00Z');

  beforeAll(async () => {
    c = await startTestCollector('pglite', {
      deps: { now: () => new Date(clock), trustProxy: true, rateLimitPerSecond: 20, rateLimitPerAddressPerSecond: 2 },
    });
  });
  afterAll(() => c.close());

  it('50 requests of unreadable batches from one address, then a visitor from another gets 200s', async () => {
    const abuser = { 'X-Forwarded-For': '203.0.113.66' };
    const abusive = await Promise.all(Array.from({ length: 50 }, () => post(`${c.url}/v1/batch`, { batch: 'nope', writeKey: c.writeKey }, abuser)));
    const statuses = abusive.map((r) => r.status).sort();
    // Its own burst (twice 2 a second) is read and refused as 400; the rest stop at its address.
    expect(statuses.filter((s) => s === 400)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(46);
    expect(abusive.find((r) => r.status === 429)?.headers.get('retry-after')).toBe('1');

    const visitor = { 'X-Forwarded-For': '198.51.100.9' };
    const visits = [];
    for (let i = 0; i < 4; i++) visits.push((await post(`${c.url}/v1/batch`, { batch: [trackEvent()], writeKey: c.writeKey }, visitor)).status);
    expect(visits).toEqual([200, 200, 200, 200]);
  });

  it('forged webhook signatures are charged to their sender: 429 after its burst, while Segment still gets through', async () => {
    const secret = 'whsec-test';
    const hooked = await c.createApp({ name: 'hooked', webhookSecret: secret });
    const url = `${c.url}/v1/webhook/segment?writeKey=${hooked.writeKey}`;
    const forger = { 'X-Forwarded-For': '203.0.113.99', 'X-Signature': '00'.repeat(20) };
    const forged = [];
    for (let i = 0; i < 6; i++) forged.push((await post(url, trackEvent(), forger)).status);
    expect(forged).toEqual([401, 401, 401, 401, 429, 429]);

    const body = JSON.stringify(trackEvent());
    const signature = createHmac('sha1', secret).update(body).digest('hex');
    const segment = await post(url, body, { 'X-Forwarded-For': '198.51.100.77', 'X-Signature': signature });
    expect(segment.status).toBe(200);
  });
});
