import type { Queryable } from './database';
import type { StatsFilters } from './statsFilters';
import { readTallies, type TallyRange } from '../stats/readTallies';
import { countVisitors, DURATION_BUCKETS, EVENTS_BUCKETS, type Dimension, type Tally } from '../stats/visitMeasures';

export type Interval = 'minute' | 'hour' | 'day';
export const INTERVALS: Interval[] = ['minute', 'hour', 'day'];

export interface SeriesPoint { at: string; visitors: number; sessions: number; pageviews: number; events: number }
export interface BreakdownRow { key: string | null; visitors: number; sessions: number; events: number }
/** `visitorsApproximate`: some visitor count merged sketches past their exact size (about 1.6% standard error). */
export interface Series { points: SeriesPoint[]; visitorsApproximate: boolean }
export interface BreakdownResult { rows: BreakdownRow[]; visitorsApproximate: boolean }

export const BREAKDOWNS = ['page', 'entry', 'exit', 'channel', 'source', 'campaign', 'browser', 'os', 'device', 'event',
  'endReason', 'duration', 'eventsPerSession', 'hour'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export interface StatsRange extends TallyRange { filters: StatsFilters }

const EMPTY = { visitors: 0, sessions: 0, events: 0 };
const byKey = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);

/**
 * Time series and breakdowns for the dashboard; every figure counts the visits that started in the range and
 * match the filters, with the page views and events they hold (and, unfiltered, the events outside any visit).
 */
export function createStatsSeriesRepository(db: Queryable) {
  /** A row of a breakdown: for a visit's facts, `events` is its visits' events; for pages and events, their own count. */
  function rowOf(key: string | null, tally: Tally, eventDim: boolean, approximate: { any: boolean }): BreakdownRow {
    const { visitors, approximate: estimated } = countVisitors(tally);
    if (estimated) approximate.any = true;
    return { key, visitors, sessions: tally.sessions, events: eventDim ? tally.events : tally.sessionEvents };
  }

  return {
    async timeseries(range: StatsRange, interval: Interval): Promise<Series> {
      const labels = await db.query<{ label: string; at: Date }>(
        `SELECT b::text AS label, (b AT TIME ZONE $3::text) AS at FROM generate_series(date_trunc($4::text, $1::timestamptz AT TIME ZONE $3::text),
           ($2::timestamptz - interval '1 microsecond') AT TIME ZONE $3::text, ('1 ' || $4::text)::interval) AS b ORDER BY b`,
        [range.from, range.to, range.timezone, interval],
      );
      const tallies = await readTallies(db, range, interval, ['total'], ['total']);
      const approximate = { any: false };
      const points = labels.map(({ label, at }) => {
        const total = tallies.buckets.get(label)?.get('total')?.get('');
        if (!total) return { at: new Date(at).toISOString(), visitors: 0, sessions: 0, pageviews: 0, events: 0 };
        const { visitors, approximate: estimated } = countVisitors(total);
        if (estimated) approximate.any = true;
        return { at: new Date(at).toISOString(), visitors, sessions: total.sessions, pageviews: total.pageviews, events: total.events };
      });
      return { points, visitorsApproximate: approximate.any };
    },

    async breakdown(range: StatsRange, by: Breakdown, limit: number): Promise<BreakdownResult> {
      const approximate = { any: false };
      const done = (rows: BreakdownRow[]) => ({ rows, visitorsApproximate: approximate.any });
      if (by === 'hour') {
        const tallies = await readTallies(db, range, 'hourOfDay', ['total'], ['total']);
        return done(Array.from({ length: 24 }, (_, h) => {
          const tally = tallies.buckets.get(String(h))?.get('total')?.get('');
          return tally ? rowOf(String(h), tally, false, approximate) : { ...EMPTY, key: String(h) };
        }));
      }
      const dim: Dimension = by;
      const tallies = await readTallies(db, range, 'all', [dim], [dim]);
      const keys = tallies.across(dim);
      const buckets = by === 'duration' ? DURATION_BUCKETS : by === 'eventsPerSession' ? EVENTS_BUCKETS : undefined;
      if (buckets) {
        // Every bucket, in order, empty ones too: a distribution reads wrong with gaps.
        return done(buckets.map(([label]) => {
          const tally = keys.get(label);
          return tally ? rowOf(label, tally, false, approximate) : { ...EMPTY, key: label };
        }));
      }
      const eventDim = by === 'page' || by === 'event';
      const ranked = [...keys].sort(([ka, a], [kb, b]) => (eventDim ? b.events - a.events : b.sessions - a.sessions) || byKey(ka, kb));
      return done(ranked.slice(0, limit).map(([key, tally]) => rowOf(key, tally, eventDim, approximate)));
    },
  };
}

export type StatsSeriesRepository = ReturnType<typeof createStatsSeriesRepository>;
