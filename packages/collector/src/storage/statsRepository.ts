import { SESSION_ENDED, SESSION_STARTED } from '@headcount/schema';
import type { Queryable } from './database';

export interface Stats {
  from: string;
  to: string;
  sessions: number;
  visitors: number;
  averageSessionSeconds: number;
  topEvents: Array<{ event: string; count: number }>;
  topPages: Array<{ path: string; views: number }>;
  channels: Array<{ type: string; sessions: number; sources: Array<{ source: string | null; sessions: number }> }>;
}

const TOP = 10;

/** Aggregates for a time range, all from stored columns (touches were classified at ingest). */
export function createStatsRepository(db: Queryable) {
  return {
    async summary(appId: string, from: Date, to: Date): Promise<Stats> {
      const range = [appId, from, to];
      // Visitors are people: an anonymous session of someone who later identified counts as that user.
      const [totals] = await db.query<{ sessions: number; visitors: number; average: number | null }>(
        `SELECT count(*)::integer AS sessions,
           count(DISTINCT coalesce(user_id, (SELECT i.user_id FROM identities i WHERE i.app_id = s.app_id
             AND i.anonymous_id = s.anonymous_id ORDER BY i.last_seen_at DESC LIMIT 1), anonymous_id))::integer AS visitors,
           avg(extract(epoch FROM coalesce(ended_at, last_seen_at) - started_at))::float8 AS average
         FROM sessions s WHERE app_id = $1 AND started_at >= $2 AND started_at < $3 AND NOT bot`,
        range,
      );
      const topEvents = await db.query<{ event: string; count: number }>(
        `SELECT event, count(*)::integer AS count FROM events
         WHERE app_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3 AND type = 'track' AND event <> ALL($4::text[])
         GROUP BY event ORDER BY count DESC, event LIMIT ${TOP}`,
        [...range, [SESSION_STARTED, SESSION_ENDED]],
      );
      const topPages = await db.query<{ path: string; views: number }>(
        `SELECT coalesce(context->'page'->>'path', name) AS path, count(*)::integer AS views FROM events
         WHERE app_id = $1 AND "timestamp" >= $2 AND "timestamp" < $3 AND type = 'page'
           AND coalesce(context->'page'->>'path', name) IS NOT NULL
         GROUP BY 1 ORDER BY views DESC, path LIMIT ${TOP}`,
        range,
      );
      const sources = await db.query<{ type: string; source: string | null; sessions: number }>(
        `SELECT coalesce(touch_type, 'direct') AS type, touch_source AS source, count(*)::integer AS sessions FROM sessions
         WHERE app_id = $1 AND started_at >= $2 AND started_at < $3 AND NOT bot
         GROUP BY 1, 2 ORDER BY sessions DESC, type, source`,
        range,
      );
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
        topEvents,
        topPages,
        channels: [...channels.values()].sort((a, b) => b.sessions - a.sessions || a.type.localeCompare(b.type)),
      };
    },
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;
