// A pass-through HTTP proxy in front of the collector that records every request and answer, preflights and
// sendBeacon bodies included (Chromium does not show a page either of those).
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedCall {
  method: string;
  /** Path and query, e.g. `/v1/t` or `/beacon/v1/batch?writeKey=...`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The request body as received, or null when there was none. */
  body: string | null;
  /** The collector's answer: its status and its Access-Control-Allow-Origin, once it came. */
  status: number | null;
  allowOrigin: string | null;
  /** The answer's body (its first 500 characters), once it ended. */
  answer: string | null;
}

export interface RecordingProxy {
  /** `http://localhost:<port>`: how pages reach the collector through the proxy. */
  origin: string;
  calls: ProxiedCall[];
  close(): Promise<void>;
}

/** Forwards everything to `target` (an `http://127.0.0.1:<port>` collector) unchanged. */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const calls: ProxiedCall[] = [];
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const call: ProxiedCall = {
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          headers: req.headers,
          body: body.length > 0 ? body.toString('utf8') : null,
          status: null,
          allowOrigin: null,
          answer: null,
        };
        calls.push(call);
        const forward = request(
          { host: upstream.hostname, port: upstream.port, method: call.method, path: call.path, headers: { ...req.headers, host: upstream.host } },
          (answer) => {
            call.status = answer.statusCode ?? null;
            const allow = answer.headers['access-control-allow-origin'];
            call.allowOrigin = typeof allow === 'string' ? allow : null;
            const answerChunks: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => answerChunks.push(chunk));
            answer.on('end', () => void (call.answer = Buffer.concat(answerChunks).toString('utf8').slice(0, 500)));
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forward.on('error', () => res.destroy());
        forward.end(body);
      });
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    calls,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
