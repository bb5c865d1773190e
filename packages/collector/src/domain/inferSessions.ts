import { SESSION_INACTIVITY_SECONDS } from '@headcount/schema';
import type { Attribution } from './attribution';
import { startsNewVisit } from './visitBoundary';

/** One event of a visitor's activity, fresh or stored, as far as grouping needs it. */
export interface VisitItem<E> {
  ref: E;
  /** Breaks ties between events of the same millisecond, the same way in every arrival order. */
  key: string;
  timestamp: Date;
  /** The landing attribution of its page; null when it does not know its page. */
  landing: Attribution | null;
  /** The session it is stored in, null when it is new. */
  stored: string | null;
}

export interface InferredVisit<E> {
  /** A stored session's id when the visit continues one, else a new one. */
  id: string;
  startedAt: Date;
  lastSeenAt: Date;
  items: Array<VisitItem<E>>;
}

/** A session's span, for placing events that join visits without starting one. */
export interface VisitSpan {
  id: string;
  startedAt: Date;
  lastSeenAt: Date;
  endedAt: Date | null;
}

const byTime = <E>(a: VisitItem<E>, b: VisitItem<E>) =>
  a.timestamp.getTime() - b.timestamp.getTime() || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Groups one visitor's activity (events without a session id, fresh and stored) into visits: a visit ends after
 * 30 minutes of inactivity, and a landing with a new external touch (see startsNewVisit) starts the next one.
 * A pure function of the whole set, so late and out-of-order arrivals give the sessions in-order arrival gives:
 * the caller passes every stored event near the fresh ones and moves the stored ones whose visit changed.
 */
export function inferSessions<E>(
  items: ReadonlyArray<VisitItem<E>>,
  newId: () => string,
  gapMs = SESSION_INACTIVITY_SECONDS * 1000,
): Array<InferredVisit<E>> {
  const visits: Array<InferredVisit<E> & { landing: Attribution | null }> = [];
  let current: (typeof visits)[number] | undefined;
  for (const item of [...items].sort(byTime)) {
    const t = item.timestamp;
    const gap = current === undefined || t.getTime() - current.lastSeenAt.getTime() > gapMs;
    // A visit whose landing is not known yet takes this one as its landing rather than ending.
    const newTouch = !gap && item.landing !== null && current?.landing != null && startsNewVisit(current.landing, item.landing);
    if (current === undefined || gap || newTouch) {
      current = { id: '', startedAt: t, lastSeenAt: t, items: [], landing: null };
      visits.push(current);
    }
    current.items.push(item);
    current.lastSeenAt = t;
    current.landing ??= item.landing;
  }

  // A visit keeps the stored session of its earliest stored event, unless an earlier visit took it (a split).
  const taken = new Set<string>();
  return visits.map(({ landing: _landing, ...visit }) => {
    const stored = visit.items.find((item) => item.stored !== null && !taken.has(item.stored))?.stored ?? null;
    if (stored !== null) taken.add(stored);
    return { ...visit, id: stored ?? newId() };
  });
}

/**
 * The session open at `at` that an event joins without starting one: the latest started at or before it
 * that has not ended and was active within the gap. Null when none is.
 */
export function sessionOpenAt(spans: readonly VisitSpan[], at: Date, gapMs = SESSION_INACTIVITY_SECONDS * 1000): string | null {
  let best: VisitSpan | null = null;
  const t = at.getTime();
  for (const span of spans) {
    const closes = span.endedAt?.getTime() ?? span.lastSeenAt.getTime() + gapMs;
    if (span.startedAt.getTime() > t || t > closes) continue;
    if (best === null || span.startedAt > best.startedAt || (+span.startedAt === +best.startedAt && span.id > best.id)) best = span;
  }
  return best?.id ?? null;
}
