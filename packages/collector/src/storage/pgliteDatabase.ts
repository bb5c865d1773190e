import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable, Transaction as Tx } from './database';

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

/** `setUps` collects what this transaction set up; `done`, what committed transactions did (one connection). */
function transactionOf(tx: Transaction, setUps: Set<string>, done: ReadonlySet<string>): Tx {
  return {
    ...queryableOf(tx),
    async setUp(sql: string) {
      if (done.has(sql) || setUps.has(sql)) return;
      await tx.exec(sql);
      setUps.add(sql);
    },
    async copyFrom(copySql: string, text: string) {
      // PGlite reads COPY's input from a blob it names /dev/blob.
      await tx.query(copySql.replace(/\bFROM STDIN\b/, "FROM '/dev/blob'"), [], { blob: new Blob([text]) });
    },
  };
}

/** Embedded PGlite: the zero-setup default. `dataDir` undefined keeps everything in memory (tests). */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const setUpDone = new Set<string>();
  return {
    kind: 'pglite',
    ...queryableOf(db),
    async transaction(fn) {
      const setUps = new Set<string>();
      const result = await db.transaction((tx) => fn(transactionOf(tx, setUps, setUpDone)));
      for (const sql of setUps) setUpDone.add(sql);
      return result;
    },
    async listen(channel, onMessage) {
      const unlisten = await db.listen(channel, onMessage);
      return () => unlisten();
    },
    close: () => db.close(),
  };
}
