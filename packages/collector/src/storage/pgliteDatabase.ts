import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { setUpLedger, type Database, type Queryable, type Transaction as Tx } from './database';

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

function transactionOf(tx: Transaction, setUps: ReturnType<typeof setUpLedger>): Tx {
  return {
    ...queryableOf(tx),
    setUp: (sql: string) => setUps.setUp(sql, async (statement) => { await tx.exec(statement); }),
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
  // One connection: what its committed transactions set up.
  const setUpDone = new Set<string>();
  return {
    kind: 'pglite',
    ...queryableOf(db),
    async transaction(fn) {
      const setUps = setUpLedger(setUpDone);
      const result = await db.transaction((tx) => fn(transactionOf(tx, setUps)));
      setUps.committed();
      return result;
    },
    async listen(channel, onMessage) {
      const unlisten = await db.listen(channel, onMessage);
      return () => unlisten();
    },
    close: () => db.close(),
  };
}
