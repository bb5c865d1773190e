// Checks that hold for any client library: what it put on the wire is what the collector stored.
import type { StoredEvent } from '@headcount/schema';
import { expect } from 'vitest';

export type SentEvent = Record<string, unknown> & { messageId: string; type: string };
export type Stored = StoredEvent & { groupId?: string; previousId?: string };

/** Every event in request bodies (one event, an array, or `{batch}`), once per messageId: a retry is the same event. */
export function sentEventsOf(bodies: ReadonlyArray<string | null>): Map<string, SentEvent> {
  const sent = new Map<string, SentEvent>();
  for (const text of bodies) {
    if (!text) continue;
    const body: unknown = JSON.parse(text);
    const items = Array.isArray(body) ? body : isBatch(body) ? body.batch : [body];
    for (const item of items as SentEvent[]) if (!sent.has(item.messageId)) sent.set(item.messageId, item);
  }
  return sent;
}

function isBatch(body: unknown): body is { batch: unknown[] } {
  return typeof body === 'object' && body !== null && Array.isArray((body as { batch?: unknown }).batch);
}

const ID_FIELDS = ['anonymousId', 'userId', 'groupId', 'previousId'] as const;
/** How an id a library sent reads back: numbers as decimal strings, absent or empty as null. */
const idAsStored = (value: unknown) => (value === undefined || value === null || value === '' ? null : String(value));
const idsOf = (event: object) => ID_FIELDS.map((field) => idAsStored((event as Record<string, unknown>)[field]));

/** The stored events are exactly the sent ones (by messageId), each with the ids it was sent with. */
export function expectStoredAsSent(events: readonly Stored[], sent: ReadonlyMap<string, SentEvent>): void {
  expect(events.map((e) => e.messageId).sort()).toEqual([...sent.keys()].sort());
  for (const event of events) expect(idsOf(event), `${event.type} ${event.messageId}`).toEqual(idsOf(sent.get(event.messageId)!));
}

/**
 * Client time within the window the calls were made in (the caller's clock), sent after it happened, and
 * corrected exactly as PRODUCT §2 says: timestamp = receivedAt - (sentAt - originalTimestamp).
 */
export function expectCorrectedTimes(events: readonly Stored[], calls: { from: number; to: number }): void {
  for (const event of events) {
    const original = Date.parse(event.originalTimestamp ?? '');
    const sentAt = Date.parse(event.sentAt ?? '');
    const receivedAt = Date.parse(event.receivedAt);
    expect(original, `${event.type} originalTimestamp`).toBeGreaterThanOrEqual(calls.from);
    expect(original, `${event.type} originalTimestamp`).toBeLessThanOrEqual(calls.to);
    expect(sentAt, `${event.type} sentAt`).toBeGreaterThanOrEqual(original);
    expect(Date.parse(event.timestamp), `${event.type} timestamp`).toBe(receivedAt - (sentAt - original));
  }
}

/** All events in one session, which is not null; returns its id. */
export function expectOneSession(events: readonly Stored[]): string {
  const ids = [...new Set(events.map((e) => e.sessionId))];
  expect(ids, 'session ids of the stored events').toHaveLength(1);
  expect(ids[0]).not.toBeNull();
  return ids[0]!;
}
