import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../src/storage/postgresDatabase';
import { backends, createScratchDatabase } from './support/databases';

// LISTEN belongs to PostgreSQL: PGlite is a single process with nothing to drop.
describe.runIf(backends().includes('postgres'))('LISTEN connections on postgres', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterAll(() => scratch.drop());

  it('delivers notifications and never lets a dropped LISTEN connection cost a pool slot', async () => {
    const db = openPostgres({ connectionString: scratch.url, max: 2 });
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    try {
      for (let round = 0; round < 4; round++) {
        const received: string[] = [];
        const stop = await db.listen('headcount_test', (payload) => received.push(payload));
        await db.query("SELECT pg_notify('headcount_test', $1)", [`round ${round}`]);
        await expect.poll(() => received, { timeout: 2000 }).toEqual([`round ${round}`]);
        // The database drops the LISTEN connection, as a restart or failover would.
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`);
        await new Promise((r) => setTimeout(r, 100));
        await stop();
      }
      // Both pool slots are still free: two queries at once answer.
      const answers = await Promise.all([db.query('SELECT 1 AS one'), db.query('SELECT 2 AS two')]);
      expect(answers).toEqual([[{ one: 1 }], [{ two: 2 }]]);
    } finally {
      await admin.end();
      await db.close();
    }
  });
});
