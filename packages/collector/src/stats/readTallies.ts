import type { Queryable } from '../storage/database';
import { binder, type StatsFilters } from '../storage/statsFilters';
import { addRows, SEGMENT_HOURS_KEPT, type RollupRow } from './refreshRollups';
import { tallyVisits, type BucketSql } from './tallyVisits';
import { SEGMENT_FILTERS, segmentName, Tallies, type Dimension } from './visitMeasures';

/** How a request groups time: chart intervals in its zone, the whole range, or the hour of the day. */
export type Unit = 'minute' | 'hour' | 'day' | 'all' | 'hourOfDay';

export interface TallyRange {
  appId: string;
  from: Date;
  to: Date;
  filters: StatsFilters;
  timezone: string;
}

const HOUR_MS = 3_600_000;
/** Two years of hours: a plan longer than this is not worth listing. */
const MAX_PLANNED_HOURS = 2 * 366 * 24;

/** Bucket labels in the request's zone; the same SQL labels the rolled-up buckets and the visits counted directly. */
export function bucketSql(unit: Unit, timezone: string): BucketSql {
  return (column, bind) => {
    if (unit === 'all') return `''::text`;
    const local = `(${column} AT TIME ZONE ${bind(timezone)}::text)`;
    return unit === 'hourOfDay' ? `extract(hour FROM ${local})::integer::text` : `date_trunc('${unit}', ${local})::text`;
  };
}

/** The rolled-up segment that holds the visits the filters keep: '' without filters, undefined when none does. */
function segmentOf(filters: StatsFilters): string | undefined {
  const set = Object.entries(filters).filter(([, value]) => value !== undefined);
  if (set.length === 0) return '';
  const [[name, value]] = set as [[string, string]];
  return set.length === 1 && (SEGMENT_FILTERS as readonly string[]).includes(name) ? segmentName(name as (typeof SEGMENT_FILTERS)[number], value) : undefined;
}

interface HourPlan { hour: Date; pending: boolean; whole: boolean; day_start: Date; day_end: Date; day_rolled: boolean; app_tz: string }

/**
 * The measures of the visits in the range, per bucket label, for the given dimensions: rolled-up hours and days
 * where they hold (no filter or one rolled up as a segment, whole-hour zones, not changed since rolled up), the
 * visits themselves for the rest (the range's partial hours, hours changed since, other filters, minutes). Visitors are merged only for
 * `visitorDims`.
 */
export async function readTallies(
  db: Queryable, range: TallyRange, unit: Unit, dims: Dimension[], visitorDims: Dimension[], now: () => Date = () => new Date(),
): Promise<Tallies> {
  const bucket = bucketSql(unit, range.timezone);
  const tallies = new Tallies();
  const direct = (from: Date, to: Date) => tallyVisits(db, { ...range, from, to, bucket, dims: new Set(dims) }, tallies);
  const segment = segmentOf(range.filters);
  if (segment === undefined || unit === 'minute') return direct(range.from, range.to);
  // Only the hours that hold visits or events are planned: a range may be ten thousand years wide.
  const [extent] = await db.query<{ first: Date | null; last: Date | null }>(
    `SELECT least(v.first, e.first) AS first, greatest(v.last, e.last) AS last FROM
       (SELECT min(started_at) AS first, max(started_at) AS last FROM sessions WHERE app_id = $1 AND started_at >= $2 AND started_at < $3) v,
       (SELECT min("timestamp") AS first, max("timestamp") AS last FROM events
        WHERE app_id = $1 AND session_id IS NULL AND "timestamp" >= $2 AND "timestamp" < $3) e`,
    [range.appId, range.from, range.to],
  );
  if (!extent?.first || !extent.last) return tallies;
  const first = Math.max(range.from.getTime(), Math.floor(new Date(extent.first).getTime() / HOUR_MS) * HOUR_MS);
  const last = Math.min(range.to.getTime(), Math.floor(new Date(extent.last).getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
  // Data spread over more hours than a plan should list (wild device clocks): count it from the visits.
  if ((last - first) / HOUR_MS > MAX_PLANNED_HOURS) return direct(range.from, range.to);

  const plan = await db.query<HourPlan>(
    `SELECT h AS hour, EXISTS (SELECT 1 FROM stats_pending p WHERE p.app_id = $1 AND p.hour = h) AS pending,
       extract(minute FROM h AT TIME ZONE $4::text) = 0 AS whole,
       date_trunc('day', h AT TIME ZONE $4::text) AT TIME ZONE $4::text AS day_start,
       (date_trunc('day', h AT TIME ZONE $4::text) + interval '1 day') AT TIME ZONE $4::text AS day_end,
       EXISTS (SELECT 1 FROM stats_rollups r WHERE r.app_id = $1 AND r.span = 'day' AND r.tz = $4::text
         AND r.bucket = date_trunc('day', h AT TIME ZONE $4::text) AT TIME ZONE $4::text AND r.segment = '' AND r.dim = 'total') AS day_rolled,
       (SELECT coalesce(timezone, 'UTC') FROM apps WHERE id = $1) AS app_tz
     FROM generate_series(date_trunc('hour', $2::timestamptz, 'UTC'), $3::timestamptz - interval '1 microsecond', interval '1 hour') AS h`,
    [range.appId, new Date(first), new Date(last), range.timezone],
  );
  // A zone whose hours are not whole (India, Nepal) cuts rolled-up hours in two: count the visits themselves.
  if (plan.some((p) => !p.whole)) return direct(range.from, range.to);

  const from = range.from.getTime();
  const to = range.to.getTime();
  // A segment's hours are kept only for recent hours (refreshRollups.ts): older ones are counted, or served by their days.
  const segmentHoursFrom = segment === '' ? -Infinity : now().getTime() - (SEGMENT_HOURS_KEPT - 1) * HOUR_MS;
  const complete = (p: HourPlan) => !p.pending && new Date(p.hour).getTime() >= from && new Date(p.hour).getTime() + HOUR_MS <= to;
  const full = plan.filter(complete);
  // Whole local days rolled up in the app's zone serve ranges counted by day or in all.
  const days = new Map<number, HourPlan[]>();
  if ((unit === 'day' || unit === 'all') && plan[0]?.app_tz === range.timezone) {
    for (const p of full) {
      const start = new Date(p.day_start).getTime();
      if (!p.day_rolled || start < from || new Date(p.day_end).getTime() > to) continue;
      days.set(start, [...(days.get(start) ?? []), p]);
    }
    for (const [start, hours] of days) {
      if (hours.length * HOUR_MS !== new Date(hours[0]!.day_end).getTime() - start) days.delete(start);
    }
  }
  const inDays = new Set([...days.values()].flat());
  const hours = full.filter((p) => !inDays.has(p) && new Date(p.hour).getTime() >= segmentHoursFrom);
  const covered = [...inDays, ...hours].map((p) => new Date(p.hour).getTime()).sort((a, b) => a - b);

  const params: unknown[] = [range.appId, dims, visitorDims, hours.map((p) => p.hour), [...days.keys()].map((ms) => new Date(ms)), range.timezone,
    segment];
  const rows = await db.query<RollupRow>(
    `SELECT ${bucket('r.bucket', binder(params))} AS label, r.dim, r.key, r.sessions, r.bounces, r.duration_seconds, r.session_events,
       r.pageviews, r.events, CASE WHEN r.dim = ANY($3::text[]) THEN r.visitors END AS visitors
     FROM stats_rollups r
     WHERE r.app_id = $1 AND r.segment = $7 AND r.dim = ANY($2::text[])
       AND ((r.span = 'hour' AND r.bucket = ANY($4::timestamptz[])) OR (r.span = 'day' AND r.tz = $6 AND r.bucket = ANY($5::timestamptz[])))`,
    params,
  );
  addRows(tallies, rows);

  // The rest, counted from the visits: runs of time not covered by a rolled-up hour or day.
  let at = from;
  for (const start of covered) {
    if (start > at) await direct(new Date(at), new Date(start));
    at = Math.max(at, start + HOUR_MS);
  }
  if (at < to) await direct(new Date(at), range.to);
  return tallies;
}
