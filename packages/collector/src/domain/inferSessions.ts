import { SESSION_INACTIVITY_SECONDS } from '@headcount/schema';

/** A stored inferred session of the visitor, as far as grouping needs it. */
export interface KnownSession {
  id: string;
  startedAt: Date;
  lastSeenAt: Date;
}

export interface InferredGrouping<E> {
  /** The session each event belongs to. */
  sessionOf: Map<E, string>;
  /** Stored sessions that a late event bridged: `from` sessions fold into `into`. */
  merges: Array<{ into: string; from: string[] }>;
}

type Item<E> = { start: number; end: number; session?: KnownSession; event?: E };

/**
 * Groups one visitor's events without a session id into sessions that break after 30 minutes of
 * inactivity. Works on the union of new events and the visitor's stored sessions, so events that
 * arrive late or out of order land where they would have landed in order: inside a stored session,
 * extending it, or joining two sessions they bridge.
 */
export function inferSessions<E extends { timestamp: Date }>(
  events: readonly E[],
  known: readonly KnownSession[],
  newId: () => string,
  gapMs = SESSION_INACTIVITY_SECONDS * 1000,
): InferredGrouping<E> {
  const items: Item<E>[] = [
    ...known.map((session): Item<E> => ({ start: session.startedAt.getTime(), end: session.lastSeenAt.getTime(), session })),
    ...events.map((event): Item<E> => ({ start: event.timestamp.getTime(), end: event.timestamp.getTime(), event })),
  ];
  items.sort((a, b) => a.start - b.start || (a.session ? -1 : 1));

  const sessionOf = new Map<E, string>();
  const merges: InferredGrouping<E>['merges'] = [];
  let cluster: Item<E>[] = [];
  let clusterEnd = -Infinity;

  const close = () => {
    if (cluster.length === 0) return;
    const stored = cluster.flatMap((item) => (item.session ? [item.session] : []));
    const into = stored[0]?.id ?? newId();
    if (stored.length > 1) merges.push({ into, from: stored.slice(1).map((s) => s.id) });
    for (const item of cluster) if (item.event) sessionOf.set(item.event, into);
    cluster = [];
  };

  for (const item of items) {
    if (item.start > clusterEnd + gapMs) close();
    cluster.push(item);
    clusterEnd = Math.max(clusterEnd, item.end);
  }
  close();
  return { sessionOf, merges };
}
