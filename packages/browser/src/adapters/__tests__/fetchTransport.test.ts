import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchTransport } from '../fetchTransport';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('fetchTransport', () => {
  it('POSTs the body as text/plain (no CORS preflight) and reads status, JSON and Retry-After', async () => {
    let seen: { method?: string; headers?: IncomingHttpHeaders; body?: string } = {};
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = { method: req.method, headers: req.headers, body };
        res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '7' });
        res.end('{"error":{"code":"database_unavailable","message":"later"}}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const send = fetchTransport(`http://127.0.0.1:${port}/v1/batch`);
      const reply = await send('{"batch":[],"writeKey":"wk"}');
      expect(seen.method).toBe('POST');
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
    const send = fetchTransport('https://c.test/v1/batch');
    await expect(send('{"batch":[]}', true)).resolves.toBeUndefined();
    expect(fetch.mock.calls[0]![1]).toMatchObject({ method: 'POST', keepalive: true, body: '{"batch":[]}' });
    expect(fetch.mock.calls[0]![1].signal).toBeInstanceOf(AbortSignal);
    expect(sendBeacon).toHaveBeenCalledWith('https://c.test/v1/batch', '{"batch":[]}');
    // A normal send that fails is a network error: the core retries it.
    await expect(send('{"batch":[]}')).rejects.toThrow('keepalive');
    expect(sendBeacon).toHaveBeenCalledTimes(1);
  });
});

describe('fetchTransport timeout', () => {
  it('aborts a request the collector never answers, so the sender lock is released', async () => {
    const server = createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const timeout = vi.spyOn(AbortSignal, 'timeout').mockImplementation(() => AbortSignal.abort(new DOMException('timed out', 'TimeoutError')));
    try {
      const { port } = server.address() as AddressInfo;
      await expect(fetchTransport(`http://127.0.0.1:${port}/v1/batch`)('{}')).rejects.toThrow();
      expect(timeout).toHaveBeenCalledWith(30_000);
    } finally {
      timeout.mockRestore();
      server.closeAllConnections();
      server.close();
    }
  });
});
