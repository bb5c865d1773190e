import type { App } from '../apps/appsRepository';
import type { NormalizedEvent } from '../domain/normalizeEvent';
import { summarizeSessions } from '../domain/summarizeSessions';
import type { Transaction } from '../storage/database';
import { insertEvents, type EventToStore } from '../storage/insertEvents';
import { linkStatements } from '../storage/identityRepository';
import { compareText } from '../storage/lockOrder';
import { sessionsUpsert } from '../storage/sessionsRepository';
import { run, together, type Statement } from '../storage/statement';
import { originHostsOf, placeInferred, rebuildSessions } from './placeInferred';

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
type Placed = { event: NormalizedEvent; key: string; sessionId: string | null; inferred: boolean; joinsOnly: boolean; first: boolean; isNew: boolean };

/**
 * Sessions are the SDK's to decide: an event it sends without a session id was made while nobody's
 * session was active (a kiosk between visitors) and joins none. Other senders' events are grouped
 * by inactivity.
 */
const fromHeadcountSdk = (event: NormalizedEvent) => event.context.library?.name === '@headcount/browser';

/**
 * Stores the events of several requests in the caller's transaction: dedupe, session placement,
 * the COPYs of the events and their messageIds, one statement per app for its sessions and identity links.
 * Returns each request's accepted/duplicate counts. It may commit the transaction (with its last statements, in
 * one round trip): nothing may run in it afterwards.
 */
export async function writeEvents(tx: Transaction, requests: readonly WriteRequest[]): Promise<WriteResult[]> {
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
      const placed: Placed = { event, key, sessionId: event.sessionId, inferred, joinsOnly: false, first, isNew: false };
      placedHere.push(placed);
      if (first) entry.placed.push(placed);
    }
    perRequest.push(placedHere);
  }

  const toStore: EventToStore[] = [];
  const rebuilds = new Map<string, Set<string>>();
  for (const { app, placed } of apps.values()) {
    const sessionless = placed.filter((p) => p.inferred).map((p) => p.event);
    if (sessionless.length > 0) {
      const placement = await placeInferred(tx, app, sessionless);
      for (const p of placed) {
        if (!p.inferred) continue;
        p.sessionId = placement.sessionOf.get(p.event) ?? null;
        p.joinsOnly = placement.joinsOnly.has(p.event);
      }
      rebuilds.set(app.id, placement.rebuild);
    }
    for (const p of placed) if (p.event.type !== 'ping') toStore.push({ appId: app.id, event: p.event, sessionId: p.sessionId });
  }
  // A stable order keeps concurrent inserts of overlapping batches from deadlocking on the unique key.
  toStore.sort((a, b) => compareText(a.appId, b.appId) || compareText(a.event.messageId, b.event.messageId));
  // When events are copied and no stored session must be rebuilt, what follows the insert is known before it, should
  // every event be new (the common case): it goes with the insert and the COMMIT, in one round trip.
  const ahead = toStore.length > 0 && ![...rebuilds.values()].some((ids) => ids.size > 0);
  if (ahead) for (const { placed } of apps.values()) for (const p of placed) p.isNew = true;
  const { skipped, ranThen } = await insertEvents(tx, toStore, ahead ? [...apps.values()].flatMap(({ app, placed }) => visitStatement(app, placed, new Set())) : null);

  if (!ranThen) {
    for (const { app, placed } of apps.values()) {
      // Every placed event but a ping was in the insert: new unless it skipped it.
      for (const p of placed) p.isNew = p.event.type === 'ping' || !skipped.has(p.key);
      // Sessions whose stored events moved are rebuilt whole from the table, fresh events included.
      const rebuild = rebuilds.get(app.id) ?? new Set<string>();
      for (const statement of visitStatement(app, placed, rebuild)) await run(tx, statement);
      await rebuildSessions(tx, app, rebuild);
    }
  }

  return requests.map((_, i) => {
    const placed = perRequest[i] ?? [];
    const accepted = placed.filter((p) => p.first && p.isNew).length;
    return { accepted, duplicates: placed.length - accepted };
  });
}

/**
 * The statement folding an app's new events into its stored sessions (but those in `rebuild`, rebuilt whole after it)
 * and identity links: none, or one.
 */
function visitStatement(app: App, placed: readonly Placed[], rebuild: ReadonlySet<string>): Statement[] {
  const fresh = placed.filter((p) => p.isNew);
  const inSessions = fresh.flatMap((p) => (p.sessionId === null || rebuild.has(p.sessionId) ? [] : [{ ...p, sessionId: p.sessionId }]));
  const statements = [sessionsUpsert(app.id, summarizeSessions(inSessions, originHostsOf(app))), ...linkStatements(app.id, fresh.map((p) => p.event))]
    .filter((s): s is Statement => s !== null);
  return statements.length > 0 ? [together(statements)] : [];
}
