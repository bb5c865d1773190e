import type { ActiveUsersResponse } from '@headcount/schema';
import type { Queryable } from '../storage/database';
import countSql from './countActiveUsers.sql?raw';

/** One measurement of an app's active users, in total and by the path of each visitor's latest page. */
export interface ActiveCount {
  activeUsers: number;
  /** Active visitors by the path of their latest page; visitors whose page is unknown count in `activeUsers` only. */
  pages: ReadonlyMap<string, number>;
  /** Each active visitor (userId, else anonymousId) and their latest page: what tells whether an event can change the count. */
  visitors: ReadonlyMap<string, string | null>;
  windowSeconds: number;
  /** When the count was taken (the window ends here). */
  at: Date;
  /** When the count drops by itself if nothing happens meanwhile; null when nobody is active. */
  nextDropAt: Date | null;
}

/** `GET /v1/active/pages`: where the people here now are, busiest page first. */
export interface ActivePagesResponse {
  pages: Array<{ path: string; activeUsers: number }>;
  at: string;
}

/** Counts the distinct visitors of `appId` with a non-ended session seen within `windowSeconds` before `at`. */
export async function countActiveUsers(db: Queryable, appId: string, windowSeconds: number, at: Date): Promise<ActiveCount> {
  const cutoff = new Date(at.getTime() - windowSeconds * 1000);
  const rows = await db.query<{ visitor: string; seen: Date | string; path: string | null }>(countSql, [appId, cutoff]);
  const visitors = new Map<string, string | null>();
  const pages = new Map<string, number>();
  let oldestSeen: number | null = null;
  for (const row of rows) {
    visitors.set(row.visitor, row.path);
    if (row.path !== null) pages.set(row.path, (pages.get(row.path) ?? 0) + 1);
    const seen = new Date(row.seen).getTime();
    if (oldestSeen === null || seen < oldestSeen) oldestSeen = seen;
  }
  return {
    activeUsers: visitors.size,
    pages,
    visitors,
    windowSeconds,
    at,
    nextDropAt: oldestSeen === null ? null : new Date(oldestSeen + windowSeconds * 1000),
  };
}

/** The count a client asked for: the whole app's, or the visitors whose latest page is `path`. */
export function activeOn(count: ActiveCount, path: string | undefined): number {
  return path === undefined ? count.activeUsers : count.pages.get(path) ?? 0;
}

/** Two counts that a client following `path` (or the whole app) would display the same. */
export function sameCount(a: ActiveCount, b: ActiveCount, path?: string): boolean {
  return activeOn(a, path) === activeOn(b, path) && a.windowSeconds === b.windowSeconds;
}

/** The wire answer of `GET /v1/active` and of each SSE `active` event. */
export function toActiveUsersResponse(count: ActiveCount, path?: string): ActiveUsersResponse {
  return { activeUsers: activeOn(count, path), windowSeconds: count.windowSeconds, at: count.at.toISOString() };
}

// A listing, not a dump: a site with thousands of live paths still answers a small document.
const MAX_LISTED_PAGES = 100;

export function toActivePagesResponse(count: ActiveCount): ActivePagesResponse {
  const pages = [...count.pages]
    .sort(([pathA, a], [pathB, b]) => b - a || (pathA < pathB ? -1 : 1))
    .slice(0, MAX_LISTED_PAGES)
    .map(([path, activeUsers]) => ({ path, activeUsers }));
  return { pages, at: count.at.toISOString() };
}
