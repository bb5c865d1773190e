import type { EventContext, JsonObject, StoredEvent } from '@headcount/schema';
import { CopyRow } from '../domain/copyRow';
import { STORED_COLUMNS, type NormalizedEvent } from '../domain/normalizeEvent';
import type { Queryable, Transaction } from './database';
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

// Each write's rows arrive by COPY into this per-connection table (emptied at every commit), so PostgreSQL parses
// them by their column types in one round trip; one set-based statement then dedupes and inserts them.
const STAGING = `CREATE TEMP TABLE IF NOT EXISTS events_staging (n integer, app_id text, session_id text, message_id text,
  type text, event text, name text, anonymous_id text, user_id text, previous_id text, group_id text, "timestamp" timestamptz,
  original_timestamp timestamptz, sent_at timestamptz, received_at timestamptz, properties jsonb, traits jsonb, context jsonb,
  extra jsonb) ON COMMIT DELETE ROWS`;

/**
 * Stores events with one COPY and one set-based statement; events already stored (same app and messageId) are skipped.
 * Returns the keys `${appId}\n${messageId}` of the rows actually inserted.
 */
export async function insertEvents(tx: Transaction, rows: readonly EventToStore[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  await tx.exec(STAGING);
  // Each event's columns were serialized once at normalization; only the row number, app and session are added
  // here (app ids are generated base62, nothing to escape).
  let text = '';
  rows.forEach(({ appId, event, sessionId }, n) => {
    text += `${n}\t${appId}\t${sessionId === null ? '\\N' : new CopyRow().text(sessionId)}\t${event.copyRow}\n`;
  });
  await tx.copyFrom(`COPY events_staging (n, app_id, session_id, ${STORED_COLUMNS}) FROM STDIN`, text);
  // Events are partitioned by time, so the dedupe key lives in event_ids: an id claimed there is stored once,
  // whatever partition its timestamp falls in. Rows keep the caller's order (messageId: no deadlock).
  const inserted = await tx.query<{ app_id: string; message_id: string }>(
    `WITH claimed AS (
       INSERT INTO event_ids (app_id, message_id, received_at)
       SELECT app_id, message_id, received_at FROM events_staging ORDER BY n
       ON CONFLICT (app_id, message_id) DO NOTHING
       RETURNING app_id, message_id
     )
     INSERT INTO events (app_id, session_id, ${STORED_COLUMNS})
     SELECT app_id, session_id, ${STORED_COLUMNS}
     FROM events_staging JOIN claimed USING (app_id, message_id)
     ORDER BY n
     RETURNING app_id, message_id`,
  );
  return new Set(inserted.map((r) => `${r.app_id}\n${r.message_id}`));
}

export function createEventsRepository(db: Queryable) {
  return {
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
