import { SESSION_ENDED, SESSION_STARTED } from '@headcount/schema';
import type { Queryable } from './database';
import { binder, hasFilters, PAGE_PATH_SQL, sessionFilterSql, type Bind, type StatsFilters } from './statsFilters';

export type Interval = 'minute' | 'hour' | 'day';
export const INTERVALS: Interval[] = ['minute', 'hour', 'day'];

export interface SeriesPoint { at: string; visitors: number; sessions: number; pageviews: number; events: number }
export interface BreakdownRow { key: string | null; visitors: number; sessions: number; events: number }

export const BREAKDOWNS = ['page', 'entry', 'exit', 'channel', 'source', 'campaign', 'browser', 'os', 'device', 'event',
  'endReason', 'duration', 'eventsPerSession', 'hour'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

export interface StatsRange { appId: string; from: Date; to: Date; filters: StatsFilters; timezone: string }

const LIFECYCLE = [SESSION_STARTED, SESSION_ENDED];

// Visit-level dimensions: the key of each visit started in the range.
const SESSION_KEYS: Partial<Record<Breakdown, string>> = {
  // The landing page is stored as its URL; entry pages are listed by path, as pages are.
  entry: `CASE WHEN s.landing_page ~ '^[a-zA-Z][a-zA-Z0-9+.-]*://'
    THEN coalesce(nullif(substring(s.landing_page FROM '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*([^?#]*)'), ''), '/') ELSE s.landing_page END`,
  exit: 's.last_page_path',
  channel: `coalesce(s.touch_type, 'direct')`,
  source: 's.touch_source',
  campaign: `s.campaign->>'name'`,
  browser: 's.browser',
  os: 's.os',
  device: 's.device_type',
  endReason: 's.end_reason',
};

// Ordered buckets (kiosk panels): [label, SQL condition], listed in their natural order.
const DURATION = `extract(epoch FROM coalesce(s.ended_at, s.last_seen_at) - s.started_at)`;
const BUCKETS: Partial<Record<Breakdown, Array<[string, string]>>> = {
  duration: [['<10s', `${DURATION} < 10`], ['10-30s', `${DURATION} < 30`], ['30s-1m', `${DURATION} < 60`],
    ['1-3m', `${DURATION} < 180`], ['3-10m', `${DURATION} < 600`], ['10-30m', `${DURATION} < 1800`], ['30m+', 'true']],
  eventsPerSession: [['1', 's.event_count <= 1'], ['2-5', 's.event_count <= 5'], ['6-10', 's.event_count <= 10'],
    ['11-20', 's.event_count <= 20'], ['21+', 'true']],
};

// A visit's visitor here: its userId, else its device's id (the top line also follows identify and alias links,
// which costs a walk per person; per bucket and per row, this keeps each figure one indexed range scan).
const VISITOR = 'coalesce(s.user_id, s.visitor_id)';
const EVENT_VISITOR = 'coalesce(e.user_id, e.anonymous_id)';

/** The visits started in the range that match the filters, on sessions_app_started. */
function visitsWhere(filters: StatsFilters, bind: Bind): string {
  return `s.app_id = $1 AND s.started_at >= $2 AND s.started_at < $3 AND NOT s.bot${sessionFilterSql(filters, bind)}`;
}

/**
 * The events in the range, on events_app_time; once filtered, only those of matching visits (started up to a
 * day before the range: the SDK caps a visit at 12 h).
 */
function eventsWhere(filters: StatsFilters, bind: Bind): string {
  const matching = hasFilters(filters)
    ? ` AND e.session_id IN (SELECT s.id FROM sessions s WHERE s.app_id = $1 AND s.started_at >= $2::timestamptz - interval '1 day'
        AND s.started_at < $3 AND NOT s.bot${sessionFilterSql(filters, bind)})`
    : '';
  return `e.app_id = $1 AND e."timestamp" >= $2 AND e."timestamp" < $3${matching}`;
}

/** Time series and breakdowns for the dashboard; every figure counts the visits that match the filters. */
export function createStatsSeriesRepository(db: Queryable) {
  return {
    async timeseries(range: StatsRange, interval: Interval): Promise<SeriesPoint[]> {
      const params: unknown[] = [range.appId, range.from, range.to];
      const bind = binder(params);
      const unit = bind(interval);
      const tz = bind(range.timezone);
      const lifecycle = bind(LIFECYCLE);
      const rows = await db.query<{ at: Date; visitors: number; sessions: number; pageviews: number; events: number }>(
        `WITH buckets AS (
           SELECT generate_series(date_trunc(${unit}, $2::timestamptz AT TIME ZONE ${tz}),
             ($3::timestamptz - interval '1 microsecond') AT TIME ZONE ${tz}, ('1 ' || ${unit})::interval) AS local
         ),
         visits AS (
           SELECT date_trunc(${unit}, s.started_at AT TIME ZONE ${tz}) AS local, count(*)::integer AS sessions,
             count(DISTINCT ${VISITOR})::integer AS visitors
           FROM sessions s WHERE ${visitsWhere(range.filters, bind)} GROUP BY 1
         ),
         views AS (
           SELECT date_trunc(${unit}, e."timestamp" AT TIME ZONE ${tz}) AS local,
             count(*) FILTER (WHERE e.type = 'page')::integer AS pageviews,
             count(*) FILTER (WHERE e.type = 'track' AND e.event <> ALL(${lifecycle}::text[]))::integer AS events
           FROM events e WHERE ${eventsWhere(range.filters, bind)} GROUP BY 1
         )
         SELECT (b.local AT TIME ZONE ${tz}) AS at, coalesce(v.visitors, 0) AS visitors, coalesce(v.sessions, 0) AS sessions,
           coalesce(w.pageviews, 0) AS pageviews, coalesce(w.events, 0) AS events
         FROM buckets b LEFT JOIN visits v USING (local) LEFT JOIN views w USING (local) ORDER BY b.local`,
        params,
      );
      return rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() }));
    },

    async breakdown(range: StatsRange, by: Breakdown, limit: number): Promise<BreakdownRow[]> {
      const params: unknown[] = [range.appId, range.from, range.to];
      const bind = binder(params);
      if (by === 'page' || by === 'event') {
        const key = by === 'page' ? PAGE_PATH_SQL('e') : 'e.event';
        const kind = by === 'page' ? `e.type = 'page'` : `e.type = 'track' AND e.event <> ALL(${bind(LIFECYCLE)}::text[])`;
        return db.query<BreakdownRow>(
          `SELECT ${key} AS key, count(DISTINCT ${EVENT_VISITOR})::integer AS visitors,
             count(DISTINCT e.session_id)::integer AS sessions, count(*)::integer AS events
           FROM events e WHERE ${eventsWhere(range.filters, bind)} AND ${kind} AND ${key} IS NOT NULL
           GROUP BY 1 ORDER BY events DESC, key LIMIT ${bind(limit)}`,
          params,
        );
      }
      const totals = `count(DISTINCT ${VISITOR})::integer AS visitors, count(*)::integer AS sessions,
        coalesce(sum(s.event_count), 0)::integer AS events FROM sessions s WHERE ${visitsWhere(range.filters, bind)}`;
      const buckets = BUCKETS[by];
      if (buckets) {
        const cases = buckets.map(([label, condition], i) => `WHEN ${condition} THEN ${bind(`${i}:${label}`)}::text`).join(' ');
        const rows = await db.query<BreakdownRow>(`SELECT CASE ${cases} END AS key, ${totals} GROUP BY 1`, params);
        const found = new Map(rows.map((row) => [row.key, row]));
        // Every bucket, in order, empty ones too: a distribution reads wrong with gaps.
        return buckets.map(([label], i) => ({ ...(found.get(`${i}:${label}`) ?? { visitors: 0, sessions: 0, events: 0 }), key: label }));
      }
      if (by === 'hour') {
        const hour = `extract(hour FROM s.started_at AT TIME ZONE ${bind(range.timezone)})::integer::text`;
        const rows = await db.query<BreakdownRow>(`SELECT ${hour} AS key, ${totals} GROUP BY 1`, params);
        const found = new Map(rows.map((row) => [row.key, row]));
        return Array.from({ length: 24 }, (_, h) => ({ ...(found.get(String(h)) ?? { visitors: 0, sessions: 0, events: 0 }), key: String(h) }));
      }
      return db.query<BreakdownRow>(
        `SELECT ${SESSION_KEYS[by]} AS key, ${totals} GROUP BY 1 ORDER BY sessions DESC, key NULLS LAST LIMIT ${bind(limit)}`,
        params,
      );
    },

    /** Page views and the share of visits with at most one page view (bounces), for the top line. */
    async engagement(range: StatsRange): Promise<{ pageviews: number; bounceRate: number }> {
      const viewParams: unknown[] = [range.appId, range.from, range.to];
      const viewsQuery = db.query<{ pageviews: number }>(
        `SELECT count(*)::integer AS pageviews FROM events e WHERE ${eventsWhere(range.filters, binder(viewParams))} AND e.type = 'page'`,
        viewParams,
      );
      const params: unknown[] = [range.appId, range.from, range.to];
      const bind = binder(params);
      // One pass over the visits' page views (a visit may run past the range's end, by up to a day).
      const visitsQuery = db.query<{ bounces: number; sessions: number }>(
        `SELECT count(*) FILTER (WHERE coalesce(v.views, 0) <= 1)::integer AS bounces, count(*)::integer AS sessions
         FROM sessions s LEFT JOIN (
           SELECT e.session_id, count(*) AS views FROM events e
           WHERE e.app_id = $1 AND e."timestamp" >= $2 AND e."timestamp" < $3::timestamptz + interval '1 day' AND e.type = 'page'
           GROUP BY 1
         ) v ON v.session_id = s.id
         WHERE ${visitsWhere(range.filters, bind)}`,
        params,
      );
      const [[views], [visits]] = await Promise.all([viewsQuery, visitsQuery]);
      return { pageviews: views?.pageviews ?? 0, bounceRate: visits && visits.sessions > 0 ? visits.bounces / visits.sessions : 0 };
    },
  };
}

export type StatsSeriesRepository = ReturnType<typeof createStatsSeriesRepository>;
