import type { ActiveUsersResponse } from '@headcount/schema';
import type { Queryable } from '../storage/database';
import countSql from './countActiveUsers.sql?raw';

/** One measurement of an app's active users. */
export interface ActiveCount {
  activeUsers: number;
  windowSeconds: number;
  /** When the count was taken (the window ends here). */
  at: Date;
  /** When the count drops by itself if nothing happens meanwhile; null when nobody is active. */
  nextDropAt: Date | null;
}

/** Counts the distinct visitors of `appId` with a non-ended session seen within `windowSeconds` before `at`. */
export async function countActiveUsers(db: Queryable, appId: string, windowSeconds: number, at: Date): Promise<ActiveCount> {
  const cutoff = new Date(at.getTime() - windowSeconds * 1000);
  const [row] = await db.query<{ active_users: number; next_drop_seen_at: Date | string | null }>(countSql, [appId, cutoff]);
  const seen = row?.next_drop_seen_at ? new Date(row.next_drop_seen_at) : null;
  return {
    activeUsers: Number(row?.active_users ?? 0),
    windowSeconds,
    at,
    nextDropAt: seen ? new Date(seen.getTime() + windowSeconds * 1000) : null,
  };
}

/** Two counts that a client would display the same. */
export function sameCount(a: ActiveCount, b: ActiveCount): boolean {
  return a.activeUsers === b.activeUsers && a.windowSeconds === b.windowSeconds;
}

/** The wire answer of `GET /v1/active` and of each SSE `active` event. */
export function toActiveUsersResponse(count: ActiveCount): ActiveUsersResponse {
  return { activeUsers: count.activeUsers, windowSeconds: count.windowSeconds, at: count.at.toISOString() };
}
