export { createApp, type Collector, type CollectorDeps } from './app';
export { startServer, type RunningServer } from './server';
export { readConfig, type Config } from './config';
export { openDatabase } from './storage/openDatabase';
export { openPostgres } from './storage/postgresDatabase';
export { openPglite } from './storage/pgliteDatabase';
export { migrate } from './storage/migrate';
export type { Database, Queryable } from './storage/database';
export { createAppsRepository, type App, type AppsRepository } from './apps/appsRepository';
