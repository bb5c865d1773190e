import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, post, startTestCollector, trackEvent, type TestCollector } from './support/testCollector';

// Transport concerns (CORS, rate limits, the SDK script) do not depend on the database: PGlite is enough.
describe('HTTP behaviour', () => {
  let c: TestCollector;
  let clock = Date.parse('2026-11-22T10:00:00Z');
  const sdkDir = mkdtempSync(join(tmpdir(), 'headcount-sdk-'));
  const sdkFile = join(sdkDir, 'headcount.js');
  writeFileSync(sdkFile, 'window.headcount = window.headcount || {};\n');

  beforeAll(async () => {
    c = await startTestCollector('pglite', {
      app: { origins: ['https://allowed.example'] },
      deps: { rateLimitPerSecond: 5, now: () => new Date(clock), sdkPath: () => sdkFile },
    });
  });
  afterAll(() => c.close());

  it('answers CORS preflights for any origin, then refuses origins the app did not list', async () => {
    const preflight = await fetch(`${c.url}/v1/batch`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://elsewhere.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://elsewhere.example');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type,authorization');

    const allowed = await post(`${c.url}/v1/batch`, { batch: [trackEvent()], writeKey: c.writeKey }, { Origin: 'https://allowed.example' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://allowed.example');
    expect(allowed.headers.get('access-control-expose-headers')).toBe('Retry-After');

    const refused = await post(`${c.url}/v1/batch`, { batch: [trackEvent()], writeKey: c.writeKey }, { Origin: 'https://evil.example' });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'origin_not_allowed']);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('limits an app to its request rate with 429 and Retry-After, then lets it through again', async () => {
    clock += 60_000;
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 12; i++) {
      const res = await post(`${c.url}/v1/batch`, { batch: [trackEvent()], writeKey: c.writeKey });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(limited?.body.error.code).toBe('rate_limited');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    clock += 1000;
    expect((await post(`${c.url}/v1/batch`, { batch: [trackEvent()], writeKey: c.writeKey })).status).toBe(200);
  });

  it('serves the SDK first-party with caching and an ETag', async () => {
    const res = await fetch(`${c.url}/headcount.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    expect(await res.text()).toContain('window.headcount');
    // A browser revalidating its cached copy (fetch() itself would add Cache-Control: no-cache).
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http.get(`${c.url}/headcount.js`, { headers: { 'If-None-Match': etag as string } }, (r) => {
        r.resume();
        resolve(r.statusCode);
      }).on('error', reject);
    });
    expect(status).toBe(304);
  });

  it('answers /healthz', async () => {
    expect((await get(`${c.url}/healthz`)).body).toEqual({ ok: true, database: 'up' });
  });
});
