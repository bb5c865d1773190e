import type { SummarizedEvent } from '../domain/summarizeSessions';
import type { Queryable } from './database';
import { asSentSql, fullContextSql } from './eventsRepository';
import { compareText } from './lockOrder';

/** A stored event as session placement reads it: what a session summary needs, its id and its session. */
export interface StoredVisitEvent extends SummarizedEvent {
  messageId: string;
  sessionId: string | null;
}

interface Row {
  message_id: string;
  session_id: string | null;
  type: SummarizedEvent['type'];
  event: string | null;
  anonymous_id: string | null;
  user_id: string | null;
  timestamp: Date;
  reason: unknown;
  context: SummarizedEvent['context'] | null;
}

// Of the properties, a summary reads only a Session Ended's reason, and of the context what placement and
// summaries read: the rest may be kilobytes. The full context is read once per row (the page is the event's own,
// the rest shared: event_contexts).
const COLUMNS = `message_id, session_id, type, event, anonymous_id, user_id, "timestamp", ${asSentSql('events', 'properties')}->'reason' AS reason,
  (SELECT jsonb_strip_nulls(jsonb_build_object('page', f->'page', 'campaign', f->'campaign', 'clickIds', f->'clickIds',
    'userAgent', f->'userAgent', 'device', f->'device', 'app', f->'app', 'os', f->'os')) FROM (SELECT ${fullContextSql('events')} AS f) AS full_context) AS context`;

const toEvent = (row: Row): StoredVisitEvent => ({
  messageId: row.message_id,
  sessionId: row.session_id,
  type: row.type,
  event: row.event,
  anonymousId: row.anonymous_id,
  userId: row.user_id,
  timestamp: new Date(row.timestamp),
  properties: row.reason === null || row.reason === undefined ? {} : { reason: row.reason as string },
  context: row.context ?? {},
});

/** Stored events that inferred sessions are made of, read and moved when a write regroups them. */
export function createVisitEventsRepository(db: Queryable) {
  return {
    async ofSessions(appId: string, sessionIds: readonly string[]): Promise<StoredVisitEvent[]> {
      if (sessionIds.length === 0) return [];
      // In time order, so a rebuilt summary reads them as a visit happened (the latest user id wins).
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM events WHERE app_id = $1 AND session_id = ANY($2::text[]) ORDER BY "timestamp", message_id`,
        [appId, sessionIds],
      );
      return rows.map(toEvent);
    },

    /**
     * Events of these ids stored without a session that another sender than the SDK sent: server-side events
     * that no visit was open for when they arrived. `from`/`to` null: at any time.
     */
    async waiting(appId: string, ids: readonly string[], from: Date | null, to: Date | null): Promise<StoredVisitEvent[]> {
      if (ids.length === 0) return [];
      const rows = await db.query<Row>(
        `SELECT ${COLUMNS} FROM events
         WHERE app_id = $1 AND session_id IS NULL AND (anonymous_id = ANY($2::text[]) OR user_id = ANY($2::text[]))
           AND ($3::timestamptz IS NULL OR "timestamp" >= $3) AND ($4::timestamptz IS NULL OR "timestamp" <= $4)
           AND (${fullContextSql('events')})->'library'->>'name' IS DISTINCT FROM '@headcount/browser'`,
        [appId, ids, from, to],
      );
      return rows.map(toEvent);
    },

    /** Puts stored events into other sessions (null: none); each is found by its time (events_app_time), then messageId. */
    async move(appId: string, moves: ReadonlyArray<{ messageId: string; timestamp: Date; sessionId: string | null }>): Promise<void> {
      if (moves.length === 0) return;
      // Rows in message id order, as the insert takes them: concurrent writers cannot deadlock on them.
      const sorted = [...moves].sort((a, b) => compareText(a.messageId, b.messageId));
      await db.query(
        `UPDATE events e SET session_id = x.session_id
         FROM jsonb_to_recordset($2::jsonb) AS x(message_id text, "timestamp" timestamptz, session_id text)
         WHERE e.app_id = $1 AND e."timestamp" = x."timestamp" AND e.message_id = x.message_id`,
        [appId, JSON.stringify(sorted.map((m) => ({ message_id: m.messageId, timestamp: m.timestamp, session_id: m.sessionId })))],
      );
    },
  };
}
