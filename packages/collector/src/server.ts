import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type CollectorDeps } from './app';
import type { Config } from './config';
import { createLogger } from './logger';
import type { Database } from './storage/database';
import { migrate } from './storage/migrate';
import { openDatabase } from './storage/openDatabase';
import { sentryReporter } from './sentry';

export interface RunningServer {
  url: string;
  db: Database;
  server: Server;
  /** Graceful stop: refuse new connections, finish in-flight writes, then close the database. */
  close(): Promise<void>;
}

// In-flight requests get this long to finish before their connections are cut.
const SHUTDOWN_GRACE_MS = 10_000;

/** Migrates, then serves the collector until `close()`. */
export async function startServer(config: Config, extra: Partial<CollectorDeps> = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const sentry = await sentryReporter(config.sentryDsn);
  const db = await openDatabase(config);
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  const collector = createApp({
    db,
    logger,
    reportError: sentry.report,
    rateLimitPerSecond: config.rateLimitPerSecond,
    trustProxy: config.trustProxy,
    ...extra,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = collector.app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${port}`;
  logger('info', 'collector listening', { url, database: db.kind });

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await collector.close();
    const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await stopped;
    clearTimeout(timer);
    await db.close();
    await sentry.flush();
    logger('info', 'collector stopped');
  })());
  return { url, db, server, close };
}
