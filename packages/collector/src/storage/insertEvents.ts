import { CopyRow, isoTime } from '../domain/copyRow';
import { STORED_COLUMNS, type NormalizedEvent } from '../domain/normalizeEvent';
import { arrayLiteral } from './arrayLiteral';
import type { Transaction } from './database';

export interface EventToStore {
  appId: string;
  event: NormalizedEvent;
  sessionId: string | null;
}

// Events are partitioned by time, so an event's dedupe key lives in event_ids: a messageId claimed there is stored
// once, whatever partition its timestamp falls in. The claim follows the caller's order (app, messageId: concurrent
// writers of overlapping ids take their locks in the same order, no deadlock) and answers the rows (1-based, in that
// order) it found already claimed. The shared contexts the claimed events name are then stored when missing ($5: app,
// key and context of each key named in the write); those already stored are locked (KEY SHARE) until the commit,
// so erasure or retention (which lock them FOR UPDATE first) cannot remove one an event is about to name.
const CLAIM = `WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::uuid[]) WITH ORDINALITY
    AS i(app_id, message_id, received_at, context_key, n)
), claimed AS (
  INSERT INTO event_ids (app_id, message_id, received_at)
  SELECT app_id, message_id, received_at FROM input ORDER BY n
  ON CONFLICT (app_id, message_id) DO NOTHING
  RETURNING app_id, message_id
), named AS (
  SELECT DISTINCT app_id, context_key FROM input JOIN claimed USING (app_id, message_id) WHERE context_key IS NOT NULL
), kept AS (
  SELECT c.app_id, c.key FROM event_contexts c JOIN named ON named.app_id = c.app_id AND named.context_key = c.key
  ORDER BY c.app_id, c.key FOR KEY SHARE OF c
), added AS (
  INSERT INTO event_contexts (app_id, key, context)
  SELECT x.app_id, x.key, x.context FROM jsonb_to_recordset($5::jsonb) AS x(app_id text, key uuid, context jsonb)
  JOIN named ON named.app_id = x.app_id AND named.context_key = x.key
  WHERE NOT EXISTS (SELECT 1 FROM kept WHERE kept.app_id = x.app_id AND kept.key = x.key)
  ORDER BY x.app_id, x.key
  ON CONFLICT (app_id, key) DO NOTHING
)
SELECT i.n::integer AS n FROM input i
WHERE NOT EXISTS (SELECT 1 FROM claimed c WHERE c.app_id = i.app_id AND c.message_id = i.message_id)`;

// The rows this transaction copied for events it then found already stored (xmin: written by this transaction).
const DROP_COPIED = `DELETE FROM events e USING unnest($1::text[], $2::text[], $3::timestamptz[]) AS d(app_id, message_id, "timestamp")
  WHERE e.app_id = d.app_id AND e."timestamp" = d."timestamp" AND e.message_id = d.message_id AND e.xmin = pg_current_xact_id()::xid`;

/**
 * Stores events: every row goes straight into `events` by one COPY (PostgreSQL parses each column by its type and
 * writes a partition's rows together), then one statement claims their messageIds; the rare rows it finds already
 * stored (a client's retry, another writer's same event) are deleted again in the same transaction.
 * Returns the keys `${appId}\n${messageId}` of the rows skipped as duplicates.
 */
export async function insertEvents(tx: Transaction, rows: readonly EventToStore[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  // Each event's columns were serialized once at normalization; only the app, session and the shared context's key
  // are added here (app ids are generated base62, context keys hex: nothing to escape).
  let text = '';
  const contexts = new Map<string, string>();
  for (const { appId, event, sessionId } of rows) {
    const shared = event.sharedContext;
    text += `${appId}\t${sessionId === null ? '\\N' : new CopyRow().text(sessionId)}\t${shared === null ? '\\N' : shared.key}\t${event.copyRow}\n`;
    // Sent as JSON text, each context's own JSON within it as it is (app ids and keys need no escaping).
    if (shared !== null && !contexts.has(`${appId}\n${shared.key}`)) contexts.set(`${appId}\n${shared.key}`, `{"app_id":"${appId}","key":"${shared.key}","context":${shared.json}}`);
  }
  await tx.copyFrom(`COPY events (app_id, session_id, context_key, ${STORED_COLUMNS}) FROM STDIN`, text);
  const found = await tx.query<{ n: number }>(
    CLAIM,
    [
      arrayLiteral(rows.map((r) => r.appId)), arrayLiteral(rows.map((r) => r.event.messageId)),
      arrayLiteral(rows.map((r) => isoTime(r.event.receivedAt))), arrayLiteral(rows.map((r) => r.event.sharedContext?.key ?? null)),
      `[${[...contexts.values()].join(',')}]`,
    ],
    'headcount_claim_events',
  );
  if (found.length === 0) return new Set();
  const skipped = found.map(({ n }) => rows[n - 1] as EventToStore);
  await tx.query(DROP_COPIED, [
    arrayLiteral(skipped.map((r) => r.appId)), arrayLiteral(skipped.map((r) => r.event.messageId)),
    arrayLiteral(skipped.map((r) => isoTime(r.event.timestamp))),
  ]);
  return new Set(skipped.map((r) => `${r.appId}\n${r.event.messageId}`));
}
