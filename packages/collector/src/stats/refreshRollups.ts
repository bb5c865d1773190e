import type { Database, Queryable } from '../storage/database';
import { tallyVisits, type BucketSql } from './tallyVisits';
import { decodeSketch, encodeSketch } from './visitorSketch';
import { segmentedDim, splitDim, Tallies, visitorsOf } from './visitMeasures';

// Any constant works: one collector of those sharing a database rolls up at a time.
export const ROLLUP_LOCK = 7_280_003;
/**
 * Hours rolled up per transaction, newest first: short transactions. The embedded database has one connection,
 * which ingest waits for while a pass holds it: fewer there.
 */
export const ROLLUP_BATCH_HOURS = { postgres: 48, pglite: 6 };
const HOUR_MS = 3_600_000;
/** Hours this recent keep their rows per segment; readers use them for up to an hour less (src/stats/readTallies.ts). */
export const SEGMENT_HOURS_KEPT = 48;
/**
 * How the job paces itself under sustained ingest. The hour going on changes with every commit, and an hour
 * that ended keeps changing while the visits that started in it go on: counting such an hour again every few
 * seconds costs as much as the ingest itself (the whole hour each time), while readers count a changed hour
 * from the visits anyway. So the job leaves the hour going on to the readers, and counts an hour that ended at
 * most once per `minGapMs` (rolledAt: when each app's hour was last counted, by `app|hour ms`, kept by the caller).
 * The sweep of every app (days that ended without a change since, segment hours past their time: two queries per
 * app) runs at most once per SWEEP_GAP_MS (`sweptAt`), not at every pass; readers count such a day meanwhile.
 * Without pacing, every changed hour is counted and every app swept at once (tests, backfills).
 */
export interface RollupPacing {
  minGapMs: number;
  rolledAt: Map<string, { appId: string; hour: number; at: number }>;
  sweptAt?: number;
}
export const SWEEP_GAP_MS = 5 * 60_000;
/** Ended days this recent are rolled up if they have no rows yet (a day that ended after its last change). */
const RECENT_DAYS = 3;

const UTC_HOUR: BucketSql = (column) => `to_char(date_trunc('hour', ${column}, 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"')`;

export interface RefreshResult {
  /** Another collector held the lock. */
  skipped: boolean;
  hours: number;
  /** Local days counted again. */
  days: number;
  /** A batch was full: more hours wait. */
  more: boolean;
}

/** The apps' hours counted less than `minGapMs` ago; forgets older ones. */
function recentlyRolled({ minGapMs, rolledAt }: RollupPacing, now: number): Array<{ appId: string; hour: number }> {
  const waiting: Array<{ appId: string; hour: number }> = [];
  for (const [key, rolled] of rolledAt) {
    if (now - rolled.at >= minGapMs) rolledAt.delete(key);
    else waiting.push(rolled);
  }
  return waiting;
}

/** Consecutive runs of hours, so one query counts each run. */
function runsOf(hours: number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const hour of [...hours].sort((a, b) => a - b)) {
    const last = runs.at(-1);
    if (last && last[1] === hour) last[1] = hour + HOUR_MS;
    else runs.push([hour, hour + HOUR_MS]);
  }
  return runs;
}

/** Replaces the rows of the given buckets of one span with the tallies (labelled by bucket start, ISO). */
async function store(tx: Queryable, appId: string, span: 'hour' | 'day', tz: string, buckets: Date[], tallies: Tallies): Promise<void> {
  await tx.query('DELETE FROM stats_rollups WHERE app_id = $1 AND span = $2 AND bucket = ANY($3::timestamptz[])', [appId, span, buckets]);
  const columns: unknown[][] = Array.from({ length: 11 }, () => []);
  for (const [bucket, dims] of tallies.buckets) {
    for (const [name, keys] of dims) {
      const { segment, dim } = splitDim(name);
      for (const [key, tally] of keys) {
        const row = [bucket, segment, dim, key, tally.sessions, tally.bounces, tally.durationSeconds, tally.sessionEvents, tally.pageviews,
          tally.events, encodeSketch(visitorsOf(tally)).toString('hex')];
        row.forEach((value, i) => columns[i]!.push(value));
      }
    }
  }
  if (columns[0]!.length === 0) return;
  await tx.query(
    `INSERT INTO stats_rollups (app_id, span, tz, bucket, segment, dim, key, sessions, bounces, duration_seconds, session_events, pageviews,
       events, visitors)
     SELECT $1, $2, $3, b, sg, d, k, s, bo, du, se, pv, ev, decode(v, 'hex')
     FROM unnest($4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::integer[], $9::integer[], $10::float8[], $11::integer[],
       $12::integer[], $13::integer[], $14::text[]) AS r(b, sg, d, k, s, bo, du, se, pv, ev, v)`,
    [appId, span, tz, ...columns],
  );
}

/**
 * Counts whole local days of the app's zone again from the visits (every segment included) and stores them: the
 * ended days that hold `hours`, or, without hours, the ended days of the last few that have no rows yet. A day
 * always gets its `total` row, so readers can tell a day rolled up and empty from one not rolled up yet.
 */
async function rollUpDays(tx: Queryable, appId: string, now: Date, hours?: Date[]): Promise<number> {
  const days = await tx.query<{ tz: string; day_start: Date; day_end: Date }>(
    hours
      ? `SELECT DISTINCT a.tz, date_trunc('day', h AT TIME ZONE a.tz) AT TIME ZONE a.tz AS day_start,
           (date_trunc('day', h AT TIME ZONE a.tz) + interval '1 day') AT TIME ZONE a.tz AS day_end
         FROM unnest($2::timestamptz[]) AS h, (SELECT coalesce(timezone, 'UTC') AS tz FROM apps WHERE id = $1) AS a`
      : `SELECT a.tz, d AT TIME ZONE a.tz AS day_start, (d + interval '1 day') AT TIME ZONE a.tz AS day_end
         FROM (SELECT coalesce(timezone, 'UTC') AS tz FROM apps WHERE id = $1) AS a,
           generate_series(date_trunc('day', $2::timestamptz AT TIME ZONE a.tz) - interval '${RECENT_DAYS} days',
             date_trunc('day', $2::timestamptz AT TIME ZONE a.tz) - interval '1 day', interval '1 day') AS d
         WHERE NOT EXISTS (SELECT 1 FROM stats_rollups r WHERE r.app_id = $1 AND r.span = 'day' AND r.tz = a.tz
           AND r.bucket = d AT TIME ZONE a.tz AND r.segment = '' AND r.dim = 'total')`,
    hours ? [appId, hours] : [appId, now],
  );
  let stored = 0;
  for (const { tz, day_start: start, day_end: end } of days) {
    // A day still going on is read from its hours.
    if (new Date(end).getTime() > now.getTime()) continue;
    const label = new Date(start).toISOString();
    const tallies = await tallyVisits(tx, { appId, from: new Date(start), to: new Date(end), filters: {}, bucket: () => `'${label}'::text`, segments: true });
    tallies.tally(label, 'total', '');
    await store(tx, appId, 'day', tz, [start], tallies);
    stored++;
  }
  return stored;
}

/** A stored rollup row as the readers select it (`visitors` may be left out). */
export interface RollupRow {
  /** Absent: the rows of one segment, read as plain dimensions. */
  segment?: string;
  label: string; dim: string; key: string | null; sessions: number; bounces: number; duration_seconds: number;
  session_events: number; pageviews: number; events: number; visitors: Uint8Array | null;
}

/** Adds stored rows to tallies, under the bucket label `labelOf` gives each row. */
export function addRows(tallies: Tallies, rows: RollupRow[], labelOf: (row: RollupRow) => string = (row) => row.label): void {
  for (const row of rows) {
    tallies.add(labelOf(row), segmentedDim(row.segment ?? '', row.dim), row.key, {
      sessions: row.sessions, bounces: row.bounces, durationSeconds: row.duration_seconds, sessionEvents: row.session_events,
      pageviews: row.pageviews, events: row.events,
    }, undefined, row.visitors ? decodeSketch(row.visitors) : undefined);
  }
}

/**
 * One pass of the rollup job: takes up to a batch of changed hours (newest first), counts each again from the
 * visits and events, replaces their rows and those of their ended days, in one transaction: a reader sees an hour
 * either still pending or rolled up, never half. Then it rolls up days that ended since and drops per-segment hours
 * past SEGMENT_HOURS_KEPT.
 */
export async function refreshRollups(
  db: Database, now = new Date(), batchHours = ROLLUP_BATCH_HOURS[db.kind], pacing?: RollupPacing,
): Promise<RefreshResult> {
  return db.transaction(async (tx) => {
    const [lock] = await tx.query<{ held: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS held', [ROLLUP_LOCK]);
    if (!lock?.held) return { skipped: true, hours: 0, days: 0, more: false };
    const waiting = pacing ? recentlyRolled(pacing, now.getTime()) : [];
    const picked = await tx.query<{ app_id: string; hour: Date }>(
      `WITH picked AS (SELECT DISTINCT app_id, hour FROM stats_pending
         WHERE hour < $2 AND (app_id, hour) NOT IN (SELECT * FROM unnest($3::text[], $4::timestamptz[]))
         ORDER BY hour DESC, app_id LIMIT $1)
       DELETE FROM stats_pending p USING picked WHERE p.app_id = picked.app_id AND p.hour = picked.hour
       RETURNING p.app_id, p.hour`,
      [batchHours, pacing ? new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS) : 'infinity',
        waiting.map((w) => w.appId), waiting.map((w) => new Date(w.hour))],
    );
    const byApp = new Map<string, Set<number>>();
    for (const { app_id: appId, hour } of picked) {
      const hours = byApp.get(appId) ?? new Set<number>();
      byApp.set(appId, hours.add(new Date(hour).getTime()));
    }
    // The first whole hour of the last SEGMENT_HOURS_KEPT: hours from it on keep their segments (the sweep below drops
    // the segments of every hour that starts before it).
    const recent = Math.ceil((now.getTime() - SEGMENT_HOURS_KEPT * HOUR_MS) / HOUR_MS) * HOUR_MS;
    let days = 0;
    for (const [appId, hourSet] of byApp) {
      const [app] = await tx.query<{ id: string }>('SELECT id FROM apps WHERE id = $1', [appId]);
      if (!app) continue;
      const tallies = new Tallies();
      for (const [from, to] of runsOf([...hourSet])) {
        // Segments per hour only for recent hours (the dashboard's "today" and "24 h"); older ones have their days.
        for (const [start, end, segments] of [[from, Math.min(to, recent), false], [Math.max(from, recent), to, true]] as const) {
          if (start < end) await tallyVisits(tx, { appId, from: new Date(start), to: new Date(end), filters: {}, bucket: UTC_HOUR, segments }, tallies);
        }
      }
      const hours = [...hourSet].map((ms) => new Date(ms));
      for (const hour of hourSet) pacing?.rolledAt.set(`${appId}|${hour}`, { appId, hour, at: now.getTime() });
      await store(tx, appId, 'hour', 'UTC', hours, tallies);
      days += await rollUpDays(tx, appId, now, hours);
    }
    // Days that ended since their last change, and segment hours past their time.
    const sweep = !pacing || pacing.sweptAt === undefined || now.getTime() - pacing.sweptAt >= SWEEP_GAP_MS;
    if (sweep && pacing) pacing.sweptAt = now.getTime();
    for (const { id } of sweep ? await tx.query<{ id: string }>('SELECT id FROM apps') : []) {
      days += await rollUpDays(tx, id, now);
      await tx.query(
        `DELETE FROM stats_rollups WHERE app_id = $1 AND span = 'hour' AND bucket < $2 AND bucket >= $3 AND segment <> ''`,
        [id, new Date(recent), new Date(recent - RECENT_DAYS * 86_400_000)],
      );
    }
    const hours = [...byApp.values()].reduce((n, set) => n + set.size, 0);
    return { skipped: false, hours, days, more: hours >= batchHours };
  });
}
