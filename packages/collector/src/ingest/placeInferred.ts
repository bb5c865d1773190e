import { randomUUID } from 'node:crypto';
import { SESSION_INACTIVITY_SECONDS } from '@headcount/schema';
import type { App } from '../apps/appsRepository';
import { hostOf } from '../domain/attribution';
import { inferSessions, sessionOpenAt, type VisitItem, type VisitSpan } from '../domain/inferSessions';
import type { NormalizedEvent } from '../domain/normalizeEvent';
import { sessionOwnerOf } from '../domain/normalizeEvent';
import { summarizeSessions, type SummarizedEvent } from '../domain/summarizeSessions';
import { attributeLanding, knowsPage, showsVisitor } from '../domain/visitBoundary';
import type { Queryable } from '../storage/database';
import { createIdentityRepository } from '../storage/identityRepository';
import { compareText } from '../storage/lockOrder';
import { createSessionsRepository, type ChainedSession } from '../storage/sessionsRepository';
import { createVisitEventsRepository, type StoredVisitEvent } from '../storage/visitEventsRepository';

const GAP_MS = SESSION_INACTIVITY_SECONDS * 1000;

export function originHostsOf(app: App): string[] {
  return app.origins.flatMap((origin) => hostOf(origin) ?? []);
}

export interface InferredPlacement {
  /** The session of each fresh event; absent or null: a server-side event no visit was open for. */
  sessionOf: Map<NormalizedEvent, string | null>;
  /** Fresh server-side events: they join a session without being its activity. */
  joinsOnly: Set<NormalizedEvent>;
  /** Sessions whose stored events moved: rebuilt from the table after the insert (see rebuildSessions). */
  rebuild: Set<string>;
}

/** Ids linked by identify/alias, as components: each id maps to its component's representative. */
function componentsOf(links: ReadonlyArray<readonly [string, string]>): (id: string) => string {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) as string;
    if (root !== id) parent.set(id, root);
    return root;
  };
  for (const [a, b] of links) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(compareText(ra, rb) < 0 ? rb : ra, compareText(ra, rb) < 0 ? ra : rb);
  }
  return find;
}

/** The links a write's own events carry (identify, events with both ids, alias), before they are recorded. */
function linksIn(events: readonly NormalizedEvent[]): Array<[string, string]> {
  return events.flatMap((e): Array<[string, string]> => [
    ...(e.anonymousId && e.userId ? [[e.anonymousId, e.userId] as [string, string]] : []),
    ...(e.type === 'alias' && e.previousId && e.userId ? [[e.previousId, e.userId] as [string, string]] : []),
  ]);
}

const idsOf = (e: { anonymousId: string | null; userId: string | null }) => [e.anonymousId, e.userId].filter((id): id is string => id !== null);

/**
 * Places a write's events without a session id (see inferSessions): under the app's placement lock, regroups each visitor's activity with the stored events near it, moves stored events whose visit
 * changed, and puts server-side events (fresh, in regrouped sessions, or waiting for a visit) into the
 * session of their person open at their time.
 */
export async function placeInferred(tx: Queryable, app: App, events: readonly NormalizedEvent[], gapMs = GAP_MS): Promise<InferredPlacement> {
  const sessions = createSessionsRepository(tx);
  const visitEvents = createVisitEventsRepository(tx);
  const identities = createIdentityRepository(tx);
  const originHosts = originHostsOf(app);
  const placement: InferredPlacement = { sessionOf: new Map(), joinsOnly: new Set(), rebuild: new Set() };

  // One placement per app at a time: a person's ids, sessions and waiting events span visitors whose links
  // another writer may be adding right now, so the links are read under the lock, fresh.
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${app.id}\ninferred placement`]);
  // An alias names its previous id too: its person is reached through the links of that id.
  const seeds = [...new Set(events.flatMap((e) => [...idsOf(e), ...(e.previousId ? [e.previousId] : [])]))];
  const stored = await identities.linksOf(app.id, seeds);
  const storedKeys = new Set(stored.map((link) => link.join('\n')));
  const written = linksIn(events);
  const componentOf = componentsOf([...stored, ...written]);
  const seedComponents = new Set(seeds.map(componentOf));
  const people = [...new Set([...seeds, ...stored.flat()])].filter((id) => seedComponents.has(componentOf(id)));

  // An event already stored is a duplicate the insert skips: it must not move anything.
  const already = new Set(
    (await tx.query<{ message_id: string }>('SELECT message_id FROM events WHERE app_id = $1 AND message_id = ANY($2::text[])', [app.id, events.map((e) => e.messageId)])).map((r) => r.message_id),
  );
  const fresh = events.filter((e) => !already.has(e.messageId));
  const freshActivity = fresh.filter(showsVisitor);

  // 1. Each visitor's activity, regrouped with the stored sessions chained to it.
  const near = new Map<string, { visitorId: string; from: Date; to: Date }>();
  for (const event of freshActivity) {
    const visitorId = sessionOwnerOf(event);
    const span = near.get(visitorId) ?? { visitorId, from: event.timestamp, to: event.timestamp };
    if (event.timestamp < span.from) span.from = event.timestamp;
    if (event.timestamp > span.to) span.to = event.timestamp;
    near.set(visitorId, span);
  }
  const chain = await sessions.inferredNear(app.id, [...near.values()], gapMs);
  // Fresh activity after every stored event of the visitor (in-order arrival) can move none of them: it
  // continues from the latest session's span and landing, and the stored events need not be read.
  const appending = new Map<string, ChainedSession | null>();
  for (const [visitorId, span] of near) {
    const own = chain.filter((s) => s.visitorId === visitorId);
    if (own.every((s) => (s.lastEventAt ?? s.lastSeenAt) < span.from)) {
      appending.set(visitorId, own.reduce<ChainedSession | null>((latest, s) => (latest === null || s.startedAt > latest.startedAt ? s : latest), null));
    }
  }
  const regroupedChain = chain.filter((s) => !appending.has(s.visitorId));
  const chainEvents = await visitEvents.ofSessions(app.id, regroupedChain.map((s) => s.id));
  const visitorOfSession = new Map(chain.map((s) => [s.id, s.visitorId]));

  type Ref = { fresh: NormalizedEvent } | { stored: StoredVisitEvent } | { continued: string };
  const itemsByVisitor = new Map<string, Array<VisitItem<Ref>>>();
  const addItem = (visitorId: string, event: SummarizedEvent, key: string, ref: Ref, storedIn: string | null) => {
    const list = itemsByVisitor.get(visitorId) ?? [];
    list.push({ ref, key, timestamp: event.timestamp, landing: knowsPage(event) ? attributeLanding(event.context, originHosts) : null, stored: storedIn });
    itemsByVisitor.set(visitorId, list);
  };
  for (const event of freshActivity) addItem(sessionOwnerOf(event), event, event.messageId, { fresh: event }, null);
  for (const [visitorId, latest] of appending) {
    if (latest === null) continue;
    // The latest session as the scan would leave it: started, landed as stored, last active at its last activity.
    const list = itemsByVisitor.get(visitorId) ?? [];
    list.push({ ref: { continued: latest.id }, key: '', timestamp: latest.startedAt, landing: latest.landingAt ? latest.landing : null, stored: latest.id });
    list.push({ ref: { continued: latest.id }, key: '', timestamp: latest.lastSeenAt, landing: null, stored: latest.id });
    itemsByVisitor.set(visitorId, list);
  }
  const storedJoining: StoredVisitEvent[] = [];
  for (const event of chainEvents) {
    if (showsVisitor(event)) addItem(visitorOfSession.get(event.sessionId as string) as string, event, event.messageId, { stored: event }, event.sessionId);
    else storedJoining.push(event);
  }

  const moves: Array<{ messageId: string; sessionId: string | null; from: string | null }> = [];
  const regrouped: Array<VisitSpan & { visitorId: string }> = [];
  const used = new Set<string>();
  for (const [visitorId, items] of itemsByVisitor) {
    for (const visit of inferSessions(items, randomUUID, gapMs)) {
      regrouped.push({ id: visit.id, visitorId, startedAt: visit.startedAt, lastSeenAt: visit.lastSeenAt, endedAt: null });
      used.add(visit.id);
      for (const { ref } of visit.items) {
        if ('fresh' in ref) placement.sessionOf.set(ref.fresh, visit.id);
        else if ('stored' in ref && ref.stored.sessionId !== visit.id) moves.push({ messageId: ref.stored.messageId, sessionId: visit.id, from: ref.stored.sessionId });
      }
    }
  }
  // A stored session no visit continues (its events all moved, or it only ever held server-side events) goes.
  for (const { id } of regroupedChain) if (!used.has(id)) placement.rebuild.add(id);

  // 2. Server-side events: fresh ones, those in regrouped sessions, and those waiting for a visit of their person.
  const regroupedPeople = [...new Set([...near.keys()].map(componentOf))];
  const newlyLinked = new Set(written.filter((link) => !storedKeys.has(link.join('\n'))).map(([a]) => componentOf(a)));
  const idsIn = (components: ReadonlySet<string>) => people.filter((id) => components.has(componentOf(id)));
  const waiting: StoredVisitEvent[] = [];
  if (regrouped.length > 0) {
    const from = new Date(Math.min(...regrouped.map((v) => v.startedAt.getTime())));
    const to = new Date(Math.max(...regrouped.map((v) => v.lastSeenAt.getTime())) + gapMs);
    waiting.push(...(await visitEvents.waiting(app.id, idsIn(new Set(regroupedPeople)), from, to)));
  }
  // A link learnt now lets events that waited at any time join the visits of the person it names.
  if (newlyLinked.size > 0) waiting.push(...(await visitEvents.waiting(app.id, idsIn(newlyLinked), null, null)));

  const joining = new Map<string, SummarizedEvent & { storedIn?: string | null }>();
  for (const event of fresh) if (!showsVisitor(event)) joining.set(event.messageId, event);
  for (const event of [...storedJoining, ...waiting]) if (!joining.has(event.messageId)) joining.set(event.messageId, { ...event, storedIn: event.sessionId });
  if (joining.size > 0) {
    const times = [...joining.values()].map((e) => e.timestamp.getTime());
    const known = await sessions.inferredOpenBetween(app.id, people, new Date(Math.min(...times)), new Date(Math.max(...times)), gapMs);
    // Regrouped visits replace the stored sessions they were made from.
    const superseded = new Set([...regroupedChain.map((s) => s.id), ...regrouped.map((v) => v.id)]);
    const spans = [...known.filter((s) => !superseded.has(s.id)), ...regrouped];
    const spansOf = new Map<string, VisitSpan[]>();
    for (const span of spans) {
      const component = componentOf(span.visitorId);
      spansOf.set(component, [...(spansOf.get(component) ?? []), span]);
    }
    for (const [messageId, event] of joining) {
      const components = new Set(idsOf(event).map(componentOf));
      const candidates = [...components].flatMap((c) => spansOf.get(c) ?? []);
      const target = sessionOpenAt(candidates, event.timestamp, gapMs);
      if (!('storedIn' in event)) {
        placement.sessionOf.set(event as NormalizedEvent, target);
        placement.joinsOnly.add(event as NormalizedEvent);
      } else if (event.storedIn !== target) {
        moves.push({ messageId, sessionId: target, from: event.storedIn ?? null });
      }
    }
  }

  await visitEvents.move(app.id, moves);
  for (const { sessionId, from } of moves) {
    if (from !== null) placement.rebuild.add(from);
    if (sessionId !== null) placement.rebuild.add(sessionId);
  }
  return placement;
}

/** Rebuilds sessions from their stored events (after the insert, so fresh events count): replaces their rows. */
export async function rebuildSessions(tx: Queryable, app: App, ids: ReadonlySet<string>): Promise<void> {
  if (ids.size === 0) return;
  const sessions = createSessionsRepository(tx);
  const events = await createVisitEventsRepository(tx).ofSessions(app.id, [...ids]);
  await sessions.remove(app.id, [...ids]);
  const summaries = summarizeSessions(
    events.map((event) => ({ event, sessionId: event.sessionId as string, inferred: true, joinsOnly: !showsVisitor(event) })),
    originHostsOf(app),
  );
  await sessions.upsert(app.id, summaries);
}
