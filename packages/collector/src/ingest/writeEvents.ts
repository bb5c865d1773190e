import { randomUUID } from 'node:crypto';
import { SESSION_INACTIVITY_SECONDS } from '@headcount/schema';
import type { App } from '../apps/appsRepository';
import { inferSessions } from '../domain/inferSessions';
import type { NormalizedEvent } from '../domain/normalizeEvent';
import { sessionOwnerOf } from '../domain/normalizeEvent';
import { summarizeSessions } from '../domain/summarizeSessions';
import { hostOf } from '../domain/attribution';
import type { Queryable } from '../storage/database';
import { createEventsRepository, type EventToStore } from '../storage/eventsRepository';
import { createIdentityRepository } from '../storage/identityRepository';
import { compareText } from '../storage/lockOrder';
import { createSessionsRepository } from '../storage/sessionsRepository';

/** The valid events of one request for one app. */
export interface WriteRequest {
  app: App;
  events: NormalizedEvent[];
}

export interface WriteResult {
  accepted: number;
  duplicates: number;
}

/** One event of the write: where it goes, and (after the insert) whether it was new. */
type Placed = { event: NormalizedEvent; key: string; sessionId: string | null; inferred: boolean; first: boolean; isNew: boolean };

/**
 * Sessions are the SDK's to decide: an event it sends without a session id was made while nobody's
 * session was active (a kiosk between visitors) and joins none. Other senders' events are grouped
 * by inactivity.
 */
const fromHeadcountSdk = (event: NormalizedEvent) => event.context.library?.name === '@headcount/browser';

const GAP_MS = SESSION_INACTIVITY_SECONDS * 1000;

/** Gives events without a session id the session they belong to (see inferSessions), under a per-visitor lock. */
async function placeInferred(tx: Queryable, app: App, events: NormalizedEvent[]): Promise<Map<NormalizedEvent, string>> {
  const sessions = createSessionsRepository(tx);
  const storedEvents = createEventsRepository(tx);
  const byVisitor = new Map<string, NormalizedEvent[]>();
  let min = Infinity;
  let max = -Infinity;
  for (const event of events) {
    const visitor = sessionOwnerOf(event);
    const list = byVisitor.get(visitor);
    if (list) list.push(event);
    else byVisitor.set(visitor, [event]);
    min = Math.min(min, event.timestamp.getTime());
    max = Math.max(max, event.timestamp.getTime());
  }
  const visitors = [...byVisitor.keys()].sort(compareText);
  // Two writers grouping the same visitor at once would each open a session: serialize them per visitor.
  await tx.query(
    'SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k',
    [visitors.map((v) => `${app.id}\n${v}`)],
  );
  const known = await sessions.findInferred(app.id, visitors, new Date(min - GAP_MS), new Date(max + GAP_MS));
  const sessionOf = new Map<NormalizedEvent, string>();
  for (const [visitor, visitorEvents] of byVisitor) {
    const grouping = inferSessions(visitorEvents, known.get(visitor) ?? [], randomUUID, GAP_MS);
    for (const { into, from } of grouping.merges) {
      await storedEvents.moveToSession(app.id, from, into);
      await sessions.fold(app.id, into, from);
    }
    for (const [event, id] of grouping.sessionOf) sessionOf.set(event, id);
  }
  return sessionOf;
}

function originHostsOf(app: App): string[] {
  return app.origins.flatMap((origin) => hostOf(origin) ?? []);
}

/**
 * Stores the events of several requests in the caller's transaction: dedupe, session placement,
 * one set-based insert, one session upsert per app. Returns each request's accepted/duplicate counts.
 */
export async function writeEvents(tx: Queryable, requests: readonly WriteRequest[]): Promise<WriteResult[]> {
  const seen = new Set<string>();
  const apps = new Map<string, { app: App; placed: Placed[] }>();
  const perRequest: Placed[][] = [];

  // Apps in id order: two commits holding the same apps take their locks in the same order (no deadlock).
  for (const { app } of [...requests].sort((a, b) => compareText(a.app.id, b.app.id))) {
    if (!apps.has(app.id)) apps.set(app.id, { app, placed: [] });
  }
  for (const { app, events } of requests) {
    const entry = apps.get(app.id) as { app: App; placed: Placed[] };
    const placedHere: Placed[] = [];
    for (const event of events) {
      const key = `${app.id}\n${event.messageId}`;
      const first = !seen.has(key);
      seen.add(key);
      const inferred = event.sessionId === null && !fromHeadcountSdk(event);
      const placed: Placed = { event, key, sessionId: event.sessionId, inferred, first, isNew: false };
      placedHere.push(placed);
      if (first) entry.placed.push(placed);
    }
    perRequest.push(placedHere);
  }

  const toStore: EventToStore[] = [];
  for (const { app, placed } of apps.values()) {
    const sessionless = placed.filter((p) => p.inferred).map((p) => p.event);
    if (sessionless.length > 0) {
      const sessionOf = await placeInferred(tx, app, sessionless);
      for (const p of placed) if (p.inferred) p.sessionId = sessionOf.get(p.event) as string;
    }
    for (const p of placed) if (p.event.type !== 'ping') toStore.push({ appId: app.id, event: p.event, sessionId: p.sessionId });
  }
  // A stable order keeps concurrent inserts of overlapping batches from deadlocking on the unique key.
  toStore.sort((a, b) => compareText(a.appId, b.appId) || compareText(a.event.messageId, b.event.messageId));
  const inserted = await createEventsRepository(tx).insert(toStore);

  const sessions = createSessionsRepository(tx);
  const identities = createIdentityRepository(tx);
  for (const { app, placed } of apps.values()) {
    for (const p of placed) p.isNew = p.event.type === 'ping' || inserted.has(p.key);
    const fresh = placed.filter((p) => p.isNew);
    const inSessions = fresh.flatMap((p) => (p.sessionId === null ? [] : [{ ...p, sessionId: p.sessionId }]));
    await sessions.upsert(app.id, summarizeSessions(inSessions, originHostsOf(app)));
    await identities.record(app.id, fresh.map((p) => p.event));
  }

  return requests.map((_, i) => {
    const placed = perRequest[i] ?? [];
    const accepted = placed.filter((p) => p.first && p.isNew).length;
    return { accepted, duplicates: placed.length - accepted };
  });
}
