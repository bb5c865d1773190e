import { readTallies } from '../stats/readTallies';
import { countVisitors } from '../stats/visitMeasures';
import type { Queryable } from './database';
import type { StatsFilters } from './statsFilters';

export interface Stats {
  from: string;
  to: string;
  sessions: number;
  visitors: number;
  /** Visitors merged sketches past their exact size: the count is an estimate (about 1.6% standard error). */
  visitorsApproximate: boolean;
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

/**
 * The top line for a time range: the visits that started in it (and match the filters), with the page views and
 * events they hold. Visitors are people: an anonymous visit of someone who later identified counts as that user,
 * and an id renamed by alias as the id it became.
 */
export function createStatsRepository(db: Queryable) {
  return {
    async summary(appId: string, from: Date, to: Date, filters: StatsFilters = {}, timezone = 'UTC'): Promise<Stats> {
      // The zone only chooses which rolled-up days serve: the range itself is two instants.
      const tallies = await readTallies(db, { appId, from, to, filters, timezone }, 'all', ['total', 'event', 'page', 'touch'], ['total']);
      const total = tallies.across('total').get('');
      const { visitors, approximate } = total ? countVisitors(total) : { visitors: 0, approximate: false };
      const sessions = total?.sessions ?? 0;
      const top = <T>(dim: string, count: (t: { events: number; pageviews: number }) => number, row: (key: string, n: number) => T) =>
        [...tallies.across(dim)].flatMap(([key, tally]) => (key === null ? [] : [[key, count(tally)] as const]))
          .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : ka > kb ? 1 : 0)).slice(0, TOP).map(([key, n]) => row(key, n));
      const touches = [...tallies.across('touch')].map(([key, tally]) => {
        const [type, source] = JSON.parse(key as string) as [string, string | null];
        return { type, source, sessions: tally.sessions };
      }).sort((a, b) => b.sessions - a.sessions || a.type.localeCompare(b.type) || (a.source ?? '\uffff').localeCompare(b.source ?? '\uffff'));
      const channels = new Map<string, Stats['channels'][number]>();
      for (const row of touches) {
        const channel = channels.get(row.type) ?? { type: row.type, sessions: 0, sources: [] };
        channel.sessions += row.sessions;
        if (channel.sources.length < TOP) channel.sources.push({ source: row.source, sessions: row.sessions });
        channels.set(row.type, channel);
      }
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        sessions,
        visitors,
        visitorsApproximate: approximate,
        averageSessionSeconds: sessions > 0 ? Math.round((total?.durationSeconds ?? 0) / sessions) : 0,
        pageviews: total?.pageviews ?? 0,
        bounceRate: sessions > 0 ? (total?.bounces ?? 0) / sessions : 0,
        topEvents: top('event', (t) => t.events, (event, count) => ({ event, count })),
        topPages: top('page', (t) => t.pageviews, (path, views) => ({ path, views })),
        channels: [...channels.values()].sort((a, b) => b.sessions - a.sessions || a.type.localeCompare(b.type)),
      };
    },
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;
