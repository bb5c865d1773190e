// What every browser case checks, reading only the collector: each call stored once with its ids, times, session and source.
import { expect } from 'vitest';
import { eventually } from '../support/eventually';
import type { ProxiedCall } from '../support/recordingProxy';
import { expectOneSession, expectStoredAsSent, sentEventsOf, type SentEvent, type Stored } from '../support/storedAsSent';
import type { CaseRun } from './harness';
import { CALLS, EXPECTED_CAMPAIGN, EXPECTED_TOUCH, TRACK_EVENT } from './scenario';

/** Every event the library put on the wire; its metrics (`/v1/m`) are not events. */
export function sentEvents(calls: readonly ProxiedCall[]): Map<string, SentEvent> {
  return sentEventsOf(calls.filter((c) => c.method === 'POST' && !c.path.startsWith('/v1/m')).map((c) => c.body));
}

/** `POST /v1/p → 404 {"error":...} ×3`: how the collector answered, for a failure message. */
export function describeAnswers(calls: readonly ProxiedCall[]): string {
  const counts = new Map<string, number>();
  for (const call of calls) {
    const failed = call.status !== null && call.status >= 400 ? ` ${call.answer ?? ''}` : '';
    const line = `${call.method} ${call.path.split('?')[0]} → ${call.status ?? 'no answer'}${failed}`;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts].map(([line, n]) => (n > 1 ? `${line} ×${n}` : line)).join('; ') || 'no request reached it';
}

/**
 * Waits (bounded) until every event the library sent is stored and every request answered, then checks that the stored events are
 * exactly the CALLS, once each, under the messageIds sent, and that nothing went anywhere but the collector.
 */
export async function expectEveryCallStoredOnce(run: CaseRun): Promise<{ events: Stored[]; sent: Map<string, SentEvent> }> {
  const { events, sent } = await eventually(`every ${CALLS.join('/')} call stored (${run.mode})`, async () => {
    const sent = sentEvents(run.calls);
    const events: Stored[] = await run.read.events();
    const stored = new Set(events.map((e) => e.messageId));
    const sentTypes = new Set([...sent.values()].map((e) => String(e.type).toLowerCase()));
    const answered = run.calls.every((c) => c.status !== null);
    if (answered && CALLS.every((type) => sentTypes.has(type)) && [...sent.keys()].every((id) => stored.has(id))) return { events, sent };
    throw new Error(`${stored.size} stored of ${sent.size} sent; the collector answered: ${describeAnswers(run.calls)}`);
  });
  expect(events.map((e) => e.type).sort()).toEqual([...CALLS].sort());
  expect(run.foreign).toEqual([]);
  expectCorsAnswers(run);
  return { events, sent };
}

/**
 * Every answered POST is a 200 and every answered preflight a 2xx, each allowing the site's origin (the app
 * lists only it). Waiting for the answers is the caller's: the library may still be sending its metrics.
 */
export function expectCorsAnswers(run: CaseRun): void {
  const answers = run.calls.filter((c) => c.status !== null).map((c) => ({ request: `${c.method} ${c.path.split('?')[0]}`, status: c.status, allowOrigin: c.allowOrigin }));
  for (const answer of answers) {
    expect(answer).toMatchObject({ status: answer.request.startsWith('OPTIONS') ? expect.toSatisfy((s: number) => s >= 200 && s < 300) : 200, allowOrigin: run.siteOrigin });
  }
}

/** The distinct paths (without query) requested with `method`. */
export function pathsRequested(run: CaseRun, method: string): string[] {
  return [...new Set(run.calls.filter((c) => c.method === method).map((c) => c.path.split('?')[0]!))].sort();
}

function byType(events: readonly Stored[]): Record<(typeof CALLS)[number], Stored> {
  return Object.fromEntries(events.map((e) => [e.type, e])) as Record<(typeof CALLS)[number], Stored>;
}

/**
 * Each stored event carries the ids its library sent, and those are the visitor's: anonymous for page and
 * track, then identified, grouped and aliased.
 */
export function expectIds(run: CaseRun, events: readonly Stored[], sent: ReadonlyMap<string, SentEvent>): void {
  const { config, result } = run;
  expectStoredAsSent(events, sent);
  for (const event of events) expect(event.anonymousId, event.type).toBe(result.anonymousId);
  const { page, track, identify, group, alias } = byType(events);
  expect([page.userId, track.userId]).toEqual([null, null]);
  expect(track).toMatchObject({ event: TRACK_EVENT, properties: { plan: 'pro', seats: 3 } });
  expect(identify.userId).toBe(config.userId);
  // analytics.js sends identify traits at the top level, RudderStack in context.traits: either is kept as sent.
  expect({ ...(identify.context as { traits?: object }).traits, ...identify.traits }).toMatchObject({ email: 'ada@example.com' });
  expect(group).toMatchObject({ userId: config.userId, groupId: config.groupId, traits: { name: 'Acme' } });
  // The alias's userId is whatever the library sent (checked above): analytics-next sends the current user's.
  expect(alias.previousId).toBe(config.userId);
}

/**
 * All calls in one session, `expectedId` when the library names it; the session starts on the tagged
 * landing with the LinkedIn touch and campaign, and the identified user carries both.
 */
export async function expectSessionAndAttribution(run: CaseRun, events: readonly Stored[], expectedId: string | null): Promise<string> {
  const sessionId = expectOneSession(events);
  if (expectedId !== null) expect(sessionId).toBe(expectedId);

  const sessions = await run.read.sessions();
  expect(sessions).toHaveLength(1);
  expect(sessions[0]).toMatchObject({ id: sessionId, anonymousId: run.result.anonymousId, eventCount: events.length, landingPage: run.landingUrl });
  expect(sessions[0]!.referrer).toMatchObject(EXPECTED_TOUCH);
  expect(sessions[0]!.campaign).toEqual(EXPECTED_CAMPAIGN);

  const user = await run.read.user(run.config.userId);
  expect(user.anonymousIds).toContain(run.result.anonymousId);
  expect(user.sessions.map((s) => s.id)).toContain(sessionId);
  expect(user.firstTouch).toMatchObject(EXPECTED_TOUCH);
  return sessionId;
}
