import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type CollectorDeps } from './app';
import type { Config } from './config';
import { heapGrowthSet } from './heapGrowth';
import { createLogger } from './logger';
import type { Database } from './storage/database';
import { migrate } from './storage/migrate';
import { openDatabase } from './storage/openDatabase';
import { openPostgres } from './storage/postgresDatabase';
import { sentryReporter } from './sentry';

export interface RunningServer {
  url: string;
  db: Database;
  server: Server;
  /** Graceful stop: refuse new connections, finish in-flight writes, then close the database. */
  close(): Promise<void>;
}

export interface ServerOptions {
  /** SIGTERM drain deadline: in-flight writes get this long, then connections are cut and the database closed. */
  shutdownGraceMs: number;
  /** A client must send its request headers within this (slowloris). */
  headersTimeoutMs: number;
  /** ...and its whole request within this; an SSE stream's response is not bound by it. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_SERVER_OPTIONS: ServerOptions = {
  shutdownGraceMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

// Node checks the header and request deadlines this often (its default, 30 s, would let a slowloris sit).
const CONNECTIONS_CHECKING_INTERVAL_MS = 1000;

/** Resolves to true when `promise` settles within `ms`, false when the deadline came first. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  return Promise.race([promise.then(() => true, () => true), deadline]).finally(() => clearTimeout(timer));
}

/** Migrates, then serves the collector until `close()`. */
export async function startServer(
  config: Config,
  extra: Partial<CollectorDeps> = {},
  serverOptions: Partial<ServerOptions> = {},
): Promise<RunningServer> {
  const options = { ...DEFAULT_SERVER_OPTIONS, ...serverOptions };
  const logger = createLogger(config.logLevel);
  const sentry = await sentryReporter(config.sentryDsn);
  let close = async () => {};
  const db = await openDatabase(config, {
    onLockLost(err) {
      logger('error', err.message);
      void close();
    },
  });
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  const readDb = config.readDatabaseUrl ? openPostgres({ connectionString: config.readDatabaseUrl }) : undefined;
  const collector = createApp({
    db,
    readDb,
    logger,
    reportError: sentry.report,
    rateLimitPerSecond: config.rateLimitPerSecond,
    rateLimitPerAddressPerSecond: config.rateLimitPerAddressPerSecond,
    trustProxy: config.trustProxy,
    adminToken: config.adminToken,
    live: { maxStreamsPerAddress: config.maxStreamsPerAddress, maxStreamsPerApp: config.maxStreamsPerApp },
    ...extra,
  });
  const server = createServer({
    headersTimeout: options.headersTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
  }, collector.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${port}`;
  const heapFlag = heapGrowthSet();
  logger('info', 'collector listening', { url, database: db.kind, ...(heapFlag ? { heap: heapFlag } : {}) });

  let closing: Promise<void> | undefined;
  close = () => (closing ??= (async () => {
    const deadline = performance.now() + options.shutdownGraceMs;
    const left = () => deadline - performance.now();
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // A stuck database must not hold the shutdown for good: past the deadline the writes in flight are
    // abandoned unanswered (their clients retry; a write not committed is rolled back).
    if (!(await settlesWithin(collector.close(), left()))) {
      logger('error', 'shutdown deadline passed with writes in flight; closing anyway', { graceMs: options.shutdownGraceMs });
    }
    const cut = setTimeout(() => server.closeAllConnections(), Math.max(0, left()));
    await stopped;
    clearTimeout(cut);
    if (!(await settlesWithin(Promise.all([db.close(), readDb?.close()]), Math.max(1000, left())))) logger('error', 'the database did not close in time');
    await sentry.flush();
    logger('info', 'collector stopped');
  })());
  return { url, db, server, close };
}
