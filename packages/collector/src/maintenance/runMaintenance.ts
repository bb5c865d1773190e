import type { Database, Queryable } from '../storage/database';
import { createDeadLetterRepository, DEAD_LETTER_DAYS } from '../storage/deadLetterRepository';

const DAY_MS = 86_400_000;
// Any constant works: only one collector of those sharing a database runs maintenance at a time.
export const MAINTENANCE_LOCK = 7_280_002;
// Rows removed per table and app per transaction: short transactions, so ingest never waits long on them.
export const MAINTENANCE_BATCH = 10_000;

export interface MaintenanceResult {
  /** Another collector held the lock: this run did nothing. */
  skipped: boolean;
  events: number;
  sessions: number;
  identities: number;
  rejected: number;
  /** A batch was full: more is left to remove, run again. */
  more: boolean;
}

async function removeBatch(tx: Queryable, table: string, column: string, appId: string, before: Date, batch: number): Promise<number> {
  // DELETE has no LIMIT: the batch's row addresses, found by the index on (app_id, column), are removed by a TID scan.
  const rows = await tx.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE app_id = $1 AND ${column} < $2 LIMIT ${batch}))
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [appId, before],
  );
  return rows[0]?.n ?? 0;
}

/**
 * One maintenance pass, in one short transaction under a try-lock (skipped when another collector holds it):
 * each app's events, sessions and identity links older than its retention, and dead letters past 30 days.
 */
export async function runMaintenance(db: Database, now: Date, batch = MAINTENANCE_BATCH): Promise<MaintenanceResult> {
  return db.transaction(async (tx) => {
    const result: MaintenanceResult = { skipped: false, events: 0, sessions: 0, identities: 0, rejected: 0, more: false };
    const [lock] = await tx.query<{ held: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS held', [MAINTENANCE_LOCK]);
    if (!lock?.held) return { ...result, skipped: true };
    const apps = await tx.query<{ id: string; retention_days: number }>(
      'SELECT id, retention_days FROM apps WHERE retention_days IS NOT NULL ORDER BY id');
    for (const app of apps) {
      const before = new Date(now.getTime() - app.retention_days * DAY_MS);
      const removed = {
        events: await removeBatch(tx, 'events', '"timestamp"', app.id, before, batch),
        // A session goes once its last activity is past retention (its events went with the same cutoff).
        sessions: await removeBatch(tx, 'sessions', 'last_seen_at', app.id, before, batch),
        identities: await removeBatch(tx, 'identities', 'last_seen_at', app.id, before, batch),
      };
      result.events += removed.events;
      result.sessions += removed.sessions;
      result.identities += removed.identities;
      if (Object.values(removed).some((n) => n === batch)) result.more = true;
    }
    result.rejected = await createDeadLetterRepository(tx).expire(new Date(now.getTime() - DEAD_LETTER_DAYS * DAY_MS));
    return result;
  });
}
