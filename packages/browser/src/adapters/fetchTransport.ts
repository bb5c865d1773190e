/**
 * POST {host}/v1/batch as text/plain (a CORS "simple" request: no preflight), the write key in the body.
 * Unload sends use fetch keepalive; when that is refused, sendBeacon takes the same body.
 */
import type { Reply, Transport } from '../core/ports';

export function fetchTransport(url: string): Transport {
  return (body, keepalive) =>
    // A hung request would hold the sender lock for every tab: give up after 30 s and retry. Keys in the order that
    // gzips smallest (measured).
    fetch(url, { keepalive, method: 'POST', body, signal: AbortSignal.timeout?.(3e4) }).then(
      async (r): Promise<Reply> => [r.status, await r.json().catch(() => undefined), r.headers.get('Retry-After')],
      (e) => {
        if (keepalive && navigator.sendBeacon(url, body)) return undefined;
        throw e;
      },
    );
}
