import { copyText, isoTime } from '../domain/copyRow';
import { STORED_COLUMNS, type NormalizedEvent } from '../domain/normalizeEvent';
import type { Transaction } from './database';
import type { Statement } from './statement';
import { compareText } from './lockOrder';
import { messageKeyCopyText } from './messageKey';

export interface EventToStore {
  appId: string;
  event: NormalizedEvent;
  sessionId: string | null;
}

// Events are partitioned by time, so an event's dedupe key lives in event_ids: a messageId claimed there is stored
// once, whatever partition its timestamp falls in. Rows come in the caller's order (app, messageId): concurrent
// writers of overlapping ids take their locks in the same order, no deadlock.
const COPY_IDS = 'COPY event_ids (app_id, message_key, received_at) FROM STDIN';
const COPY_EVENTS = `COPY events (app_id, session_id, context_key, ${STORED_COLUMNS}) FROM STDIN`;
// COPY claims every messageId at once, failing on one already claimed; the events are then claimed one by one.
const SAVEPOINT = 'claim';

// The rows (1-based, in the given order) whose messageId is already claimed; the others are claimed now.
const CLAIM = `WITH input AS (
  SELECT app_id, headcount_message_key(message_id) AS message_key, received_at, n
  FROM unnest($1::text[], $2::text[], $3::timestamptz[]) WITH ORDINALITY AS i(app_id, message_id, received_at, n)
), claimed AS (
  INSERT INTO event_ids (app_id, message_key, received_at)
  SELECT app_id, message_key, received_at FROM input ORDER BY n
  ON CONFLICT (app_id, message_key) DO NOTHING
  RETURNING app_id, message_key
)
SELECT i.n::integer AS n FROM input i
WHERE NOT EXISTS (SELECT 1 FROM claimed c WHERE c.app_id = i.app_id AND c.message_key = i.message_key)`;

// The shared contexts stored events name ($1: app, key and context of each, in (app, key) order: the lock order):
// stored when missing; those already stored are locked (KEY SHARE) until the commit, so erasure or retention (which
// lock them FOR UPDATE first) cannot remove one an event is about to name. Each is looked up by its key alone (a
// lateral lookup): a plan cached while the table was small must not scan it whole once it has grown.
const STORE_CONTEXTS = `WITH named AS (
  SELECT * FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (app_id text, key uuid, context jsonb)) WITH ORDINALITY AS x(app_id, key, context, n)
), kept AS (
  SELECT named.app_id, named.key FROM named,
    LATERAL (SELECT 1 FROM event_contexts c WHERE c.app_id = named.app_id AND c.key = named.key FOR KEY SHARE) AS locked
)
INSERT INTO event_contexts (app_id, key, context)
SELECT app_id, key, context FROM named
WHERE NOT EXISTS (SELECT 1 FROM kept WHERE kept.app_id = named.app_id AND kept.key = named.key)
ORDER BY n
ON CONFLICT (app_id, key) DO NOTHING`;

/** What insertEvents did: the keys `${appId}\n${messageId}` of the rows it skipped as duplicates, and whether it ran `then`. */
export interface Inserted {
  skipped: Set<string>;
  ranThen: boolean;
}

/**
 * Stores events: one COPY claims their messageIds and another writes them into `events` (PostgreSQL parses each
 * column by its type and writes a partition's rows together), then their shared contexts are stored, all with the
 * transaction's first write. `then` (statements that hold only when every event is new, and end the transaction)
 * goes in the same write, with the COMMIT. When a messageId is already claimed (a client's retry, another writer's
 * same event) all of that is undone and the claim is made event by event, then only the newly claimed events are
 * copied, and `then` is not run: the caller runs what holds for the events that were new.
 */
export async function insertEvents(tx: Transaction, rows: readonly EventToStore[], then: readonly Statement[] | null): Promise<Inserted> {
  if (rows.length === 0) return { skipped: new Set(), ranThen: false };
  const ids = rows.map(({ appId, event }) => `${appId}\t${messageKeyCopyText(event.messageId)}\t${isoTime(event.receivedAt)}\n`);
  const contexts = contextsStatement(rows);
  try {
    // Released at once: the rest of the transaction (row locks, session updates) runs in it, not in a subtransaction.
    await tx.copyFrom(
      [{ sql: COPY_IDS, rows: ids }, { sql: COPY_EVENTS, rows: eventRows(rows) }],
      { before: `SAVEPOINT ${SAVEPOINT}`, after: `RELEASE ${SAVEPOINT}` },
      { statements: [...(contexts ? [contexts] : []), ...(then ?? [])], commit: then !== null },
    );
  } catch (err) {
    if (!isClaimedAlready(err)) throw err;
    await tx.exec(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE ${SAVEPOINT}`);
    const found = await tx.query<{ n: number }>(
      CLAIM,
      [rows.map((r) => r.appId), rows.map((r) => r.event.messageId), rows.map((r) => isoTime(r.event.receivedAt))],
      'hc_claim',
    );
    const skipped = new Set(found.map(({ n }) => n - 1));
    const claimed = rows.filter((_, i) => !skipped.has(i));
    const claimedContexts = contextsStatement(claimed);
    if (claimed.length > 0) await tx.copyFrom([{ sql: COPY_EVENTS, rows: eventRows(claimed) }], undefined, { statements: claimedContexts ? [claimedContexts] : [], commit: false });
    return { skipped: new Set(rows.filter((_, i) => skipped.has(i)).map((r) => `${r.appId}\n${r.event.messageId}`)), ranThen: false };
  }
  return { skipped: new Set(), ranThen: then !== null };
}

/**
 * The events' COPY rows, in pieces: each event's columns were serialized once at normalization; only the app, session
 * and the shared context's key are added here (app ids are generated base62, context keys hex: nothing to escape).
 */
function eventRows(rows: readonly EventToStore[]): string[] {
  const pieces: string[] = [];
  for (const { appId, event, sessionId } of rows) {
    pieces.push(`${appId}\t${sessionId === null ? '\\N' : copyText(sessionId)}\t${event.sharedContext?.key ?? '\\N'}\t`, event.copyRow, '\n');
  }
  return pieces;
}

/** The statement storing (or locking) the shared contexts `rows` name, or null when they name none. */
function contextsStatement(rows: readonly EventToStore[]): Statement | null {
  // As JSON text, each context's own JSON within it as it is (app ids and keys need no escaping).
  const contexts = new Map<string, string>();
  for (const { appId, event } of rows) {
    const shared = event.sharedContext;
    if (shared !== null && !contexts.has(`${appId}\n${shared.key}`)) contexts.set(`${appId}\n${shared.key}`, `{"app_id":"${appId}","key":"${shared.key}","context":${shared.json}}`);
  }
  if (contexts.size === 0) return null;
  // App ids are base62 and keys hex: the text order is the (app, key) order.
  const sorted = [...contexts.entries()].sort(([a], [b]) => compareText(a, b)).map(([, json]) => json);
  return { sql: STORE_CONTEXTS, params: [`[${sorted.join(',')}]`], name: 'hc_contexts' };
}

/** The COPY into event_ids met a messageId already claimed (PostgreSQL's unique violation on its key). */
function isClaimedAlready(err: unknown): boolean {
  const { code, constraint } = err as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'event_ids_pkey';
}
