import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configure } from '../../core/options';
import { browserEnv } from '../browserEnv';

afterEach(() => {
  vi.unstubAllGlobals();
});

/**
 * The environment of a page with `navigator` (stubbed by the test, or empty), for the app `wk` with the collector at `host`:
 * its queue, lock and lock names are prefixed `hc_qwk`.
 */
function envAt(host = 'https://c.test') {
  if (typeof navigator == 'undefined') vi.stubGlobal('navigator', {});
  vi.stubGlobal('screen', { width: 1, height: 1 });
  vi.stubGlobal('location', new URL('https://site.test/'));
  vi.stubGlobal('document', { referrer: '', title: '', hidden: false });
  return browserEnv(configure({ writeKey: 'wk', host, storage: 'memory' }));
}

describe('send', () => {
  it('POSTs the body to {host}/v1/batch as text/plain (no CORS preflight) and reads status, JSON and Retry-After', async () => {
    let seen: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: string } = {};
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = { method: req.method, url: req.url, headers: req.headers, body };
        res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '7' });
        res.end('{"error":{"code":"database_unavailable","message":"later"}}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const { send } = envAt(`http://127.0.0.1:${port}/`);
      const reply = await send('{"batch":[],"writeKey":"wk"}');
      expect(seen.method).toBe('POST');
      expect(seen.url).toBe('/v1/batch');
      expect(seen.headers!['content-type']).toMatch(/^text\/plain/);
      expect(seen.body).toBe('{"batch":[],"writeKey":"wk"}');
      expect(reply).toEqual([503, { error: { code: 'database_unavailable', message: 'later' } }, '7']);
    } finally {
      server.close();
    }
  });

  it('uses keepalive for unload sends, and sendBeacon when fetch refuses', async () => {
    const fetch = vi.fn().mockRejectedValue(new TypeError('keepalive budget exceeded'));
    const sendBeacon = vi.fn().mockReturnValue(true);
    vi.stubGlobal('fetch', fetch);
    vi.stubGlobal('navigator', { sendBeacon });
    const { send } = envAt();
    await expect(send('{"batch":[]}', true)).resolves.toBeUndefined();
    expect(fetch.mock.calls[0]![0]).toBe('https://c.test/v1/batch');
    expect(fetch.mock.calls[0]![1]).toMatchObject({ method: 'POST', keepalive: true, body: '{"batch":[]}' });
    expect(fetch.mock.calls[0]![1].signal).toBeInstanceOf(AbortSignal);
    expect(sendBeacon).toHaveBeenCalledWith('https://c.test/v1/batch', '{"batch":[]}');
    // A normal send that fails is a network error: the core retries it.
    await expect(send('{"batch":[]}')).rejects.toThrow('keepalive');
    expect(sendBeacon).toHaveBeenCalledTimes(1);
  });

  it('aborts a request the collector never answers, so the sender lock is released', async () => {
    const server = createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const timeout = vi.spyOn(AbortSignal, 'timeout').mockImplementation(() => AbortSignal.abort(new DOMException('timed out', 'TimeoutError')));
    try {
      const { port } = server.address() as AddressInfo;
      await expect(envAt(`http://127.0.0.1:${port}`).send('{}')).rejects.toThrow();
      expect(timeout).toHaveBeenCalledWith(30_000);
    } finally {
      timeout.mockRestore();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('lock', () => {
  it("runs the sender under the app's named Web Lock", async () => {
    const order: string[] = [];
    let tail = Promise.resolve();
    const request = vi.fn((_name: string, fn: () => Promise<void>) => {
      const run = tail.then(fn);
      tail = run;
      return run;
    });
    vi.stubGlobal('navigator', { locks: { request } });
    const { lock } = envAt();
    const slow = (id: string) => async () => {
      order.push(`${id} start`);
      await new Promise((r) => setTimeout(r, 5));
      order.push(`${id} end`);
    };
    await Promise.all([lock('q', slow('tab1')), lock('q', slow('tab2'))]);
    expect(request.mock.calls.map((c) => c[0])).toEqual(['hc_qwkq', 'hc_qwkq']);
    expect(order).toEqual(['tab1 start', 'tab1 end', 'tab2 start', 'tab2 end']);
  });

  it('runs unlocked where Web Locks are missing or refuse', async () => {
    const fn = vi.fn(async () => {});
    vi.stubGlobal('navigator', {});
    await envAt().lock('q', fn);
    vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(new DOMException('opaque origin', 'SecurityError')) } });
    await envAt().lock('q', fn);
    expect(fn).toHaveBeenCalledTimes(2);
  });
});

describe('lockNames', () => {
  it("lists the session announcements held under the app's prefix (names that continue with '['), without the prefix", async () => {
    const held = ['hc_qwk[{"i":"s1"},"a1"]', 'hc_qwkq', 'hc_qwks', 'hc_qother[{"i":"s2"},"a2"]', '[{"i":"s3"},"a3"]'];
    vi.stubGlobal('navigator', { locks: { query: async () => ({ held: held.map((name) => ({ name })), pending: [] }) } });
    expect(await envAt().lockNames()).toEqual(['[{"i":"s1"},"a1"]']);
  });

  it('answers undefined without Web Locks and an empty list when the query fails', async () => {
    vi.stubGlobal('navigator', {});
    expect(envAt().lockNames()).toBeUndefined();
    vi.stubGlobal('navigator', { locks: { query: () => Promise.reject(new DOMException('opaque origin', 'SecurityError')) } });
    expect(await envAt().lockNames()).toEqual([]);
  });
});
