import type { EventErrorCode } from '@headcount/schema';
import type { Queryable } from './database';
import { keysetPage, type KeysetPage } from './page';

/** How long the dead-letter store keeps an entry. */
export const DEAD_LETTER_DAYS = 30;

/** Per-app bounds of the dead-letter store; what does not fit is counted in `not_kept`. */
export interface DeadLetterLimits {
  entries: number;
  bytes: number;
}

export const DEFAULT_DEAD_LETTER_LIMITS: DeadLetterLimits = { entries: 10_000, bytes: 64 * 1024 * 1024 };

/** What a replay needs to re-ingest a body as it first arrived. */
export interface RequestFactsRecord {
  sentAt?: string;
  context?: Record<string, unknown>;
  ip?: string;
  /** The body's own `receivedAt` may be trusted (a signed webhook). */
  upstreamReceipt?: boolean;
}

/** `event`: the body is one event. Otherwise the whole request body could not be read, and this is its endpoint. */
export type DeadLetterKind = 'event' | string;

export interface DeadLetterEntry {
  receivedAt: Date;
  code: EventErrorCode | string;
  message: string;
  messageId: string | null;
  kind: DeadLetterKind;
  facts: RequestFactsRecord;
  /** JSON text (or, for a body that is not JSON, the text as received). */
  body: string;
}

export interface StoredDeadLetter extends DeadLetterEntry {
  id: string;
}

export interface DeadLetterRepository {
  /** Keeps what fits in the app's bounds, in order; counts the rest. Returns how many were kept. */
  keep(appId: string, entries: readonly DeadLetterEntry[]): Promise<number>;
  list(query: { appId: string; limit: number; after?: string | undefined; since: Date }): Promise<KeysetPage<StoredDeadLetter, string>>;
  /** Entries the app's bounds turned away since the store was last purged. */
  notKept(appId: string): Promise<number>;
  /** Removes these entries (replayed); returns how many went. */
  remove(appId: string, ids: readonly string[]): Promise<number>;
  /** Updates the verdict of entries that were rejected again. */
  reject(appId: string, id: string, code: string, message: string): Promise<void>;
  /** Removes every entry of the app and resets its counters; returns how many went. */
  purge(appId: string): Promise<number>;
  /** Removes entries received before `before`, for every app; returns how many went. */
  expire(before: Date): Promise<number>;
}

interface Row {
  id: string;
  received_at: Date;
  code: string;
  message: string;
  message_id: string | null;
  kind: string;
  facts: RequestFactsRecord;
  body: string;
}

// Entries leave the counters as they leave the table, so the bounds stay exact.
const RELEASE_USAGE = `
  UPDATE rejected_usage u SET entries = u.entries - g.n, bytes = u.bytes - g.b
  FROM (SELECT app_id, count(*) AS n, coalesce(sum(b), 0) AS b FROM gone GROUP BY app_id) g
  WHERE u.app_id = g.app_id`;

export function createDeadLetterRepository(db: Queryable, limits: DeadLetterLimits = DEFAULT_DEAD_LETTER_LIMITS): DeadLetterRepository {
  return {
    async keep(appId, entries) {
      if (entries.length === 0) return 0;
      const sizes = entries.map((e) => Buffer.byteLength(e.body));
      await db.query('INSERT INTO rejected_usage (app_id) VALUES ($1) ON CONFLICT (app_id) DO NOTHING', [appId]);
      // One statement that locks the app's usage row first: concurrent writers share the bounds exactly.
      const rows = await db.query<{ kept: number }>(
        `WITH usage AS (
           SELECT entries, bytes FROM rejected_usage WHERE app_id = $1 FOR UPDATE
         ), candidates AS (
           SELECT e.*, (SELECT entries FROM usage) + e.ord AS n_after,
                  (SELECT bytes FROM usage) + sum(e.size) OVER (ORDER BY e.ord) AS b_after
           FROM unnest($2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[], $9::bigint[])
                WITH ORDINALITY AS e(received_at, code, message, message_id, kind, facts, body, size, ord)
         ), fitting AS (
           SELECT * FROM candidates WHERE n_after <= $10 AND b_after <= $11
         ), inserted AS (
           INSERT INTO rejected_events (app_id, received_at, code, message, message_id, kind, facts, body)
           SELECT $1, received_at, code, message, message_id, kind, facts, body FROM fitting ORDER BY ord
           RETURNING 1
         ), counted AS (
           UPDATE rejected_usage SET
             entries = entries + (SELECT count(*) FROM fitting),
             bytes = bytes + (SELECT coalesce(sum(size), 0) FROM fitting),
             not_kept = not_kept + $12 - (SELECT count(*) FROM fitting)
           WHERE app_id = $1
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM inserted)::int AS kept, (SELECT count(*) FROM counted) AS touched`,
        [
          appId,
          entries.map((e) => e.receivedAt),
          entries.map((e) => e.code),
          entries.map((e) => e.message),
          entries.map((e) => e.messageId),
          entries.map((e) => e.kind),
          entries.map((e) => JSON.stringify(e.facts)),
          entries.map((e) => e.body),
          sizes,
          limits.entries,
          limits.bytes,
          entries.length,
        ],
      );
      return rows[0]?.kept ?? 0;
    },

    async list({ appId, limit, after, since }) {
      const rows = await db.query<Row>(
        `SELECT id::text AS id, received_at, code, message, message_id, kind, facts, body
         FROM rejected_events
         WHERE app_id = $1 AND received_at >= $2 AND ($3::bigint IS NULL OR id > $3::bigint)
         ORDER BY id LIMIT $4`,
        [appId, since, after ?? null, limit + 1],
      );
      return keysetPage(rows, limit, (row) => ({
        id: row.id,
        receivedAt: new Date(row.received_at),
        code: row.code,
        message: row.message,
        messageId: row.message_id,
        kind: row.kind,
        facts: row.facts,
        body: row.body,
      }), (row) => row.id);
    },

    async notKept(appId) {
      const rows = await db.query<{ not_kept: string }>('SELECT not_kept::text FROM rejected_usage WHERE app_id = $1', [appId]);
      return Number(rows[0]?.not_kept ?? 0);
    },

    async remove(appId, ids) {
      if (ids.length === 0) return 0;
      const rows = await db.query<{ n: number }>(
        `WITH gone AS (
           DELETE FROM rejected_events WHERE app_id = $1 AND id = ANY($2::bigint[])
           RETURNING app_id, octet_length(body) AS b
         ), released AS (${RELEASE_USAGE} RETURNING 1)
         SELECT (SELECT count(*) FROM gone)::int AS n, (SELECT count(*) FROM released) AS r`,
        [appId, ids],
      );
      return rows[0]?.n ?? 0;
    },

    async reject(appId, id, code, message) {
      await db.query('UPDATE rejected_events SET code = $3, message = $4 WHERE app_id = $1 AND id = $2::bigint', [appId, id, code, message]);
    },

    async purge(appId) {
      const rows = await db.query<{ n: number }>(
        `WITH gone AS (DELETE FROM rejected_events WHERE app_id = $1 RETURNING 1),
              reset AS (UPDATE rejected_usage SET entries = 0, bytes = 0, not_kept = 0 WHERE app_id = $1 RETURNING 1)
         SELECT (SELECT count(*) FROM gone)::int AS n, (SELECT count(*) FROM reset) AS r`,
        [appId],
      );
      return rows[0]?.n ?? 0;
    },

    async expire(before) {
      const rows = await db.query<{ n: number }>(
        `WITH gone AS (
           DELETE FROM rejected_events WHERE received_at < $1 RETURNING app_id, octet_length(body) AS b
         ), released AS (${RELEASE_USAGE} RETURNING 1)
         SELECT (SELECT count(*) FROM gone)::int AS n, (SELECT count(*) FROM released) AS r`,
        [before],
      );
      return rows[0]?.n ?? 0;
    },
  };
}
