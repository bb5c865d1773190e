import { AppNameTakenError } from '../apps/appsRepository';
import type { Writable } from 'node:stream';
import { appsCommand } from './appsCommands';
import { exportCommand } from './exportCommand';
import { forgetCommand } from './forgetCommand';
import { rejectedCommand } from './rejectedCommands';
import { lastOption, parseArgs, UsageError } from './parseArgs';
import { ConfigError, readConfig, type Config } from '../config';
import { limitHeapGrowth } from '../heapGrowth';
import { startServer } from '../server';
import { DataDirBusyError } from '../storage/dataDirLock';
import { migrate } from '../storage/migrate';
import { openDatabase } from '../storage/openDatabase';

const HELP = `Usage: headcount <command>

  serve [--port N] [--host H]     migrate, then serve the collector (default :8787)
  migrate                         apply database migrations
  apps create NAME [--origin URL]... [--active-window SECONDS] [--webhook-secret S] [--json]
  apps list [--json]
  apps rotate NAME [--json]       issue a new secret key
  apps update NAME [--origin URL]... [--retention-days N] [--timezone TZ]   change an app's settings
  export APP [--from DATE] [--to DATE] [--format ndjson|csv] [--after CURSOR]   every event, in storage order, to stdout
  forget APP (--user ID | --anonymous ID) [--json]   erase a person (events, sessions, identities, aliases, dead letters)
  rejected list APP [--json] [--limit N]   the dead-letter store: what ingest could not accept (30 days)
  rejected replay APP [--json]    re-ingest it (after a fix); what is accepted leaves the store
  rejected purge APP              empty it

Environment: DATABASE_URL (unset: embedded PGlite in HEADCOUNT_DATA_DIR, default ./.headcount),
PORT, HOST, SENTRY_DSN, LOG_LEVEL, TRUST_PROXY, HEADCOUNT_RATE_LIMIT, DATABASE_READ_URL.`;

async function withDatabase<T>(config: Config, fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Where `export` streams (default: process.stdout). */
  stdout?: Writable;
}

const processIo: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line), env: process.env };

async function serve(argv: string[], config: Config, env: NodeJS.ProcessEnv): Promise<void> {
  const args = parseArgs(argv, { flags: [], options: ['port', 'host'] });
  const port = lastOption(args, 'port');
  const host = lastOption(args, 'host');
  limitHeapGrowth();
  const running = await startServer(port || host ? readConfig({ ...env, ...(port ? { PORT: port } : {}), ...(host ? { HOST: host } : {}) }) : config);
  const stop = () => {
    running.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Runs one CLI command; returns the exit code (0 ok, 1 failure, 2 bad usage or input). */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  const print = io.out;
  try {
    const config = readConfig(io.env);
    switch (command) {
      case 'serve':
        await serve(rest, config, io.env);
        return 0;
      case 'migrate': {
        const applied = await withDatabase(config, (db) => migrate(db));
        print(applied.length > 0 ? `Applied migrations ${applied.join(', ')}` : 'Database is up to date');
        return 0;
      }
      case 'apps':
        await withDatabase(config, (db) => appsCommand(db, rest, print));
        return 0;
      case 'rejected':
        await withDatabase(config, (db) => rejectedCommand(db, rest, print));
        return 0;
      case 'export':
        await withDatabase(config, (db) => exportCommand(db, rest, io.stdout ?? process.stdout));
        return 0;
      case 'forget':
        await withDatabase(config, (db) => forgetCommand(db, rest, print));
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        print(HELP);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof DataDirBusyError || err instanceof AppNameTakenError) {
      io.err(`headcount: ${err.message}`);
      return 2;
    }
    io.err(`headcount: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
