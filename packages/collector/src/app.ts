import express, { type Express } from 'express';
import { createAppsRepository } from './apps/appsRepository';
import { createAppResolver } from './http/auth';
import { errorHandler, notFound } from './http/errors';
import { createAuthFailureLimiter, createRateLimiter } from './http/rateLimit';
import { createIngestService } from './ingest/ingestService';
import { createLiveHub, type LiveOptions } from './live/liveHub';
import type { Logger } from './logger';
import { startMaintenance, type MaintenanceOptions } from './maintenance/maintenanceLoop';
import { startRollups, type RollupOptions } from './stats/rollupLoop';
import { adminAppsRoutes } from './routes/adminApps';
import { dashboardRoutes, type DashboardSignIn } from './routes/dashboard';
import { eraseRoutes } from './routes/erase';
import { exportRoutes } from './routes/export';
import { healthRoutes } from './routes/health';
import { ingestRoutes } from './routes/ingest';
import { liveRoutes } from './routes/live';
import { readRoutes } from './routes/read';
import { rejectedRoutes } from './routes/rejected';
import { sdkScriptRoutes } from './routes/sdkScript';
import { statsRoutes } from './routes/stats';
import { webhookRoutes } from './routes/webhook';
import type { Database } from './storage/database';
import { createDeadLetterRepository } from './storage/deadLetterRepository';
import { createEventsRepository } from './storage/eventsRepository';
import { createIdentityRepository } from './storage/identityRepository';
import { createSessionsRepository } from './storage/sessionsRepository';
import { createStatsRepository } from './storage/statsRepository';
import { createStatsSeriesRepository } from './storage/statsSeriesRepository';

// A client may fail 20 key checks in a row, then 10 a second: guessing keys or flooding lookups gets 429.
const AUTH_FAILURES_PER_SECOND = 10;

export interface CollectorDeps {
  db: Database;
  /** A read replica (DATABASE_READ_URL) for the read API, stats, export and dashboard; ingest and the live count stay on `db`. */
  readDb?: Database;
  /** Retention and dead-letter expiry pacing; tests shorten it. */
  maintenance?: Partial<MaintenanceOptions>;
  /** Dashboard rollup pacing (src/stats/rollupLoop.ts); tests shorten it. */
  rollups?: Partial<RollupOptions>;
  now?: () => Date;
  logger?: Logger;
  /** Sends unexpected errors somewhere (Sentry); nothing is sent without it. */
  reportError?: (err: unknown) => void;
  /** Ingest requests per second per app; 0 turns the limit off. */
  rateLimitPerSecond?: number;
  /** Ingest requests per second per client address within an app, checked before the app's; 0 (default) turns it off. */
  rateLimitPerAddressPerSecond?: number;
  /** Failed key checks (401) per second per client address before 429, bursts twice that; 0 turns it off. */
  authFailuresPerSecond?: number;
  /** Express's `trust proxy` (TRUST_PROXY), for the client IP behind a load balancer. */
  trustProxy?: boolean | number | string;
  /** Path of the script-tag SDK served at /headcount.js. */
  sdkPath?: () => string;
  /** Extra routes mounted before the 404 handler (the demo's static examples). */
  extraRoutes?: express.Router[];
  /** HEADCOUNT_ADMIN_TOKEN: reads every app (X-Headcount-App names which) and lists them at GET /v1/apps. */
  adminToken?: string;
  /** Folder of the built dashboard served at /dashboard (default: @headcount/dashboard's dist). */
  dashboardDir?: () => string;
  /** One-time sign-in links for the dashboard (the demo's); without it, POST /dashboard/ticket always answers 401. */
  dashboardSignIn?: DashboardSignIn;
  /** Live count tuning (SSE heartbeat, recount pacing); tests shorten it. */
  live?: Partial<LiveOptions>;
  /** Most events waiting for a commit before ingest answers 503 overloaded; tests shorten it. */
  maxQueuedEvents?: number;
}

export interface Collector {
  app: Express;
  /** Ends SSE streams and waits for in-flight writes; call after the HTTP server stopped accepting. Does not close the database. */
  close(): Promise<void>;
}

/** Builds the collector's HTTP app from its dependencies, without listening. */
export function createApp(deps: CollectorDeps): Collector {
  const now = deps.now ?? (() => new Date());
  const log: Logger = deps.logger ?? (() => {});
  const clock = () => now().getTime();
  const apps = createAppResolver(createAppsRepository(deps.db), clock,
    createAuthFailureLimiter(deps.authFailuresPerSecond ?? AUTH_FAILURES_PER_SECOND, clock), deps.adminToken);
  const live = createLiveHub({ db: deps.db, now, log, options: deps.live });
  const ingest = createIngestService(deps.db, {
    onCommitted: (appIds, requests) => live.activity(appIds, requests),
    maxQueuedEvents: deps.maxQueuedEvents,
  });
  const deadLetters = createDeadLetterRepository(deps.db);
  const stopMaintenance = startMaintenance(deps.db, now, log, deps.maintenance);
  const stopRollups = startRollups(deps.db, log, deps.rollups);
  const readDb = deps.readDb ?? deps.db;
  const ingestDeps = {
    apps,
    ingest,
    deadLetters,
    rateLimit: createRateLimiter({ perApp: deps.rateLimitPerSecond ?? 0, perAddress: deps.rateLimitPerAddressPerSecond ?? 0 }, clock),
    now,
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.set('etag', false);
  app.use(healthRoutes(deps.db, ingest));
  app.use(ingestRoutes(ingestDeps));
  app.use(webhookRoutes(ingestDeps));
  app.use(liveRoutes({ apps, live }));
  app.use(readRoutes({
    apps,
    events: createEventsRepository(readDb),
    sessions: createSessionsRepository(readDb),
    identities: createIdentityRepository(readDb),
    stats: createStatsRepository(readDb),
    now,
  }));
  app.use(statsRoutes({ apps, series: createStatsSeriesRepository(readDb), now }));
  app.use(exportRoutes({ apps, db: readDb }));
  app.use(eraseRoutes({ apps, db: deps.db, onErased: (appIds) => live.activity(appIds) }));
  app.use(adminAppsRoutes({ apps, db: deps.db }));
  app.use(rejectedRoutes({ apps, deadLetters, now }));
  app.use(dashboardRoutes(deps.dashboardDir, deps.dashboardSignIn));
  app.use(sdkScriptRoutes(deps.sdkPath));
  for (const router of deps.extraRoutes ?? []) app.use(router);
  app.use(notFound);
  app.use(errorHandler({ log, report: deps.reportError }));

  return {
    app,
    async close() {
      await Promise.all([stopMaintenance(), stopRollups()]);
      live.endWatchers();
      await ingest.drain();
      // After the drain, so the last commits still reach the other processes.
      await live.close();
    },
  };
}
