import { SESSION_ENDED, type CampaignContext, type Device, type SessionEndReason, type Touch } from '@headcount/schema';
import type { NormalizedEvent } from './normalizeEvent';
import { sessionOwnerOf } from './normalizeEvent';
import { parseDevice } from './parseDevice';
import { attributeLanding, knowsPage } from './visitBoundary';

/** What one write adds to a session; the store folds it into the stored row (see sessionsRepository.upsert). */
export interface SessionSummary {
  id: string;
  inferred: boolean;
  visitorId: string;
  anonymousId: string | null;
  userId: string | null;
  /** Null when the write only adds events that join the session without being its activity (server-side ones). */
  startedAt: Date | null;
  lastSeenAt: Date | null;
  endedAt: Date | null;
  endReason: SessionEndReason | null;
  /** Stored events (pings are presence only and do not count). */
  eventCount: number;
  /** The page of the latest event that knew its path (live counts per page), and that event's time. */
  lastPagePath: string | null;
  lastPageAt: Date | null;
  /**
   * Time of the event the landing facts come from: the earliest event that knows its page (an identify
   * sent a millisecond before the first page must not make the visit look direct). Null when none does.
   */
  landingAt: Date | null;
  landingPage: string | null;
  /** null: internal navigation, not a new touch. */
  touch: Omit<Touch, 'timestamp'> | null;
  campaign: CampaignContext;
  clickIds: Record<string, string>;
  device: Device;
}

const END_REASONS: ReadonlySet<string> = new Set<SessionEndReason>(['idle', 'manual', 'max_duration', 'reset', 'new_source']);

function endReasonOf(event: SummarizedEvent): SessionEndReason {
  const reason = event.properties?.reason;
  return typeof reason === 'string' && END_REASONS.has(reason) ? (reason as SessionEndReason) : 'manual';
}

/** The event's page path: `context.page.path`, else the path of `context.page.url` (Segment libraries may send only that). */
export function pagePathOf(event: SummarizedEvent): string | null {
  const page = event.context.page;
  if (typeof page?.path === 'string' && page.path) return page.path;
  if (typeof page?.url !== 'string') return null;
  try {
    return new URL(page.url).pathname;
  } catch {
    return null;
  }
}

/** What a summary reads of an event: stored events are summarized again when their session is rebuilt. */
export type SummarizedEvent = Pick<NormalizedEvent, 'type' | 'event' | 'anonymousId' | 'userId' | 'timestamp' | 'properties' | 'context'>;

/** Whether `candidate` should provide the landing facts rather than `current`. */
function landsEarlier(candidate: SummarizedEvent, current: SummarizedEvent): boolean {
  const a = knowsPage(candidate);
  const b = knowsPage(current);
  return a !== b ? a : candidate.timestamp < current.timestamp;
}

function landingOf(event: SummarizedEvent | null, originHosts: readonly string[]) {
  if (event === null) return { landingAt: null, landingPage: null, touch: null, campaign: {}, clickIds: {}, device: parseDevice(undefined) };
  const page = event.context.page;
  const attribution = attributeLanding(event.context, originHosts);
  return {
    landingAt: knowsPage(event) ? event.timestamp : null,
    landingPage: page?.url ?? page?.path ?? null,
    touch: attribution.touch,
    campaign: attribution.campaign,
    clickIds: attribution.clickIds,
    device: parseDevice(event.context.userAgent),
  };
}

/**
 * Folds the events of one write into one summary per session.
 * `events` must carry their final session id (from the SDK or inferred); `joinsOnly` events (server-side ones)
 * count in the session but neither move its start, last activity and end nor provide its landing.
 */
export function summarizeSessions(
  events: ReadonlyArray<{ event: SummarizedEvent; sessionId: string; inferred: boolean; joinsOnly?: boolean }>,
  originHosts: readonly string[],
): SessionSummary[] {
  type Entry = { landing: SummarizedEvent | null; owned: boolean; summary: Omit<SessionSummary, keyof ReturnType<typeof landingOf>> };
  const bySession = new Map<string, Entry>();
  for (const { event, sessionId, inferred, joinsOnly = false } of events) {
    let entry = bySession.get(sessionId);
    if (!entry) {
      entry = {
        landing: null,
        owned: false,
        summary: {
          id: sessionId,
          inferred,
          visitorId: sessionOwnerOf(event),
          anonymousId: null,
          userId: null,
          startedAt: null,
          lastSeenAt: null,
          endedAt: null,
          endReason: null,
          eventCount: 0,
          lastPagePath: null,
          lastPageAt: null,
        },
      };
      bySession.set(sessionId, entry);
    }
    const s = entry.summary;
    if (event.type !== 'ping') s.eventCount += 1;
    if (joinsOnly) {
      // A backend call names the user at most: the device and the user the visit's own events name come first.
      s.userId ??= event.userId;
      continue;
    }
    s.anonymousId ??= event.anonymousId;
    if (event.userId) s.userId = event.userId;
    // The session belongs to whoever made its activity, not to a backend event that joined it.
    if (!entry.owned) {
      entry.owned = true;
      s.visitorId = sessionOwnerOf(event);
    }
    if (s.startedAt === null || event.timestamp < s.startedAt) s.startedAt = event.timestamp;
    if (s.lastSeenAt === null || event.timestamp > s.lastSeenAt) s.lastSeenAt = event.timestamp;
    if (entry.landing === null || landsEarlier(event, entry.landing)) entry.landing = event;
    const path = pagePathOf(event);
    if (path !== null && (!s.lastPageAt || event.timestamp >= s.lastPageAt)) {
      s.lastPagePath = path;
      s.lastPageAt = event.timestamp;
    }
    const isEnd = event.type === 'track' && event.event === SESSION_ENDED;
    if (isEnd && (!s.endedAt || event.timestamp < s.endedAt)) {
      s.endedAt = event.timestamp;
      s.endReason = endReasonOf(event);
    }
  }
  // Completed in place: the entries are this call's own.
  return [...bySession.values()].map(({ landing, summary }) => Object.assign(summary, landingOf(landing, originHosts)));
}
