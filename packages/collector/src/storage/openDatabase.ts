import { mkdirSync } from 'node:fs';
import type { Database } from './database';
import { lockDataDir, type DataDirLockLostError } from './dataDirLock';
import { openPglite } from './pgliteDatabase';
import { openPostgres } from './postgresDatabase';

export interface OpenDatabaseHooks {
  /** The embedded database's lock was taken over by another process: this one has stopped writing. */
  onLockLost?: (err: DataDirLockLostError) => void;
}

/** PostgreSQL when a URL is given, else embedded PGlite in `dataDir` (claimed for this process). */
export async function openDatabase(
  options: { databaseUrl?: string | undefined; dataDir: string },
  hooks: OpenDatabaseHooks = {},
): Promise<Database> {
  if (options.databaseUrl) return openPostgres({ connectionString: options.databaseUrl });
  mkdirSync(options.dataDir, { recursive: true });
  let db: Database | undefined;
  const lock = await lockDataDir(options.dataDir, {
    onLost(err) {
      // Two processes must never write one data dir: close ours at once, whatever it was doing.
      void db?.close().catch(() => {});
      hooks.onLockLost?.(err);
    },
  });
  try {
    const opened = await openPglite(options.dataDir);
    db = opened;
    return { ...opened, close: () => opened.close().finally(() => lock.release()) };
  } catch (err) {
    lock.release();
    throw err;
  }
}
