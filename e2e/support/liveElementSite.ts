// A collector that serves a static page of <headcount-live> elements, records the live streams pages open,
// and can stall them: the connection stays open and says nothing, as a half-open one does after sleep.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, createAppsRepository, type CollectorDeps } from '@headcount/collector';
import { openTestDatabase } from '../../packages/collector/test/support/databases';
import { e2eBackend } from './backend';

export interface LiveElementSite {
  url: string;
  writeKey: string;
  /** Serves `html` as the page at `path` (the element script loads from the collector, first-party). */
  page(path: string, html: string): string;
  /** The `/v1/active/stream` requests received, in order (path and query). */
  streamRequests: string[];
  /** While stalled, every stream (open or new) receives nothing; the connections stay up. */
  stall(stalled: boolean): void;
  close(): Promise<void>;
}

export async function startLiveElementSite(): Promise<LiveElementSite> {
  const database = await openTestDatabase(e2eBackend());
  const { app } = await createAppsRepository(database.db).create({ name: 'live-element' });
  const pages = new Map<string, string>();
  const site = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const html = req.method === 'GET' ? pages.get(req.url ?? '') : undefined;
    if (html === undefined) return next();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
  };
  // Connect-style middleware is what Express mounts; the Router type only adds methods we do not use.
  const collector = createApp({ db: database.db, extraRoutes: [site as unknown as NonNullable<CollectorDeps['extraRoutes']>[number]] });
  const streamRequests: string[] = [];
  let stalled = false;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer((req, res) => {
      if (req.url?.startsWith('/v1/active/stream')) {
        streamRequests.push(req.url);
        swallowWritesWhile(res, () => stalled);
      }
      collector.app(req, res);
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    writeKey: app.writeKey,
    page(path, html) {
      pages.set(`/site${path}`, html);
      return `${url}/site${path}`;
    },
    streamRequests,
    stall: (value) => void (stalled = value),
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      // SSE streams never end by themselves.
      server.closeAllConnections();
      await collector.close();
      await closed;
      await database.dispose();
    },
  };
}

/** Drops what the collector writes to `res` while `stalled()` (headers already sent stay sent). */
function swallowWritesWhile(res: ServerResponse, stalled: () => boolean): void {
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  res.write = ((...args: unknown[]) => (stalled() ? true : write(...args))) as typeof res.write;
}
