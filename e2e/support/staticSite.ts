// A tiny static web server: the "customer's site" that third-party libraries run on, on its own origin.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticFile {
  contentType: string;
  body: string;
}

export interface StaticSite {
  /** `http://127.0.0.1:<port>`: another origin (and another site) than a collector reached as `localhost`. */
  origin: string;
  close(): Promise<void>;
}

/** Serves `files` by path (the query string is ignored) on 127.0.0.1; anything else is a 404. */
export async function startStaticSite(files: Record<string, StaticFile>): Promise<StaticSite> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer((req, res) => {
      const file = files[new URL(req.url ?? '/', 'http://site').pathname];
      if (!file) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'Content-Type': file.contentType, 'Cache-Control': 'no-store' }).end(file.body);
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
