import type { Session, Touch } from '@headcount/schema';

/**
 * A visitor's first touch (how they first arrived) and last non-direct touch (GA's "last non-direct click"):
 * direct visits and internal navigation never overwrite a real source. Sessions must be oldest first.
 */
export function visitorTouches(sessions: readonly Session[]): { firstTouch: Touch | null; lastTouch: Touch | null } {
  const first = sessions[0];
  if (!first) return { firstTouch: null, lastTouch: null };
  const lastNonDirect = [...sessions].reverse().find((s) => s.referrer.type !== 'direct');
  return { firstTouch: first.referrer, lastTouch: (lastNonDirect ?? sessions[sessions.length - 1] ?? first).referrer };
}
