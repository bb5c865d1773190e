import { SESSION_ENDED, SESSION_STARTED } from '@headcount/schema';
import type { Queryable } from './database';
import { createStatsSeriesRepository } from './statsSeriesRepository';
import { binder, hasFilters, MAX_ALIAS_HOPS, PAGE_PATH_SQL, sessionFilterSql, type StatsFilters } from './statsFilters';

export interface Stats {
  from: string;
  to: string;
  sessions: number;
  visitors: number;
  averageSessionSeconds: number;
  /** Page views of the matching visits. */
  pageviews: number;
  /** Share (0 to 1) of the visits with at most one page view. */
  bounceRate: number;
  topEvents: Array<{ event: string; count: number }>;
  topPages: Array<{ path: string; views: number }>;
  channels: Array<{ type: string; sessions: number; sources: Array<{ source: string | null; sessions: number }> }>;
}

const TOP = 10;

/** Aggregates for a time range, all from stored columns (touches were classified at ingest). */
export function createStatsRepository(db: Queryable) {
  const series = createStatsSeriesRepository(db);
  return {
    async summary(appId: string, from: Date, to: Date, filters: StatsFilters = {}): Promise<Stats> {
      // Filters narrow every figure to the visits that match; their parameters follow $1..$3.
      const range: unknown[] = [appId, from, to];
      const matching = sessionFilterSql(filters, binder(range));
      // Events count when their visit matches (only then, once a filter is set); a visit lasts under a day.
      const matchingEvents = hasFilters(filters)
        ? `AND session_id IN (SELECT s.id FROM sessions s WHERE s.app_id = $1
            AND s.started_at >= $2::timestamptz - interval '1 day' AND s.started_at < $3${matching})` : '';
      // Visitors are people: an anonymous session of someone who later identified counts as that user, and an
      // id renamed by alias counts as the id it became (followed to the end, a bounded walk against alias cycles).
      // The figures are independent: asked at once, on a pool they run side by side.
      const totalsQuery = db.query<{ sessions: number; visitors: number; average: number | null }>(
        `WITH RECURSIVE ranged AS (
           SELECT s.started_at, s.last_seen_at, s.ended_at,
             coalesce(s.user_id, (SELECT i.user_id FROM identities i WHERE i.app_id = s.app_id
               AND i.anonymous_id = s.anonymous_id ORDER BY i.last_seen_at DESC LIMIT 1), s.anonymous_id, s.visitor_id) AS person
           FROM sessions s WHERE app_id = $1 AND started_at >= $2 AND started_at < $3 AND NOT bot${matching}
         ),
         renamed(person, id, depth) AS (
           SELECT DISTINCT person, person, 0 FROM ranged
           UNION ALL
           SELECT r.person, a.user_id, r.depth + 1 FROM renamed r JOIN aliases a ON a.app_id = $1 AND a.previous_id = r.id
           WHERE r.depth < ${MAX_ALIAS_HOPS}
         ),
         canonical AS (SELECT DISTINCT ON (person) person, id FROM renamed ORDER BY person, depth DESC, id)
         SELECT count(*)::integer AS sessions, count(DISTINCT canonical.id)::integer AS visitors,
           avg(extract(epoch FROM coalesce(ended_at, last_seen_at) - started_at))::float8 AS average
         FROM ranged JOIN canonical USING (person)`,
        range,
      );
      const topEventsQuery = db.query<{ event: string; count: number }>(
        `SELECT event, count(*)::integer AS count FROM events
         WHERE app_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3 AND type = 'track' AND event <> ALL($${range.length + 1}::text[]) ${matchingEvents}
         GROUP BY event ORDER BY count DESC, event LIMIT ${TOP}`,
        [...range, [SESSION_STARTED, SESSION_ENDED]],
      );
      // A page view's path: context.page.path, else the path of context.page.url (all some senders give), else its name.
      const path = PAGE_PATH_SQL('events');
      const topPagesQuery = db.query<{ path: string; views: number }>(
        `SELECT ${path} AS path, count(*)::integer AS views FROM events
         WHERE app_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3 AND type = 'page' AND ${path} IS NOT NULL ${matchingEvents}
         GROUP BY 1 ORDER BY views DESC, path LIMIT ${TOP}`,
        range,
      );
      const sourcesQuery = db.query<{ type: string; source: string | null; sessions: number }>(
        `SELECT coalesce(touch_type, 'direct') AS type, touch_source AS source, count(*)::integer AS sessions FROM sessions s
         WHERE app_id = $1 AND started_at >= $2 AND started_at < $3 AND NOT bot${matching}
         GROUP BY 1, 2 ORDER BY sessions DESC, type, source`,
        range,
      );
      const [[totals], topEvents, topPages, sources, { pageviews, bounceRate }] = await Promise.all([
        totalsQuery, topEventsQuery, topPagesQuery, sourcesQuery, series.engagement({ appId, from, to, filters, timezone: 'UTC' }),
      ]);
      const channels = new Map<string, Stats['channels'][number]>();
      for (const row of sources) {
        const channel = channels.get(row.type) ?? { type: row.type, sessions: 0, sources: [] };
        channel.sessions += row.sessions;
        if (channel.sources.length < TOP) channel.sources.push({ source: row.source, sessions: row.sessions });
        channels.set(row.type, channel);
      }
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        sessions: totals?.sessions ?? 0,
        visitors: totals?.visitors ?? 0,
        averageSessionSeconds: Math.round(totals?.average ?? 0),
        pageviews,
        bounceRate,
        topEvents,
        topPages,
        channels: [...channels.values()].sort((a, b) => b.sessions - a.sessions || a.type.localeCompare(b.type)),
      };
    },
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;
