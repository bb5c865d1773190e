import { SESSION_ENDED } from '@headcount/schema';
import type { NormalizedEvent } from '../domain/normalizeEvent';
import { pagePathOf } from '../domain/summarizeSessions';
import type { ActiveCount } from './activeUsers';

/**
 * Whether a committed event may change an app's live count (or a page's), given the count current before it:
 * only a visitor not counted yet, a session ending or a visitor moving to another page can. A counted visitor
 * staying on their page (pings, clicks, a busy kiosk) changes nothing, so the load of the people already here
 * costs no recount.
 */
export function countMayChange(count: ActiveCount, event: NormalizedEvent): boolean {
  if (event.type === 'track' && event.event === SESSION_ENDED) return true;
  const visitor = event.userId ?? event.anonymousId;
  if (visitor === null || !count.visitors.has(visitor)) return true;
  const path = pagePathOf(event);
  return path !== null && count.visitors.get(visitor) !== path;
}
