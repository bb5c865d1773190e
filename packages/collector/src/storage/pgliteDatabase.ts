import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable } from './database';

function queryableOf(db: PGlite | Transaction): Queryable {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const result = await db.query<T>(sql, params);
      return result.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

/** Embedded PGlite: the zero-setup default. `dataDir` undefined keeps everything in memory (tests). */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  return {
    kind: 'pglite',
    ...queryableOf(db),
    transaction: (fn) => db.transaction((tx) => fn(queryableOf(tx))),
    async listen(channel, onMessage) {
      const unlisten = await db.listen(channel, onMessage);
      return () => unlisten();
    },
    close: () => db.close(),
  };
}
