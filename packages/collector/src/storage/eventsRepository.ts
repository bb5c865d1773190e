import type { EventContext, JsonObject, StoredEvent } from '@headcount/schema';
import type { NormalizedEvent } from '../domain/normalizeEvent';
import type { Queryable } from './database';
import { keysetPage, type KeysetPage } from './page';

export interface EventToStore {
  appId: string;
  event: NormalizedEvent;
  sessionId: string | null;
}

export interface EventQuery {
  appId: string;
  limit: number;
  after?: { timestamp: Date; id: string } | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  sessionId?: string | undefined;
  type?: string | undefined;
  event?: string | undefined;
}

/** A stored event's columns as the read API selects them (`EVENT_COLUMNS`). */
export interface EventRow {
  id: string;
  message_id: string;
  type: StoredEvent['type'];
  event: string | null;
  name: string | null;
  anonymous_id: string | null;
  user_id: string | null;
  previous_id: string | null;
  group_id: string | null;
  session_id: string | null;
  timestamp: Date;
  original_timestamp: Date | null;
  sent_at: Date | null;
  received_at: Date;
  properties: JsonObject | null;
  traits: JsonObject | null;
  context: EventContext | null;
  extra: JsonObject | null;
}

/** The columns `toStoredEvent` reads; `id` as text, since bigints pass JavaScript's safe integers. */
export const EVENT_COLUMNS = `id::text AS id, message_id, type, event, name, anonymous_id, user_id, previous_id, group_id, session_id,
  "timestamp", original_timestamp, sent_at, received_at, properties, traits, context, extra`;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The one mapping of a stored row to the event the read API and the export return. */
export function toStoredEvent(row: EventRow): StoredEvent & { previousId?: string; groupId?: string } {
  return {
    // Fields outside the wire format come first, so none can shadow a named one.
    ...row.extra,
    messageId: row.message_id,
    type: row.type,
    event: row.event,
    name: row.name,
    anonymousId: row.anonymous_id,
    userId: row.user_id,
    ...(row.previous_id ? { previousId: row.previous_id } : {}),
    ...(row.group_id ? { groupId: row.group_id } : {}),
    sessionId: row.session_id,
    timestamp: iso(row.timestamp) as string,
    originalTimestamp: iso(row.original_timestamp),
    sentAt: iso(row.sent_at),
    receivedAt: iso(row.received_at) as string,
    properties: row.properties ?? {},
    traits: row.traits ?? {},
    context: row.context ?? {},
  };
}

export function createEventsRepository(db: Queryable) {
  return {
    /**
     * Stores events in one set-based statement; events already stored (same app and messageId) are skipped.
     * Returns the keys `${appId}\n${messageId}` of the rows actually inserted.
     */
    async insert(rows: readonly EventToStore[]): Promise<Set<string>> {
      if (rows.length === 0) return new Set();
      // Each event's columns were serialized once at normalization; only app and session are added here
      // (app ids are generated base62, nothing to escape).
      const payload = `[${rows.map(({ appId, event, sessionId }) =>
        `{"app_id":"${appId}","session_id":${JSON.stringify(sessionId)},${event.columnsJson.slice(1)}`).join(',')}]`;
      // Events are partitioned by time, so the dedupe key lives in event_ids: an id claimed there is stored once,
      // whatever partition its timestamp falls in. Rows keep the payload's order (messageId: no deadlock).
      const inserted = await db.query<{ app_id: string; message_id: string }>(
        `WITH x AS (
           SELECT * FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (app_id text, message_id text, type text, event text,
             name text, anonymous_id text, user_id text, previous_id text, group_id text, session_id text, "timestamp" timestamptz,
             original_timestamp timestamptz, sent_at timestamptz, received_at timestamptz, properties jsonb,
             traits jsonb, context jsonb, extra jsonb)) WITH ORDINALITY AS x(app_id, message_id, type, event, name, anonymous_id,
             user_id, previous_id, group_id, session_id, "timestamp", original_timestamp, sent_at, received_at, properties,
             traits, context, extra, n)
         ), claimed AS (
           INSERT INTO event_ids (app_id, message_id, received_at)
           SELECT app_id, message_id, received_at FROM x ORDER BY n
           ON CONFLICT (app_id, message_id) DO NOTHING
           RETURNING app_id, message_id
         )
         INSERT INTO events (app_id, message_id, type, event, name, anonymous_id, user_id, previous_id, group_id,
           session_id, "timestamp", original_timestamp, sent_at, received_at, properties, traits, context, extra)
         SELECT x.app_id, x.message_id, type, event, name, anonymous_id, user_id, previous_id, group_id,
           session_id, "timestamp", original_timestamp, sent_at, received_at, properties, traits, context, extra
         FROM x JOIN claimed ON claimed.app_id = x.app_id AND claimed.message_id = x.message_id
         ORDER BY x.n
         RETURNING app_id, message_id`,
        [payload],
      );
      return new Set(inserted.map((r) => `${r.app_id}\n${r.message_id}`));
    },

    /** A page of events in (timestamp, id) order, with the position of the last one for the next page. */
    async list(q: EventQuery): Promise<KeysetPage<StoredEvent, { timestamp: Date; id: string }>> {
      const params: unknown[] = [q.appId];
      const where = ['app_id = $1'];
      if (q.after) where.push(`("timestamp", id) > ($${params.push(q.after.timestamp)}::timestamptz, $${params.push(q.after.id)}::bigint)`);
      if (q.from) where.push(`"timestamp" >= $${params.push(q.from)}`);
      if (q.to) where.push(`"timestamp" < $${params.push(q.to)}`);
      if (q.sessionId) where.push(`session_id = $${params.push(q.sessionId)}`);
      if (q.type) where.push(`type = $${params.push(q.type)}`);
      if (q.event) where.push(`event = $${params.push(q.event)}`);
      const rows = await db.query<EventRow>(
        // events.id, not the text alias `id`: the cursor compares numbers, so the order must be numeric too.
        `SELECT ${EVENT_COLUMNS}
         FROM events WHERE ${where.join(' AND ')} ORDER BY "timestamp", events.id LIMIT ${q.limit + 1}`,
        params,
      );
      return keysetPage(rows, q.limit, toStoredEvent, (row) => ({ timestamp: new Date(row.timestamp), id: row.id }));
    },
  };
}

export type EventsRepository = ReturnType<typeof createEventsRepository>;
