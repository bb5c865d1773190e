import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/storage/database';
import { backends, openTestDatabase } from './support/databases';

// Transaction.setUp (the ingest staging table) counts only once its transaction commits: a rolled-back CREATE TEMP TABLE
// is gone, so the connection's next transaction must create it again.
const TEMP = 'CREATE TEMP TABLE IF NOT EXISTS scratch_rows (n integer) ON COMMIT DELETE ROWS';

describe.each(backends())('per-connection set-up on %s', (backend) => {
  let db: Database;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDatabase(backend, { upTo: 0 }));
  });
  afterAll(() => dispose());

  it('runs again after the transaction that ran it rolled back', async () => {
    await expect(db.transaction(async (tx) => {
      await tx.setUp(TEMP);
      throw new Error('refused');
    })).rejects.toThrow('refused');
    // The table went with the rollback: without a new set-up this insert would fail.
    for (let i = 0; i < 3; i++) {
      await db.transaction(async (tx) => {
        await tx.setUp(TEMP);
        await tx.query('INSERT INTO scratch_rows VALUES (1)');
        const [row] = await tx.query<{ n: number }>('SELECT count(*)::integer AS n FROM scratch_rows');
        expect(row?.n).toBe(1);
      });
    }
  });
});
