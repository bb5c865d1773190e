import type { CampaignContext, Session, TouchType } from '@headcount/schema';
import type { Attribution } from '../domain/attribution';
import type { VisitSpan } from '../domain/inferSessions';
import type { SessionSummary } from '../domain/summarizeSessions';
import type { Queryable } from './database';
import { compareText } from './lockOrder';
import { keysetPage, type KeysetPage } from './page';
import { atMs, msOf, run, type Statement } from './statement';

interface SessionRow {
  id: string;
  anonymous_id: string | null;
  user_id: string | null;
  started_at: Date;
  last_seen_at: Date;
  ended_at: Date | null;
  end_reason: Session['endReason'];
  event_count: number;
  landing_page: string | null;
  touch_type: TouchType | null;
  touch_source: string | null;
  touch_host: string | null;
  touch_url: string | null;
  campaign: CampaignContext | null;
  click_ids: Record<string, string> | null;
  browser: string | null;
  browser_version: string | null;
  os: string | null;
  os_version: string | null;
  device_type: string | null;
  bot: boolean;
}

const SESSION_COLUMNS = `id, anonymous_id, user_id, started_at, last_seen_at, ended_at, end_reason, event_count,
  landing_page, touch_type, touch_source, touch_host, touch_url, campaign, click_ids,
  browser, browser_version, os, os_version, device_type, bot`;

const LANDING_COLUMNS = ['landing_at', 'landing_page', 'touch_type', 'touch_source', 'touch_host', 'touch_url', 'campaign', 'click_ids',
  'browser', 'browser_version', 'os', 'os_version', 'device_type', 'bot'];

type SpanRow = { id: string; visitor_id: string; started_at: Date; last_seen_at: Date; ended_at: Date | null };

/** A stored session's span and whose activity it is. */
export type VisitorSpan = VisitSpan & { visitorId: string };

/** An inferred session as regrouping reads it: its span, landing attribution and latest stored event. */
export type ChainedSession = VisitorSpan & { landingAt: Date | null; landing: Attribution; lastEventAt: Date | null };

type ChainedRow = SpanRow & Pick<SessionRow, 'touch_type' | 'touch_source' | 'touch_host' | 'touch_url' | 'campaign' | 'click_ids'> & {
  landing_at: Date | null;
  last_event_at: Date | null;
};

const toSpan = (row: SpanRow): VisitorSpan => ({
  id: row.id,
  visitorId: row.visitor_id,
  startedAt: new Date(row.started_at),
  lastSeenAt: new Date(row.last_seen_at),
  endedAt: row.ended_at ? new Date(row.ended_at) : null,
});

function toSession(row: SessionRow): Session {
  const startedAt = new Date(row.started_at);
  const lastSeenAt = new Date(row.last_seen_at);
  // Events of one session corrected for skew in different requests can land a few ms past its end: it ends after its last event.
  const endedAt = row.ended_at ? new Date(Math.max(new Date(row.ended_at).getTime(), lastSeenAt.getTime())) : null;
  return {
    id: row.id,
    anonymousId: row.anonymous_id,
    userId: row.user_id,
    startedAt: startedAt.toISOString(),
    lastSeenAt: lastSeenAt.toISOString(),
    endedAt: endedAt ? endedAt.toISOString() : null,
    endReason: row.end_reason,
    durationSeconds: Math.max(0, Math.round(((endedAt ?? lastSeenAt).getTime() - startedAt.getTime()) / 1000)),
    eventCount: row.event_count,
    landingPage: row.landing_page,
    // Internal navigation is stored without a touch type: the session came from inside the site.
    referrer: {
      type: row.touch_type ?? 'direct',
      source: row.touch_source,
      host: row.touch_host,
      url: row.touch_url,
      timestamp: startedAt.toISOString(),
    },
    campaign: row.campaign ?? {},
    clickIds: row.click_ids ?? {},
    device: {
      browser: row.browser,
      browserVersion: row.browser_version,
      os: row.os,
      osVersion: row.os_version,
      type: row.device_type ?? 'desktop',
      bot: row.bot,
    },
  };
}

// Landing facts from the earliest event that knows its page; without any, from the earliest event.
const earlier = `CASE WHEN (excluded.landing_at IS NULL) <> (s.landing_at IS NULL) THEN excluded.landing_at IS NOT NULL
  ELSE coalesce(excluded.landing_at < s.landing_at, excluded.started_at < s.started_at) END`;

/** Folds write summaries ($2, a JSON array) into an app's ($1) stored sessions. */
const UPSERT_SESSIONS = `INSERT INTO sessions AS s (app_id, id, inferred, visitor_id, anonymous_id, user_id, started_at, last_seen_at,
  ended_at, end_reason, event_count, last_page_path, last_page_at, ${LANDING_COLUMNS.join(', ')})
SELECT $1, x.id, x.inferred, x.visitor_id, x.anonymous_id, x.user_id,
  coalesce(${atMs('x.started_at')}, 'infinity'), coalesce(${atMs('x.last_seen_at')}, '-infinity'), ${atMs('x.ended_at')}, x.end_reason,
  x.event_count, x.last_page_path, ${atMs('x.last_page_at')}, ${LANDING_COLUMNS.map((c) => (c === 'landing_at' ? atMs('x.landing_at') : `x.${c}`)).join(', ')}
FROM jsonb_to_recordset($2::jsonb) AS x(id text, inferred boolean, visitor_id text,
  anonymous_id text, user_id text, started_at bigint, last_seen_at bigint, ended_at bigint,
  end_reason text, event_count integer, last_page_path text, last_page_at bigint, landing_at bigint, landing_page text, touch_type text,
  touch_source text, touch_host text, touch_url text, campaign jsonb, click_ids jsonb, browser text, browser_version text, os text,
  os_version text, device_type text, bot boolean)
ON CONFLICT (app_id, id) DO UPDATE SET
  anonymous_id = coalesce(s.anonymous_id, excluded.anonymous_id),
  user_id = coalesce(excluded.user_id, s.user_id),
  last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at),
  ended_at = CASE WHEN s.ended_at IS NULL OR excluded.ended_at < s.ended_at THEN coalesce(excluded.ended_at, s.ended_at) ELSE s.ended_at END,
  end_reason = CASE WHEN s.ended_at IS NULL OR excluded.ended_at < s.ended_at THEN coalesce(excluded.end_reason, s.end_reason) ELSE s.end_reason END,
  event_count = s.event_count + excluded.event_count,
  -- The latest page wins; a late event from earlier never moves it back.
  last_page_path = CASE WHEN excluded.last_page_at >= s.last_page_at OR s.last_page_at IS NULL
    THEN coalesce(excluded.last_page_path, s.last_page_path) ELSE s.last_page_path END,
  last_page_at = greatest(s.last_page_at, excluded.last_page_at),
  started_at = least(s.started_at, excluded.started_at),
  ${LANDING_COLUMNS.map((c) => `${c} = CASE WHEN ${earlier} THEN excluded.${c} ELSE s.${c} END`).join(',\n  ')}`;

export interface SessionQuery {
  appId: string;
  limit: number;
  after?: { startedAt: Date; id: string } | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** The statement folding write summaries into an app's stored sessions (earliest start and landing facts win, counts add up), or null. */
export function sessionsUpsert(appId: string, summaries: readonly SessionSummary[]): Statement | null {
  if (summaries.length === 0) return null;
  // A stable lock order keeps concurrent writers from deadlocking on the same sessions.
  const sorted = [...summaries].sort((a, b) => compareText(a.id, b.id));
  const payload = sorted.map((s) => ({
    id: s.id,
    inferred: s.inferred,
    visitor_id: s.visitorId,
    anonymous_id: s.anonymousId,
    user_id: s.userId,
    // Null with only server-side events: they join a stored session and leave its span as it is (the statement
    // makes them infinity and -infinity, so least/greatest keep the stored times).
    started_at: msOf(s.startedAt),
    last_seen_at: msOf(s.lastSeenAt),
    ended_at: msOf(s.endedAt),
    end_reason: s.endReason,
    event_count: s.eventCount,
    last_page_path: s.lastPagePath,
    last_page_at: msOf(s.lastPageAt),
    landing_at: msOf(s.landingAt),
    landing_page: s.landingPage,
    touch_type: s.touch?.type ?? null,
    touch_source: s.touch?.source ?? null,
    touch_host: s.touch?.host ?? null,
    touch_url: s.touch?.url ?? null,
    campaign: s.campaign,
    click_ids: s.clickIds,
    browser: s.device.browser,
    browser_version: s.device.browserVersion,
    os: s.device.os,
    os_version: s.device.osVersion,
    device_type: s.device.type,
    bot: s.device.bot,
  }));
  return { sql: UPSERT_SESSIONS, params: [appId, JSON.stringify(payload)], name: 'hc_sessions' };
}

export function createSessionsRepository(db: Queryable) {
  return {
    /** Folds write summaries into stored sessions: earliest start and landing facts win, counts add up. */
    async upsert(appId: string, summaries: readonly SessionSummary[]): Promise<void> {
      const statement = sessionsUpsert(appId, summaries);
      if (statement) await run(db, statement);
    },

    /**
     * The visitors' inferred sessions near the given times, with every inferred session chained to them by
     * less than `gapMs` of inactivity: together they hold every stored event a regrouping can move.
     * Each comes with its landing attribution and the time of its latest stored event.
     */
    async inferredNear(appId: string, near: ReadonlyArray<{ visitorId: string; from: Date; to: Date }>, gapMs: number): Promise<ChainedSession[]> {
      if (near.length === 0) return [];
      const rows = await db.query<ChainedRow>(
        `WITH RECURSIVE chain AS (
           SELECT s.id, s.visitor_id, s.started_at, s.last_seen_at
           FROM jsonb_to_recordset($2::jsonb) AS n(visitor_id text, "from" timestamptz, "to" timestamptz)
           JOIN sessions s ON s.app_id = $1 AND s.visitor_id = n.visitor_id AND s.inferred
             AND s.last_seen_at >= n."from" - $3 * interval '1 millisecond' AND s.started_at <= n."to" + $3 * interval '1 millisecond'
           UNION
           SELECT s.id, s.visitor_id, s.started_at, s.last_seen_at
           FROM chain c JOIN sessions s ON s.app_id = $1 AND s.visitor_id = c.visitor_id AND s.inferred
             AND s.last_seen_at >= c.started_at - $3 * interval '1 millisecond' AND s.started_at <= c.last_seen_at + $3 * interval '1 millisecond'
         )
         SELECT s.id, s.visitor_id, s.started_at, s.last_seen_at, s.ended_at, s.landing_at, s.touch_type, s.touch_source,
           s.touch_host, s.touch_url, s.campaign, s.click_ids,
           (SELECT e."timestamp" FROM events e WHERE e.app_id = $1 AND e.session_id = s.id ORDER BY e."timestamp" DESC LIMIT 1) AS last_event_at
         FROM (SELECT DISTINCT id FROM chain) c JOIN sessions s ON s.app_id = $1 AND s.id = c.id`,
        [appId, JSON.stringify(near.map((n) => ({ visitor_id: n.visitorId, from: n.from, to: n.to }))), gapMs],
      );
      return rows.map((row) => ({
        ...toSpan(row),
        landingAt: row.landing_at ? new Date(row.landing_at) : null,
        landing: {
          touch: row.touch_type === null ? null : { type: row.touch_type, source: row.touch_source, host: row.touch_host, url: row.touch_url },
          campaign: row.campaign ?? {},
          clickIds: row.click_ids ?? {},
        },
        lastEventAt: row.last_event_at ? new Date(row.last_event_at) : null,
      }));
    },

    /** The visitors' inferred sessions that could be open between `from` and `to` (events join them). */
    async inferredOpenBetween(appId: string, visitorIds: readonly string[], from: Date, to: Date, gapMs: number): Promise<VisitorSpan[]> {
      const rows = await db.query<SpanRow>(
        `SELECT id, visitor_id, started_at, last_seen_at, ended_at FROM sessions
         WHERE app_id = $1 AND visitor_id = ANY($2::text[]) AND inferred AND started_at <= $4
           AND coalesce(ended_at, last_seen_at + $5 * interval '1 millisecond') >= $3`,
        [appId, visitorIds, from, to, gapMs],
      );
      return rows.map(toSpan);
    },

    /** Deletes sessions whose events moved elsewhere or that are rebuilt from their stored events. */
    async remove(appId: string, ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      await db.query('DELETE FROM sessions WHERE app_id = $1 AND id = ANY($2::text[])', [appId, [...ids].sort(compareText)]);
    },

    /** Every session of the given anonymousIds and userIds, oldest first (at most `limit`, the latest kept). */
    async ofVisitor(appId: string, ids: { anonymousIds: readonly string[]; userIds: readonly string[] }, limit = 5000): Promise<Session[]> {
      const rows = await db.query<SessionRow>(
        `SELECT * FROM (
           SELECT ${SESSION_COLUMNS} FROM sessions
           WHERE app_id = $1 AND (anonymous_id = ANY($2::text[]) OR user_id = ANY($3::text[]))
           ORDER BY started_at DESC, id DESC LIMIT ${limit}
         ) latest ORDER BY started_at, id`,
        [appId, ids.anonymousIds, ids.userIds],
      );
      return rows.map(toSession);
    },

    async list(q: SessionQuery): Promise<KeysetPage<Session, { startedAt: Date; id: string }>> {
      const params: unknown[] = [q.appId];
      const where = ['app_id = $1'];
      if (q.after) where.push(`(started_at, id) > ($${params.push(q.after.startedAt)}::timestamptz, $${params.push(q.after.id)})`);
      if (q.from) where.push(`started_at >= $${params.push(q.from)}`);
      if (q.to) where.push(`started_at < $${params.push(q.to)}`);
      const rows = await db.query<SessionRow>(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${where.join(' AND ')} ORDER BY started_at, id LIMIT ${q.limit + 1}`,
        params,
      );
      return keysetPage(rows, q.limit, toSession, (row) => ({ startedAt: new Date(row.started_at), id: row.id }));
    },
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
