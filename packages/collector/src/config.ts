import { resolve } from 'node:path';
import { isLogLevel, type LogLevel } from './logger';

export interface Config {
  /** PostgreSQL connection string; unset means embedded PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  /** DATABASE_READ_URL: a streaming replica the read API, stats, export and dashboard read from (needs DATABASE_URL). */
  readDatabaseUrl?: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  sentryDsn: string | undefined;
  logLevel: LogLevel;
  trustProxy: boolean | number | string;
  /** Ingest requests per second per app (HEADCOUNT_RATE_LIMIT); 0 turns the limit off. */
  rateLimitPerSecond: number;
  /** Ingest requests per second per client address within an app (HEADCOUNT_RATE_LIMIT_PER_ADDRESS); 0 or absent turns it off. */
  rateLimitPerAddressPerSecond?: number;
  /** HEADCOUNT_ADMIN_TOKEN: reads every app (the dashboard's app switcher, GET /v1/apps); unset, there is none. */
  adminToken?: string;
  /** Open live streams per client address (HEADCOUNT_MAX_STREAMS_PER_ADDRESS, default 100) and per app (..._PER_APP, 10,000). */
  maxStreamsPerAddress?: number;
  maxStreamsPerApp?: number;
}

export class ConfigError extends Error {}

function integer(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

function trustProxyOf(value: string | undefined): Config['trustProxy'] {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

// An admin token reads every app: one short enough to guess is refused at start.
const MIN_ADMIN_TOKEN_LENGTH = 24;

function adminTokenOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value.length < MIN_ADMIN_TOKEN_LENGTH) throw new ConfigError(`HEADCOUNT_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (try \`openssl rand -hex 24\`)`);
  return value;
}

// A replica of the embedded database cannot exist: the setting would be silently ignored, so it is refused.
function readDatabaseUrlOf(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.DATABASE_READ_URL) return undefined;
  if (!env.DATABASE_URL) throw new ConfigError('DATABASE_READ_URL needs DATABASE_URL: a read replica is of a PostgreSQL primary');
  return env.DATABASE_READ_URL;
}

/** Reads the environment variables the README documents. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!isLogLevel(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of debug, info, warn, error, silent (got "${logLevel}")`);
  const rateLimitPerSecond = integer('HEADCOUNT_RATE_LIMIT', env.HEADCOUNT_RATE_LIMIT, 1000, 0, 1_000_000);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    readDatabaseUrl: readDatabaseUrlOf(env),
    dataDir: resolve(env.HEADCOUNT_DATA_DIR || '.headcount'),
    port: integer('PORT', env.PORT, 8787, 0, 65535),
    host: env.HOST || '0.0.0.0',
    sentryDsn: env.SENTRY_DSN || undefined,
    logLevel,
    trustProxy: trustProxyOf(env.TRUST_PROXY),
    rateLimitPerSecond,
    // One address gets a tenth of its app's rate unless told otherwise, so one client cannot starve the rest.
    rateLimitPerAddressPerSecond: integer('HEADCOUNT_RATE_LIMIT_PER_ADDRESS', env.HEADCOUNT_RATE_LIMIT_PER_ADDRESS,
      Math.ceil(rateLimitPerSecond / 10), 0, 1_000_000),
    adminToken: adminTokenOf(env.HEADCOUNT_ADMIN_TOKEN),
    maxStreamsPerAddress: integer('HEADCOUNT_MAX_STREAMS_PER_ADDRESS', env.HEADCOUNT_MAX_STREAMS_PER_ADDRESS, 100, 1, 1_000_000),
    maxStreamsPerApp: integer('HEADCOUNT_MAX_STREAMS_PER_APP', env.HEADCOUNT_MAX_STREAMS_PER_APP, 10_000, 1, 10_000_000),
  };
}
