import { mkdirSync } from 'node:fs';
import type { Database } from './database';
import { lockDataDir } from './dataDirLock';
import { openPglite } from './pgliteDatabase';
import { openPostgres } from './postgresDatabase';

/** PostgreSQL when a URL is given, else embedded PGlite in `dataDir` (claimed for this process). */
export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir: string }): Promise<Database> {
  if (options.databaseUrl) return openPostgres({ connectionString: options.databaseUrl });
  mkdirSync(options.dataDir, { recursive: true });
  const unlock = lockDataDir(options.dataDir);
  try {
    const db = await openPglite(options.dataDir);
    return { ...db, close: () => db.close().finally(unlock) };
  } catch (err) {
    unlock();
    throw err;
  }
}
