import { isDatabaseTimeout, type Database, type Queryable } from '../storage/database';
import { createDeadLetterRepository, DEAD_LETTER_DAYS } from '../storage/deadLetterRepository';
import { removeUnnamedContexts } from '../storage/eventsRepository';
import { compactClosedPartition, maintainEventPartitions, partitionToCompact, type PartitionsResult } from './eventPartitions';

const DAY_MS = 86_400_000;
// Any constant works: only one collector of those sharing a database runs maintenance at a time.
export const MAINTENANCE_LOCK = 7_280_002;
// Rows removed per table and app per transaction: short transactions, so ingest never waits long on them.
export const MAINTENANCE_BATCH = 10_000;
// Creating or dropping a partition locks `events` briefly: waiting longer than this would hold ingest up behind it.
const PARTITION_LOCK_TIMEOUT = '2s';

export interface MaintenanceResult {
  /** Another collector held the lock: this run did nothing. */
  skipped: boolean;
  /** Partitions created and dropped; null when ingest held `events` too long and it waits for the next pass. */
  partitions: PartitionsResult | null;
  /** The closed month partition whose indexes were rebuilt packed, if one was due. */
  compacted: string | null;
  /** Why packing a closed month failed (it is tried again at the next pass). */
  compactionFailed: string | null;
  events: number;
  sessions: number;
  identities: number;
  /** Dedupe keys past the app's retention (by receipt): a re-sent event older than that is stored again. */
  eventIds: number;
  rejected: number;
  /** A batch was full: more is left to remove, run again. */
  more: boolean;
}

const tryLock = async (tx: Queryable) =>
  (await tx.query<{ held: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS held', [MAINTENANCE_LOCK]))[0]?.held === true;

// Sessions and identity links are indexed by the hour of their last activity (seen_hour, migrations 0012 and 0016), not
// by last_seen_at itself (which every write moves: an indexed one would make no update HOT).
const SEEN_BEFORE = `seen_hour <= floor(extract(epoch FROM $2::timestamptz - timestamptz '1970-01-01 00:00:00+00') / 3600)::integer
  AND last_seen_at < $2`;

/** `past` is the condition on a row's time column (indexed after app_id) that puts it before `$2`, the cutoff. */
async function removeBatch(tx: Queryable, table: string, past: string, appId: string, before: Date, batch: number): Promise<number> {
  // DELETE has no LIMIT: the batch's row addresses, found by the index on (app_id, time), are removed by a TID scan
  // (tables that are not partitioned only: a row address is unique within one table).
  const rows = await tx.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE app_id = $1 AND ${past} LIMIT ${batch}))
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [appId, before],
  );
  return rows[0]?.n ?? 0;
}

async function removeEvents(tx: Queryable, appId: string, before: Date, batch: number): Promise<number> {
  // Partitioned: the batch is chosen by id, and the time bound prunes the partitions to read.
  const rows = await tx.query<{ n: number; contexts: string[] }>(
    `WITH gone AS (
       DELETE FROM events WHERE app_id = $1 AND "timestamp" < $2
         AND id = ANY(ARRAY(SELECT id FROM events WHERE app_id = $1 AND "timestamp" < $2 LIMIT ${batch}))
       RETURNING context_key)
     SELECT count(*)::int AS n, coalesce(array_agg(DISTINCT context_key::text) FILTER (WHERE context_key IS NOT NULL), '{}') AS contexts FROM gone`,
    [appId, before],
  );
  // The shared contexts only those events named go with them.
  await removeUnnamedContexts(tx, appId, rows[0]?.contexts ?? []);
  return rows[0]?.n ?? 0;
}

async function runPartitions(db: Database, now: Date): Promise<PartitionsResult | null | 'skipped'> {
  try {
    return await db.transaction(async (tx) => {
      if (!(await tryLock(tx))) return 'skipped' as const;
      await tx.exec(`SET LOCAL lock_timeout = '${PARTITION_LOCK_TIMEOUT}'`);
      return maintainEventPartitions(tx, now);
    });
  } catch (err) {
    if (isDatabaseTimeout(err)) return null;
    throw err;
  }
}

type Compaction = Pick<MaintenanceResult, 'compacted' | 'compactionFailed'>;

async function runCompaction(db: Database, now: Date): Promise<Compaction | 'skipped'> {
  try {
    // Most passes find no month to pack: asked on a pooled connection, they open none of their own.
    if (!(await partitionToCompact(db, now))) return { compacted: null, compactionFailed: null };
    return await db.session(async (session) => {
      const [lock] = await session.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1) AS held', [MAINTENANCE_LOCK]);
      if (!lock?.held) return 'skipped' as const;
      try {
        // CONCURRENTLY waits for the transactions that could use an index, as long as they last; it blocks nobody.
        if (db.kind === 'postgres') await session.exec('SET lock_timeout = 0');
        return { compacted: await compactClosedPartition(session, db.kind === 'postgres', now), compactionFailed: null };
      } finally {
        await session.query('SELECT pg_advisory_unlock($1)', [MAINTENANCE_LOCK]);
      }
    });
  } catch (err) {
    // Retention and the rest of the pass go on; the partition is tried again at the next pass.
    return { compacted: null, compactionFailed: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * One maintenance pass, each step a short transaction under a try-lock (skipped when another collector holds it):
 * event partitions (ahead, for late events, dropped past every retention), a closed month's indexes packed (on a
 * connection of its own, under the same lock), then each app's events, sessions, identity links and dedupe keys older
 * than its retention, and dead letters past 30 days.
 */
export async function runMaintenance(db: Database, now: Date, batch = MAINTENANCE_BATCH): Promise<MaintenanceResult> {
  const partitions = await runPartitions(db, now);
  const skipped: MaintenanceResult = {
    skipped: true, partitions: null, compacted: null, compactionFailed: null, events: 0, sessions: 0, identities: 0, eventIds: 0, rejected: 0, more: false,
  };
  if (partitions === 'skipped') return skipped;
  const compaction = await runCompaction(db, now);
  if (compaction === 'skipped') return skipped;
  return db.transaction(async (tx) => {
    if (!(await tryLock(tx))) return skipped;
    const result: MaintenanceResult = { ...skipped, skipped: false, partitions, ...compaction };
    const apps = await tx.query<{ id: string; retention_days: number }>(
      // In code-unit order (COLLATE "C", compareText's): the order writers lock a commit's apps in, whatever the collation.
      'SELECT id, retention_days FROM apps WHERE retention_days IS NOT NULL ORDER BY id COLLATE "C"');
    for (const app of apps) {
      const before = new Date(now.getTime() - app.retention_days * DAY_MS);
      const removed = {
        events: await removeEvents(tx, app.id, before, batch),
        // A session goes once its last activity is past retention (its events went with the same cutoff).
        sessions: await removeBatch(tx, 'sessions', SEEN_BEFORE, app.id, before, batch),
        identities: await removeBatch(tx, 'identities', SEEN_BEFORE, app.id, before, batch),
        eventIds: await removeBatch(tx, 'event_ids', 'received_at < $2', app.id, before, batch),
      };
      result.events += removed.events;
      result.sessions += removed.sessions;
      result.identities += removed.identities;
      result.eventIds += removed.eventIds;
      if (Object.values(removed).some((n) => n === batch)) result.more = true;
    }
    result.rejected = await createDeadLetterRepository(tx).expire(new Date(now.getTime() - DEAD_LETTER_DAYS * DAY_MS));
    return result;
  });
}
