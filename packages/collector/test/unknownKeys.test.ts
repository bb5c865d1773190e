import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App, AppsRepository } from '../src/apps/appsRepository';
import { newWriteKey } from '../src/apps/keys';
import { createAppResolver } from '../src/http/auth';
import type { Database } from '../src/storage/database';
import { backends, openTestDatabase } from './support/databases';
import { basic, bearer, get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

// The heap is measured after a full collection, so only what the resolver keeps is counted.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const heapUsed = () => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

const MB = 1024 * 1024;

/** An apps repository that knows one app and counts every lookup. */
function countingRepository(app: App) {
  const lookups: string[] = [];
  const repo = {
    async findByWriteKey(writeKey: string) {
      lookups.push(writeKey.slice(0, 40));
      return writeKey === app.writeKey ? app : null;
    },
    async findBySecretPrefix(prefix: string) {
      lookups.push(prefix);
      return [];
    },
  } as unknown as AppsRepository;
  return { repo, lookups };
}

const knownApp: App = {
  id: 'app_known', name: 'known', writeKey: newWriteKey(), secretHash: '0'.repeat(64), origins: [],
  activeWindowSeconds: 300, webhookSecret: null, retentionDays: null, timezone: null, createdAt: new Date(0),
};

describe('unknown write keys', () => {
  it('a flood of 3,000 distinct 400 KB keys is refused without a lookup and leaves the heap as it was', async () => {
    const { repo, lookups } = countingRepository(knownApp);
    const resolver = createAppResolver(repo, () => 0);
    const before = heapUsed();
    for (let i = 0; i < 3000; i++) {
      // Each key is new (its number first), as an attacker's would be.
      const key = `${i}-${'k'.repeat(400 * 1024)}`;
      await expect(resolver.byWriteKey(key)).rejects.toMatchObject({ status: 401, code: 'invalid_write_key' });
    }
    const grown = heapUsed() - before;
    expect(lookups).toEqual([]);
    expect(resolver.cacheBytes()).toBe(0);
    // Without the shape check the cache kept every key: 1.2 GB.
    expect(grown).toBeLessThan(64 * MB);
  });

  it('keys of the right shape that belong to no app are cached within a byte budget that never evicts real apps', async () => {
    let clock = 0;
    const { repo, lookups } = countingRepository(knownApp);
    const resolver = createAppResolver(repo, () => clock);
    await expect(resolver.byWriteKey(knownApp.writeKey)).resolves.toBe(knownApp);
    for (let i = 0; i < 12_000; i++) {
      await expect(resolver.byWriteKey(newWriteKey())).rejects.toMatchObject({ status: 401 });
    }
    expect(resolver.cacheBytes()).toBeLessThanOrEqual(2 * MB + 16 * 1024);
    lookups.length = 0;
    clock += 1000;
    // Still served from the cache: the flood evicted only unknown keys.
    await expect(resolver.byWriteKey(knownApp.writeKey)).resolves.toBe(knownApp);
    expect(lookups).toEqual([]);
  });

  it('secret keys of another shape are refused without a lookup', async () => {
    const { repo, lookups } = countingRepository(knownApp);
    const resolver = createAppResolver(repo, () => 0);
    for (const secret of ['sk_short', `sk_${'a'.repeat(41)}`, `xx_${'a'.repeat(40)}`, `sk_${'a'.repeat(39)}!`, 'k'.repeat(100_000)]) {
      await expect(resolver.bySecretKey(secret)).rejects.toMatchObject({ status: 401, code: 'invalid_secret_key' });
    }
    expect(lookups).toEqual([]);
  });
});

describe.each(backends())('unknown keys over HTTP (%s)', (backend) => {
  let c: TestCollector;
  let appLookups = 0;
  const clock = Date.parse('2026-11-22T10:00:00Z');

  beforeAll(async () => {
    const opened = await openTestDatabase(backend);
    // Counts the statements that look an app up by its keys: the ones a malformed key must never cause.
    const counted = new Proxy(opened.db, {
      get(target, prop, receiver) {
        if (prop === 'query') {
          return (sql: string, params?: unknown[]) => {
            if (/FROM apps WHERE (write_key|secret_prefix)/.test(sql)) appLookups++;
            return target.query(sql, params);
          };
        }
        if (prop === 'close') return opened.dispose;
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Database;
    c = await startTestCollector(backend, {
      db: counted,
      deps: { now: () => new Date(clock), trustProxy: true, authFailuresPerSecond: 10 },
    });
  });
  afterAll(async () => {
    await c.close();
    await c.db.close();
  });

  const from = (address: string) => ({ 'X-Forwarded-For': address });

  it('malformed keys get 401 at once and never reach the database, wherever they are sent', async () => {
    appLookups = 0;
    const malformed = ['wk_short', `wk_${'A'.repeat(23)}-`, `${c.writeKey}x`, 'k'.repeat(400 * 1024)];
    let address = 0;
    for (const key of malformed) {
      // A fresh address each time, so the 401 limit below never answers in their place.
      const headers = from(`192.0.2.${++address}`);
      const viaBody = await post(`${c.url}/v1/batch`, { batch: [trackEvent()], writeKey: key }, headers);
      expect([viaBody.status, viaBody.body.error.code]).toEqual([401, 'invalid_write_key']);
      if (key.length > 1000) continue; // longer than a header or URL may be
      const viaBasic = await post(`${c.url}/v1/track`, trackEvent(), { ...headers, ...basic(key) });
      expect(viaBasic.status).toBe(401);
      expect((await get(`${c.url}/v1/active?writeKey=${encodeURIComponent(key)}`, headers)).status).toBe(401);
      expect((await post(`${c.url}/v1/webhook/segment?writeKey=${encodeURIComponent(key)}`, trackEvent(), headers)).status).toBe(401);
      expect((await get(`${c.url}/v1/events`, { ...headers, ...bearer(`sk_${key}`) })).status).toBe(401);
    }
    expect(appLookups).toBe(0);
  });

  it('an address that keeps failing key checks gets 429 with Retry-After before any lookup; others are not affected', async () => {
    const guesser = from('203.0.113.50');
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 30; i++) {
      const res = await post(`${c.url}/v1/batch`, { batch: [trackEvent()], writeKey: newWriteKey() }, guesser);
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    // A burst of twice the per-second rate, then nothing while the (frozen) clock stands still.
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual(Array(10).fill(429));
    expect(limited?.body.error.code).toBe('rate_limited');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    appLookups = 0;
    expect((await post(`${c.url}/v1/batch`, { batch: [trackEvent()], writeKey: newWriteKey() }, guesser)).status).toBe(429);
    expect(appLookups).toBe(0);

    const visitor = await post(`${c.url}/v1/batch`, { batch: [trackEvent()], writeKey: c.writeKey }, from('198.51.100.20'));
    expect([visitor.status, visitor.body]).toEqual([200, expect.anything()]);
  });
});
