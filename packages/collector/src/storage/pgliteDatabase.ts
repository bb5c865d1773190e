import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable, Transaction as Tx } from './database';

// A statement's name (Queryable.query) is not used: PGlite runs in this process, where a parse costs no round trip.
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

function transactionOf(tx: Transaction): Tx {
  return {
    ...queryableOf(tx),
    async copyFrom(copies, around, next) {
      if (around) await tx.exec(around.before);
      // PGlite reads COPY's input from a blob it names /dev/blob.
      for (const { sql, rows } of copies) await tx.query(sql.replace(/\bFROM STDIN\b/, "FROM '/dev/blob'"), [], { blob: new Blob(rows as string[]) });
      if (around) await tx.exec(around.after);
      // In this process a statement costs no round trip; the COMMIT is the transaction's own, once `fn` returns.
      for (const { sql, params } of next?.statements ?? []) await tx.query(sql, params);
    },
  };
}

/** Embedded PGlite: the zero-setup default. `dataDir` undefined keeps everything in memory (tests). */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  return pgliteDatabase(await PGlite.create(dataDir));
}

/** The Database over an open PGlite instance (which the caller may still use, e.g. to dump its data directory). */
export function pgliteDatabase(db: PGlite): Database {
  return {
    kind: 'pglite',
    ...queryableOf(db),
    transaction: (fn) => db.transaction((tx) => fn(transactionOf(tx))),
    session: (fn) => fn(queryableOf(db)),
    async listen(channel, onMessage) {
      const unlisten = await db.listen(channel, onMessage);
      return () => unlisten();
    },
    close: () => db.close(),
  };
}
