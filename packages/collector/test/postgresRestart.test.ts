import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '../../../scripts/chaos/lib/postgresCluster.mjs';
import { DatabaseUnavailableError, type Database } from '../src/storage/database';
import { openPostgres } from '../src/storage/postgresDatabase';
import { backends } from './support/databases';

// Restarting a database is PostgreSQL's: a throwaway cluster of our own, never the shared server.
describe.runIf(backends().includes('postgres'))('a PostgreSQL restart (pg_ctl -m immediate)', () => {
  let cluster: PostgresCluster;
  let db: Database;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    db = openPostgres({ connectionString: cluster.url });
  });
  afterAll(async () => {
    await db?.close();
    await cluster?.dispose();
  });

  it('fails the transaction in flight as unavailable (no unhandled error), then serves and LISTENs again by itself', async () => {
    const heard: string[] = [];
    const events: string[] = [];
    const stop = await db.listen('restart_test', (payload) => heard.push(payload), {
      onDown: () => events.push('down'),
      onUp: () => events.push('up'),
    });

    let started!: () => void;
    const inTransaction = new Promise<void>((resolve) => (started = resolve));
    let resume!: () => void;
    const crashed = new Promise<void>((resolve) => (resume = resolve));
    // The client is checked out of the pool, between two statements, when the server dies.
    const inFlight = db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      started();
      await crashed;
      await tx.query('SELECT 2');
    });
    await inTransaction;
    await cluster.stop('immediate');
    resume();
    await expect(inFlight).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(db.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect.poll(() => events).toContain('down');

    await cluster.start();
    await expect.poll(() => db.query<{ one: number }>('SELECT 1 AS one').catch(() => []), { timeout: 10_000 }).toEqual([{ one: 1 }]);
    await expect.poll(() => events, { timeout: 10_000 }).toEqual(['down', 'up']);
    await db.query("SELECT pg_notify('restart_test', 'back')");
    await expect.poll(() => heard).toEqual(['back']);
    await stop();
  });
});
