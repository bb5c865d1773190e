import { randomUUID } from 'node:crypto';
import { SESSION_INACTIVITY_SECONDS } from '@headcount/schema';
import type { App } from '../apps/appsRepository';
import { hostOf } from '../domain/attribution';
import { inferSessions, sessionOpenAt, type VisitItem, type VisitSpan } from '../domain/inferSessions';
import { idsOf, linksIn, personOf } from '../domain/linkedIds';
import type { NormalizedEvent } from '../domain/normalizeEvent';
import { sessionOwnerOf } from '../domain/normalizeEvent';
import { summarizeSessions, type SummarizedEvent } from '../domain/summarizeSessions';
import { attributeLanding, knowsPage, showsVisitor } from '../domain/visitBoundary';
import type { Queryable } from '../storage/database';
import { createIdentityRepository } from '../storage/identityRepository';
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

type Move = { messageId: string; timestamp: Date; sessionId: string | null; from: string | null };
type VisitorVisit = VisitSpan & { visitorId: string };

/** The people a write's events belong to, their links read under the placement lock. */
interface People {
  personOf: (id: string) => string;
  /** Every id of those people. */
  ids: string[];
  /** People whose ids a link of this write connects for the first time. */
  newlyLinked: Set<string>;
}

async function peopleOf(tx: Queryable, app: App, events: readonly NormalizedEvent[]): Promise<People> {
  // An alias names its previous id too: its person is reached through the links of that id.
  const seeds = [...new Set(events.flatMap((e) => [...idsOf(e), ...(e.previousId ? [e.previousId] : [])]))];
  const stored = await createIdentityRepository(tx).linksOf(app.id, seeds);
  const storedKeys = new Set(stored.map((link) => link.join('\n')));
  const written = linksIn(events);
  const person = personOf([...stored, ...written]);
  const seedPeople = new Set(seeds.map(person));
  return {
    personOf: person,
    ids: [...new Set([...seeds, ...stored.flat()])].filter((id) => seedPeople.has(person(id))),
    newlyLinked: new Set(written.filter((link) => !storedKeys.has(link.join('\n'))).map(([a]) => person(a))),
  };
}

/** Fresh activity regrouped with the visitors' stored sessions: where each event goes and what moves. */
interface Regrouping {
  visits: VisitorVisit[];
  /** Stored sessions whose events were read and regrouped (the visits replace them). */
  regrouped: ChainedSession[];
  /** Server-side events stored in the regrouped sessions: placed again. */
  joining: StoredVisitEvent[];
  moves: Move[];
}

async function regroupActivity(
  tx: Queryable,
  app: App,
  activity: readonly NormalizedEvent[],
  placement: InferredPlacement,
  gapMs: number,
): Promise<Regrouping> {
  const originHosts = originHostsOf(app);
  const near = new Map<string, { visitorId: string; from: Date; to: Date }>();
  for (const event of activity) {
    const visitorId = sessionOwnerOf(event);
    const span = near.get(visitorId) ?? { visitorId, from: event.timestamp, to: event.timestamp };
    if (event.timestamp < span.from) span.from = event.timestamp;
    if (event.timestamp > span.to) span.to = event.timestamp;
    near.set(visitorId, span);
  }
  const chain = await createSessionsRepository(tx).inferredNear(app.id, [...near.values()], gapMs);

  type Ref = { fresh: NormalizedEvent } | { stored: StoredVisitEvent } | { continued: string };
  const itemsOf = new Map<string, Array<VisitItem<Ref>>>();
  const add = (visitorId: string, item: VisitItem<Ref>) => {
    const items = itemsOf.get(visitorId);
    if (items) items.push(item);
    else itemsOf.set(visitorId, [item]);
  };
  const landingOf = (event: SummarizedEvent) => (knowsPage(event) ? attributeLanding(event.context, originHosts) : null);

  // Activity after every stored event of its visitor (in-order arrival) can move none of them: it continues
  // the latest session from its stored span and landing, without reading its events.
  const regrouped: ChainedSession[] = [];
  for (const [visitorId, span] of near) {
    const own = chain.filter((s) => s.visitorId === visitorId);
    if (!own.every((s) => (s.lastEventAt ?? s.lastSeenAt) < span.from)) {
      regrouped.push(...own);
      continue;
    }
    const latest = own.reduce<ChainedSession | null>((l, s) => (l === null || s.startedAt > l.startedAt ? s : l), null);
    if (latest === null) continue;
    add(visitorId, { ref: { continued: latest.id }, key: '', timestamp: latest.startedAt, landing: latest.landingAt ? latest.landing : null, stored: latest.id });
    add(visitorId, { ref: { continued: latest.id }, key: '', timestamp: latest.lastSeenAt, landing: null, stored: latest.id });
  }
  for (const event of activity) add(sessionOwnerOf(event), { ref: { fresh: event }, key: event.messageId, timestamp: event.timestamp, landing: landingOf(event), stored: null });
  const visitorOf = new Map(regrouped.map((s) => [s.id, s.visitorId]));
  const joining: StoredVisitEvent[] = [];
  for (const event of await createVisitEventsRepository(tx).ofSessions(app.id, regrouped.map((s) => s.id))) {
    if (!showsVisitor(event)) joining.push(event);
    else add(visitorOf.get(event.sessionId as string) as string, { ref: { stored: event }, key: event.messageId, timestamp: event.timestamp, landing: landingOf(event), stored: event.sessionId });
  }

  const visits: VisitorVisit[] = [];
  const moves: Move[] = [];
  for (const [visitorId, items] of itemsOf) {
    for (const visit of inferSessions(items, randomUUID, gapMs)) {
      visits.push({ id: visit.id, visitorId, startedAt: visit.startedAt, lastSeenAt: visit.lastSeenAt, endedAt: null });
      for (const { ref } of visit.items) {
        if ('fresh' in ref) placement.sessionOf.set(ref.fresh, visit.id);
        else if ('stored' in ref && ref.stored.sessionId !== visit.id) moves.push({ messageId: ref.stored.messageId, timestamp: ref.stored.timestamp, sessionId: visit.id, from: ref.stored.sessionId });
      }
    }
  }
  // A regrouped session no visit continues (its events all moved, or it only ever held server-side events) goes.
  const continued = new Set(visits.map((v) => v.id));
  for (const { id } of regrouped) if (!continued.has(id)) placement.rebuild.add(id);
  return { visits, regrouped, joining, moves };
}

/**
 * Server-side events (fresh, stored in regrouped sessions, or waiting for a visit of their person) into the
 * session of their person open at their time. Returns the moves of stored ones.
 */
async function placeJoining(
  tx: Queryable,
  app: App,
  fresh: readonly NormalizedEvent[],
  people: People,
  regrouping: Regrouping,
  placement: InferredPlacement,
  gapMs: number,
): Promise<Move[]> {
  const visitEvents = createVisitEventsRepository(tx);
  const idsOfPeople = (persons: ReadonlySet<string>) => people.ids.filter((id) => persons.has(people.personOf(id)));
  const { visits } = regrouping;
  const waiting: StoredVisitEvent[] = [];
  if (visits.length > 0) {
    const from = new Date(Math.min(...visits.map((v) => v.startedAt.getTime())));
    const to = new Date(Math.max(...visits.map((v) => v.lastSeenAt.getTime())) + gapMs);
    waiting.push(...(await visitEvents.waiting(app.id, idsOfPeople(new Set(visits.map((v) => people.personOf(v.visitorId)))), from, to)));
  }
  // A link learnt now lets events that waited at any time join the visits of the person it names.
  if (people.newlyLinked.size > 0) waiting.push(...(await visitEvents.waiting(app.id, idsOfPeople(people.newlyLinked), null, null)));

  const joining = new Map<string, SummarizedEvent & { storedIn?: string | null }>();
  for (const event of fresh) joining.set(event.messageId, event);
  for (const event of [...regrouping.joining, ...waiting]) if (!joining.has(event.messageId)) joining.set(event.messageId, { ...event, storedIn: event.sessionId });
  if (joining.size === 0) return [];

  const times = [...joining.values()].map((e) => e.timestamp.getTime());
  const stored = await createSessionsRepository(tx).inferredOpenBetween(app.id, people.ids, new Date(Math.min(...times)), new Date(Math.max(...times)), gapMs);
  // Regrouped visits replace the stored sessions they were made from.
  const replaced = new Set([...regrouping.regrouped.map((s) => s.id), ...visits.map((v) => v.id)]);
  const spansOf = new Map<string, VisitSpan[]>();
  for (const span of [...stored.filter((s) => !replaced.has(s.id)), ...visits]) {
    const person = people.personOf(span.visitorId);
    const spans = spansOf.get(person);
    if (spans) spans.push(span);
    else spansOf.set(person, [span]);
  }
  const moves: Move[] = [];
  for (const [messageId, event] of joining) {
    const candidates = [...new Set(idsOf(event).map(people.personOf))].flatMap((person) => spansOf.get(person) ?? []);
    const target = sessionOpenAt(candidates, event.timestamp, gapMs);
    if (!('storedIn' in event)) {
      placement.sessionOf.set(event as NormalizedEvent, target);
      placement.joinsOnly.add(event as NormalizedEvent);
    } else if (event.storedIn !== target) {
      moves.push({ messageId, timestamp: event.timestamp, sessionId: target, from: event.storedIn ?? null });
    }
  }
  return moves;
}

/**
 * Places a write's events without a session id (see inferSessions): regroups each visitor's activity with
 * the stored sessions chained to it, moves stored events whose visit changed, and puts server-side events
 * into the session of their person open at their time.
 */
export async function placeInferred(tx: Queryable, app: App, events: readonly NormalizedEvent[], gapMs = GAP_MS): Promise<InferredPlacement> {
  const placement: InferredPlacement = { sessionOf: new Map(), joinsOnly: new Set(), rebuild: new Set() };
  // One placement per app at a time: a person's ids, sessions and waiting events span visitors whose links
  // another writer may be adding right now, so the links are read under the lock, fresh.
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${app.id}\ninferred placement`]);
  const people = await peopleOf(tx, app, events);
  // An event already stored is a duplicate the insert skips: it must not move anything (event_ids holds every stored messageId).
  const already = new Set(
    (await tx.query<{ message_id: string }>(
      `SELECT m AS message_id FROM unnest($2::text[]) AS m
       WHERE EXISTS (SELECT 1 FROM event_ids WHERE app_id = $1 AND message_key = headcount_message_key(m))`,
      [app.id, events.map((e) => e.messageId)]))
      .map((r) => r.message_id),
  );
  const fresh = events.filter((e) => !already.has(e.messageId));

  const regrouping = await regroupActivity(tx, app, fresh.filter(showsVisitor), placement, gapMs);
  const joinMoves = await placeJoining(tx, app, fresh.filter((e) => !showsVisitor(e)), people, regrouping, placement, gapMs);
  const moves = [...regrouping.moves, ...joinMoves];
  await createVisitEventsRepository(tx).move(app.id, moves);
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
