import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppsRepository } from '../src/apps/appsRepository';
import type { Database } from '../src/storage/database';
import { migrate } from '../src/storage/migrate';
import { openPostgres } from '../src/storage/postgresDatabase';
import { backends, createScratchDatabase } from './support/databases';

// A new identity or alias link re-counts the hours of the visits it joins (a trigger). Its lookup of those visits
// must use sessions' indexes however small the table was when the connection first ran it: a plan kept from then
// would scan every session at each new link.
describe.runIf(backends().includes('postgres'))('the link trigger on a grown sessions table', () => {
  let scratch: { url: string; drop: () => Promise<void> };
  let db: Database;
  let appId: string;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
    // One connection: the trigger runs where its first run's plans would be kept.
    db = openPostgres({ connectionString: scratch.url, max: 1 });
    await migrate(db);
    ({ app: { id: appId } } = await createAppsRepository(db).create({ name: 'links' }));
  });
  afterAll(async () => {
    await db.close();
    await scratch.drop();
  });

  /** Sequential and index scans of sessions so far (this backend's counts flushed first). */
  async function sessionScans(): Promise<{ seq: number; idx: number }> {
    await db.query('SELECT pg_stat_force_next_flush()');
    const [row] = await db.query<{ seq: string; idx: string }>(
      "SELECT seq_scan AS seq, coalesce(idx_scan, 0) AS idx FROM pg_stat_user_tables WHERE relname = 'sessions'");
    return { seq: Number(row?.seq), idx: Number(row?.idx) };
  }
  const link = (anonymousId: string, userId: string) => db.query(
    'INSERT INTO identities (app_id, anonymous_id, user_id, first_seen_at, last_seen_at) VALUES ($1, $2, $3, now(), now())',
    [appId, anonymousId, userId]);
  const alias = (previousId: string, userId: string) => db.query(
    'INSERT INTO aliases (app_id, previous_id, user_id, created_at) VALUES ($1, $2, $3, now())', [appId, previousId, userId]);

  it('finds the linked visits by index, not by reading every session', async () => {
    // The first links, a write's worth of them, while sessions is empty.
    await db.query(
      `INSERT INTO identities (app_id, anonymous_id, user_id, first_seen_at, last_seen_at)
       SELECT $1, 'first-' || i, 'user-' || i, now(), now() FROM generate_series(1, 30) AS i`, [appId]);
    await db.query(
      `INSERT INTO aliases (app_id, previous_id, user_id, created_at)
       SELECT $1, 'first-' || i, 'user-' || i, now() FROM generate_series(1, 30) AS i`, [appId]);
    await db.query(
      `INSERT INTO sessions (app_id, id, visitor_id, anonymous_id, started_at, last_seen_at)
       SELECT $1, 's-' || i, 'anon-' || i, 'anon-' || i, now() - i * interval '1 minute', now() FROM generate_series(1, 20000) AS i`,
      [appId]);
    await db.query('DELETE FROM stats_pending');

    const before = await sessionScans();
    await link('anon-17', 'user-17');
    await alias('anon-42', 'user-17');
    const after = await sessionScans();
    expect(after.seq - before.seq).toBe(0);
    expect(after.idx - before.idx).toBeGreaterThanOrEqual(3);
    // And it still did its work: the linked visits' hours are to be counted again.
    const pending = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM stats_pending');
    expect(pending[0]?.n).toBeGreaterThanOrEqual(1);
  });
});
