import type { EventContext, JsonObject, StoredEvent } from '@headcount/schema';
import { PAGE_FIELDS } from '../domain/normalizeEvent';
import type { Queryable } from './database';
import { compareText } from './lockOrder';
import { keysetPage, type KeysetPage } from './page';

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

/**
 * One field of an event's page as its columns hold it (migration 0015). The url is page_url, else page_origin followed
 * by the path and the search, the url's text before them (migration 0017): page_origin is only stored with a path.
 */
const pageColumnSql = (e: string, field: (typeof PAGE_FIELDS)[number]) => field === 'url'
  ? `coalesce(${e}.page_url, ${e}.page_origin || ${e}.page_path || coalesce(${e}.page_search, ''))`
  : `${e}.page_${field}`;

/** One field of an event's page: from its columns, else from the page kept in events.context. */
export const pageFieldSql = (e: string, field: (typeof PAGE_FIELDS)[number]) =>
  `coalesce(${pageColumnSql(e, field)}, ${e}.context->'page'->>'${field}')`;

/** An event's own context (its page): from the page columns when they hold it (events.context is then NULL). */
const ownContextSql = (e: string) => `CASE WHEN num_nonnulls(${PAGE_FIELDS.map((f) => `${e}.page_${f}`).join(', ')}) = 0 THEN ${e}.context
  ELSE jsonb_build_object('page', jsonb_strip_nulls(jsonb_build_object(${PAGE_FIELDS.map((f) => `'${f}', ${pageColumnSql(e, f)}`).join(', ')}))) END`;

/**
 * An event's full context, as sent: its shared part (event_contexts, named by context_key) merged with its own (the page).
 * `e` is the events table's name or alias in the query.
 */
export const fullContextSql = (e: string) => `CASE WHEN ${e}.context_key IS NULL THEN ${ownContextSql(e)}
  ELSE (SELECT c.context FROM event_contexts c WHERE c.app_id = ${e}.app_id AND c.key = ${e}.context_key) || coalesce(${ownContextSql(e)}, '{}') END`;

/**
 * A json column of events as stored: the JSON text the collector wrote, or, for rows stored before migration 0019,
 * the jsonb of the same name with a _jsonb suffix.
 */
export const asSentSql = (e: string, column: 'properties' | 'traits') => `coalesce(${e}.${column}, ${e}.${column}_jsonb::json)`;

/**
 * An event's properties as sent: a page view's stored properties, with the page fields they repeated put back from
 * the page columns (page_properties: bit i for PAGE_FIELDS[i], migration 0017).
 */
const propertiesSql = (e: string) => `CASE WHEN ${e}.page_properties IS NULL THEN ${asSentSql(e, 'properties')}
  ELSE (coalesce(${asSentSql(e, 'properties')}::jsonb, '{}') || jsonb_strip_nulls(jsonb_build_object(${PAGE_FIELDS.map((f, i) =>
    `'${f}', CASE WHEN ${e}.page_properties & ${1 << i} <> 0 THEN ${pageColumnSql(e, f)} END`).join(', ')})))::json END`;

/** The columns `toStoredEvent` reads; `id` as text, since bigints pass JavaScript's safe integers. */
export const EVENT_COLUMNS = `id::text AS id, message_id, type, event, name, anonymous_id, user_id, previous_id, group_id, session_id,
  "timestamp", original_timestamp, sent_at, received_at, ${propertiesSql('events')} AS properties, ${asSentSql('events', 'traits')} AS traits,
  ${fullContextSql('events')} AS context, extra`;

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

/**
 * Removes the shared contexts among `keys` that no stored event names any more (after events were deleted, in the
 * same transaction). They are locked first, so a write naming one commits before they are checked, or waits and
 * stores it again.
 */
export async function removeUnnamedContexts(tx: Queryable, appId: string, keys: readonly string[]): Promise<number> {
  if (keys.length === 0) return 0;
  const sorted = [...new Set(keys)].sort(compareText);
  await tx.query('SELECT key FROM event_contexts WHERE app_id = $1 AND key = ANY($2::uuid[]) ORDER BY key FOR UPDATE', [appId, sorted]);
  const gone = await tx.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM event_contexts c WHERE c.app_id = $1 AND c.key = ANY($2::uuid[])
         AND NOT EXISTS (SELECT 1 FROM events e WHERE e.app_id = $1 AND e.context_key = c.key)
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [appId, sorted],
  );
  return gone[0]?.n ?? 0;
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
