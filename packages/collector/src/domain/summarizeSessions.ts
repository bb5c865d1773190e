import { SESSION_ENDED, type CampaignContext, type Device, type SessionEndReason, type Touch } from '@headcount/schema';
import { attribute, hostOf } from './attribution';
import type { NormalizedEvent } from './normalizeEvent';
import { sessionOwnerOf } from './normalizeEvent';
import { parseDevice } from './parseDevice';

/** What one write adds to a session; the store folds it into the stored row (see sessionsRepository.upsert). */
export interface SessionSummary {
  id: string;
  inferred: boolean;
  visitorId: string;
  anonymousId: string | null;
  userId: string | null;
  startedAt: Date;
  lastSeenAt: Date;
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

const END_REASONS: ReadonlySet<string> = new Set<SessionEndReason>(['idle', 'manual', 'max_duration', 'reset']);

function endReasonOf(event: NormalizedEvent): SessionEndReason {
  const reason = event.properties?.reason;
  return typeof reason === 'string' && END_REASONS.has(reason) ? (reason as SessionEndReason) : 'manual';
}

const knowsPage = (event: NormalizedEvent) => Boolean(event.context.page?.url || event.context.page?.referrer);

/** The event's page path: `context.page.path`, else the path of `context.page.url` (Segment libraries may send only that). */
function pagePathOf(event: NormalizedEvent): string | null {
  const page = event.context.page;
  if (typeof page?.path === 'string' && page.path) return page.path;
  if (typeof page?.url !== 'string') return null;
  try {
    return new URL(page.url).pathname;
  } catch {
    return null;
  }
}

/** Whether `candidate` should provide the landing facts rather than `current`. */
function landsEarlier(candidate: NormalizedEvent, current: NormalizedEvent): boolean {
  const a = knowsPage(candidate);
  const b = knowsPage(current);
  return a !== b ? a : candidate.timestamp < current.timestamp;
}

function landingOf(event: NormalizedEvent, originHosts: readonly string[]) {
  const page = event.context.page;
  const pageUrl = page?.url ?? null;
  const ownHost = hostOf(pageUrl);
  const attribution = attribute({
    referrer: page?.referrer ?? null,
    pageUrl,
    campaign: event.context.campaign ?? null,
    clickIds: event.context.clickIds ?? null,
    internalHosts: ownHost ? [...originHosts, ownHost] : originHosts,
  });
  return {
    landingAt: knowsPage(event) ? event.timestamp : null,
    landingPage: pageUrl ?? page?.path ?? null,
    touch: attribution.touch,
    campaign: attribution.campaign,
    clickIds: attribution.clickIds,
    device: parseDevice(event.context.userAgent),
  };
}

/**
 * Folds the events of one write into one summary per session.
 * `events` must carry their final session id (from the SDK or inferred).
 */
export function summarizeSessions(
  events: ReadonlyArray<{ event: NormalizedEvent; sessionId: string; inferred: boolean }>,
  originHosts: readonly string[],
): SessionSummary[] {
  const bySession = new Map<string, { first: NormalizedEvent; summary: Omit<SessionSummary, keyof ReturnType<typeof landingOf>> }>();
  for (const { event, sessionId, inferred } of events) {
    const isEnd = event.type === 'track' && event.event === SESSION_ENDED;
    const counted = event.type === 'ping' ? 0 : 1;
    const path = pagePathOf(event);
    const entry = bySession.get(sessionId);
    if (!entry) {
      bySession.set(sessionId, {
        first: event,
        summary: {
          id: sessionId,
          inferred,
          visitorId: sessionOwnerOf(event),
          anonymousId: event.anonymousId,
          userId: event.userId,
          startedAt: event.timestamp,
          lastSeenAt: event.timestamp,
          endedAt: isEnd ? event.timestamp : null,
          endReason: isEnd ? endReasonOf(event) : null,
          eventCount: counted,
          lastPagePath: path,
          lastPageAt: path === null ? null : event.timestamp,
        },
      });
      continue;
    }
    const s = entry.summary;
    s.eventCount += counted;
    s.anonymousId ??= event.anonymousId;
    if (event.userId) s.userId = event.userId;
    if (event.timestamp < s.startedAt) s.startedAt = event.timestamp;
    if (landsEarlier(event, entry.first)) entry.first = event;
    if (event.timestamp > s.lastSeenAt) s.lastSeenAt = event.timestamp;
    if (path !== null && (!s.lastPageAt || event.timestamp >= s.lastPageAt)) {
      s.lastPagePath = path;
      s.lastPageAt = event.timestamp;
    }
    if (isEnd && (!s.endedAt || event.timestamp < s.endedAt)) {
      s.endedAt = event.timestamp;
      s.endReason = endReasonOf(event);
    }
  }
  return [...bySession.values()].map(({ first, summary }) => ({ ...summary, ...landingOf(first, originHosts) }));
}
