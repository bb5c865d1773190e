import { SESSION_ENDED, SESSION_STARTED } from '@headcount/schema';
import type { Queryable } from './database';
import { binder, hasFilters, PAGE_PATH_SQL, peopleCtes, type StatsFilters } from './statsFilters';

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
  entry: `CASE WHEN landing_page ~ '^[a-zA-Z][a-zA-Z0-9+.-]*://'
    THEN coalesce(nullif(substring(landing_page FROM '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*([^?#]*)'), ''), '/') ELSE landing_page END`,
  exit: 'last_page_path',
  channel: `coalesce(touch_type, 'direct')`,
  source: 'touch_source',
  campaign: `campaign->>'name'`,
  browser: 'browser',
  os: 'os',
  device: 'device_type',
  endReason: 'end_reason',
};

// Ordered buckets (kiosk panels): [label, SQL condition], listed in their natural order.
const DURATION = `extract(epoch FROM coalesce(ended_at, last_seen_at) - started_at)`;
const BUCKETS: Partial<Record<Breakdown, Array<[string, string]>>> = {
  duration: [['<10s', `${DURATION} < 10`], ['10-30s', `${DURATION} < 30`], ['30s-1m', `${DURATION} < 60`],
    ['1-3m', `${DURATION} < 180`], ['3-10m', `${DURATION} < 600`], ['10-30m', `${DURATION} < 1800`], ['30m+', 'true']],
  eventsPerSession: [['1', 'event_count <= 1'], ['2-5', 'event_count <= 5'], ['6-10', 'event_count <= 10'],
    ['11-20', 'event_count <= 20'], ['21+', 'true']],
};

/** The events of the ranged visits (and, unfiltered, those outside any visit), each with its person. */
function rangedEvents(filters: StatsFilters): string {
  return `FROM events e LEFT JOIN people p ON p.id = e.session_id
    WHERE e.app_id = $1 AND e."timestamp" >= $2 AND e."timestamp" < $3 AND NOT coalesce(p.bot, false)
    ${hasFilters(filters) ? 'AND p.id IS NOT NULL' : ''}`;
}

const PERSON = 'coalesce(p.visitor, e.user_id, e.anonymous_id)';

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
        `WITH RECURSIVE ${peopleCtes(range.filters, bind, { overlapping: true })},
         buckets AS (
           SELECT generate_series(date_trunc(${unit}, $2::timestamptz AT TIME ZONE ${tz}),
             ($3::timestamptz - interval '1 microsecond') AT TIME ZONE ${tz}, ('1 ' || ${unit})::interval) AS local
         ),
         visits AS (
           SELECT date_trunc(${unit}, started_at AT TIME ZONE ${tz}) AS local, count(*)::integer AS sessions,
             count(DISTINCT visitor)::integer AS visitors
           FROM people WHERE NOT bot AND started_at >= $2 GROUP BY 1
         ),
         views AS (
           SELECT date_trunc(${unit}, e."timestamp" AT TIME ZONE ${tz}) AS local,
             count(*) FILTER (WHERE e.type = 'page')::integer AS pageviews,
             count(*) FILTER (WHERE e.type = 'track' AND e.event <> ALL(${lifecycle}::text[]))::integer AS events
           ${rangedEvents(range.filters)} GROUP BY 1
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
      const ctes = peopleCtes(range.filters, bind, { overlapping: by === 'page' || by === 'event' });
      if (by === 'page' || by === 'event') {
        const key = by === 'page' ? PAGE_PATH_SQL('e') : 'e.event';
        const kind = by === 'page' ? `e.type = 'page'` : `e.type = 'track' AND e.event <> ALL(${bind(LIFECYCLE)}::text[])`;
        return db.query<BreakdownRow>(
          `WITH RECURSIVE ${ctes}
           SELECT ${key} AS key, count(DISTINCT ${PERSON})::integer AS visitors,
             count(DISTINCT e.session_id)::integer AS sessions, count(*)::integer AS events
           ${rangedEvents(range.filters)} AND ${kind} AND ${key} IS NOT NULL
           GROUP BY 1 ORDER BY events DESC, key LIMIT ${bind(limit)}`,
          params,
        );
      }
      const totals = `count(DISTINCT visitor)::integer AS visitors, count(*)::integer AS sessions,
        coalesce(sum(event_count), 0)::integer AS events FROM people WHERE NOT bot`;
      const buckets = BUCKETS[by];
      if (buckets) {
        const cases = buckets.map(([label, condition], i) => `WHEN ${condition} THEN ${bind(`${i}:${label}`)}::text`).join(' ');
        const rows = await db.query<BreakdownRow>(
          `WITH RECURSIVE ${ctes} SELECT CASE ${cases} END AS key, ${totals} GROUP BY 1`, params);
        const found = new Map(rows.map((row) => [row.key, row]));
        // Every bucket, in order, empty ones too: a distribution reads wrong with gaps.
        return buckets.map(([label], i) => ({ ...(found.get(`${i}:${label}`) ?? { visitors: 0, sessions: 0, events: 0 }), key: label }));
      }
      if (by === 'hour') {
        const rows = await db.query<BreakdownRow>(
          `WITH RECURSIVE ${ctes} SELECT extract(hour FROM started_at AT TIME ZONE ${bind(range.timezone)})::integer::text AS key,
           ${totals} GROUP BY 1`, params);
        const found = new Map(rows.map((row) => [row.key, row]));
        return Array.from({ length: 24 }, (_, hour) => ({ ...(found.get(String(hour)) ?? { visitors: 0, sessions: 0, events: 0 }), key: String(hour) }));
      }
      return db.query<BreakdownRow>(
        `WITH RECURSIVE ${ctes} SELECT ${SESSION_KEYS[by]} AS key, ${totals}
         GROUP BY 1 ORDER BY sessions DESC, key NULLS LAST LIMIT ${bind(limit)}`,
        params,
      );
    },

    /** Page views and the share of visits with at most one page view (bounces), for the top line. */
    async engagement(range: StatsRange): Promise<{ pageviews: number; bounceRate: number }> {
      const params: unknown[] = [range.appId, range.from, range.to];
      const bind = binder(params);
      const ctes = peopleCtes(range.filters, bind, { overlapping: true });
      const [row] = await db.query<{ pageviews: number; bounces: number; sessions: number }>(
        `WITH RECURSIVE ${ctes},
         visits AS (
           SELECT (SELECT count(*) FROM events v WHERE v.app_id = $1 AND v.session_id = people.id AND v.type = 'page') AS views
           FROM people WHERE NOT bot AND started_at >= $2
         )
         SELECT (SELECT count(*) ${rangedEvents(range.filters)} AND e.type = 'page')::integer AS pageviews,
           (SELECT count(*) FROM visits WHERE views <= 1)::integer AS bounces, (SELECT count(*) FROM visits)::integer AS sessions`,
        params,
      );
      return { pageviews: row?.pageviews ?? 0, bounceRate: row && row.sessions > 0 ? row.bounces / row.sessions : 0 };
    },
  };
}

export type StatsSeriesRepository = ReturnType<typeof createStatsSeriesRepository>;
