import type { Queryable } from '../storage/database';
import { removeUnnamedContexts } from '../storage/eventsRepository';

const MONTHS_AHEAD = 3;
// Events in the default partition within this window get a month partition of their own; wilder clocks stay there.
const YEARS_BACK = 10;

export interface PartitionsResult {
  created: string[];
  dropped: string[];
  /** Events that went with the dropped partitions. */
  droppedEvents: number;
}

const monthStart = (d: Date, plusMonths = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plusMonths, 1));

/** `events_2026_09` -> the first instant after that month, or null for a table that is not a month partition. */
function endOfPartition(name: string): Date | null {
  const match = /^events_(\d{4})_(\d{2})$/.exec(name);
  return match ? new Date(Date.UTC(Number(match[1]), Number(match[2]), 1)) : null;
}

/**
 * Creates the month partitions of events from last month to three ahead, and one for every month whose events
 * (late or early: a kiosk's old queue, a wrong clock) wait in the default partition; then drops the partitions
 * every app's retention has passed. Runs in the caller's transaction, under the maintenance lock.
 */
export async function maintainEventPartitions(tx: Queryable, now: Date): Promise<PartitionsResult> {
  const months = new Set<number>();
  for (let m = -1; m <= MONTHS_AHEAD; m++) months.add(monthStart(now, m).getTime());
  const waiting = await tx.query<{ month: Date }>(
    `SELECT DISTINCT date_trunc('month', "timestamp" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month FROM events_default
     WHERE "timestamp" >= $1 AND "timestamp" < $2`,
    [monthStart(now, -12 * YEARS_BACK), monthStart(now, 12)],
  );
  for (const { month } of waiting) months.add(new Date(month).getTime());
  const before = new Set((await partitions(tx)).map((p) => p.name));
  for (const month of [...months].sort((a, b) => a - b)) {
    await tx.query('SELECT headcount_event_partition($1)', [new Date(month)]);
  }
  const created = (await partitions(tx)).map((p) => p.name).filter((name) => !before.has(name));

  // A partition holds every app's events: it goes only once the longest retention has passed its end.
  const [retention] = await tx.query<{ apps: number; kept: number; longest: number | null }>(
    'SELECT count(*)::int AS apps, count(retention_days)::int AS kept, max(retention_days) AS longest FROM apps');
  const dropped: string[] = [];
  let droppedEvents = 0;
  if (retention && retention.apps > 0 && retention.kept === retention.apps && retention.longest !== null) {
    const cutoff = now.getTime() - retention.longest * 86_400_000;
    for (const { name } of await partitions(tx)) {
      const end = endOfPartition(name);
      if (!end || end.getTime() > cutoff) continue;
      const [rows] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`);
      const named = await tx.query<{ app_id: string; keys: string[] }>(
        `SELECT app_id, array_agg(DISTINCT context_key::text) AS keys FROM ${name} WHERE context_key IS NOT NULL GROUP BY app_id`);
      await tx.exec(`DROP TABLE ${name}`);
      // The shared contexts only the month's events named go with them.
      for (const { app_id: appId, keys } of named) await removeUnnamedContexts(tx, appId, keys);
      dropped.push(name);
      droppedEvents += rows?.n ?? 0;
    }
  }
  return { created, dropped, droppedEvents };
}

// Late events (a kiosk's queue after days offline) mostly arrive within this long after their month ended.
export const COMPACT_AFTER_DAYS = 7;
// The partition's comment once its indexes were rebuilt packed: set only after the rebuild succeeded.
const PACKED = 'headcount: indexes packed';
// What a REINDEX CONCURRENTLY that failed half-way leaves: an invalid copy of an index, or the old one.
const LEFT_BY_A_FAILED_REBUILD = /_cc(new|old)\d*$/;

/**
 * Rebuilds the indexes of the oldest month partition that ended over COMPACT_AFTER_DAYS ago and is not packed yet,
 * with fillfactor 100. While a month fills, its entries arrive out of order (several writers, clocks, late queues) and
 * most index pages split in half: its indexes stay 55-70% full. Once the month is over, only the odd late event writes
 * to it. On PostgreSQL the rebuild is CONCURRENTLY, so ingest and readers never wait for it; `session` is a connection
 * outside any transaction. PGlite has one connection: a plain REINDEX, done before the next statement runs.
 * Returns the partition's name, or null when none is due.
 */
export async function compactClosedPartition(session: Queryable, concurrently: boolean, now: Date): Promise<string | null> {
  const due = await partitionToCompact(session, now);
  if (!due) return null;
  const indexes = await session.query<{ name: string; relname: string; valid: boolean }>(
    `SELECT quote_ident(c.relname) AS name, c.relname, x.indisvalid AS valid FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
     WHERE x.indrelid = $1::regclass`, [due.name]);
  for (const index of indexes) {
    if (!index.valid && LEFT_BY_A_FAILED_REBUILD.test(index.relname)) await session.exec(`DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${index.name}`);
    else await session.exec(`ALTER INDEX ${index.name} SET (fillfactor = 100)`);
  }
  await session.exec(`REINDEX TABLE ${concurrently ? 'CONCURRENTLY ' : ''}${due.name}`);
  await session.exec(`COMMENT ON TABLE ${due.name} IS '${PACKED}'`);
  return due.name;
}

/** The first month partition over for COMPACT_AFTER_DAYS and not packed yet, or null. */
export async function partitionToCompact(db: Queryable, now: Date): Promise<{ name: string } | null> {
  return (await partitions(db)).find(({ name, packed }) => {
    const end = endOfPartition(name);
    return !packed && end !== null && end.getTime() <= now.getTime() - COMPACT_AFTER_DAYS * 86_400_000;
  }) ?? null;
}

async function partitions(tx: Queryable): Promise<Array<{ name: string; packed: boolean }>> {
  return tx.query<{ name: string; packed: boolean }>(
    `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') IS NOT DISTINCT FROM $1 AS packed
     FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'events'::regclass ORDER BY c.relname`, [PACKED]);
}
