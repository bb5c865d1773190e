// A real collector over HTTP, serving the examples exactly as `pnpm start` does, on a fresh database.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, createAppsRepository, type CollectorDeps } from '@headcount/collector';
import { openTestDatabase, type Backend } from '../../packages/collector/test/support/databases';
import { exampleRoutes } from '../../scripts/demo/exampleRoutes.mjs';
import { e2eBackend } from './backend';
import { readApi, type ReadApi } from './readApi';

type ExtraRoute = NonNullable<CollectorDeps['extraRoutes']>[number];

export interface Outage {
  /** API requests that found the collector unreachable, in order (beacons and keepalive sends included). */
  refused: Array<{ path: string; at: number }>;
  /** Makes the collector reachable again. */
  end(): void;
}

export interface DemoCollector {
  url: string;
  backend: Backend;
  writeKey: string;
  secretKey: string;
  read: ReadApi;
  /** `/examples/kiosk/` with the given idle timeout in seconds. */
  kioskUrl(idleTimeoutSeconds: number): string;
  spaUrl(path?: string): string;
  /**
   * Makes the API unreachable (each /v1 request's connection is dropped) while the pages still load:
   * a collector that is down behind a site that is up. Server-side, so unload-time beacons are cut too.
   */
  startOutage(): Outage;
  close(): Promise<void>;
}

export async function startDemoCollector(): Promise<DemoCollector> {
  const backend = e2eBackend();
  const database = await openTestDatabase(backend);
  const { app, secretKey } = await createAppsRepository(database.db).create({ name: 'demo' });
  // Connect-style middleware is what Express mounts; the Router type only adds methods we do not use.
  const examples = exampleRoutes({ writeKey: app.writeKey }) as unknown as ExtraRoute;
  const collector = createApp({ db: database.db, extraRoutes: [examples] });
  let outage: Outage | null = null;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = createServer((req, res) => {
      // The test's own reads carry the secret key and still get through; browsers never send one.
      if (outage && req.url?.startsWith('/v1/') && !req.headers.authorization) {
        outage.refused.push({ path: req.url, at: Date.now() });
        req.socket.destroy();
        return;
      }
      collector.app(req, res);
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keys = { writeKey: app.writeKey, secretKey };
  return {
    url,
    backend,
    ...keys,
    read: readApi(url, keys),
    kioskUrl: (idle) => `${url}/examples/kiosk/?idleTimeout=${idle}`,
    spaUrl: (path = '/') => `${url}/examples/spa${path}`,
    startOutage() {
      const current: Outage = { refused: [], end: () => void (outage = null) };
      outage = current;
      return current;
    },
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
