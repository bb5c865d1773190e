import { Router } from 'express';
import { HttpError, RETRY_AFTER_DB_SECONDS } from '../http/errors';
import type { Queryable } from '../storage/database';

/** What /healthz asks the write path: how long its oldest commit in flight has been running. */
export interface WriterStatus {
  oldestCommitAgeMs(): number;
}

// A commit normally takes milliseconds; past the lock timeout (5 s) and then some, the writer is stuck.
export const STUCK_WRITER_MS = 10_000;

/** `GET /healthz`: 200 when the database answers and no write is stuck, 503 otherwise. */
export function healthRoutes(db: Queryable, writer?: WriterStatus, stuckWriterMs = STUCK_WRITER_MS): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    // A database that answers SELECT 1 while every write waits on a lock is not healthy: check the writer first.
    const oldest = writer?.oldestCommitAgeMs() ?? 0;
    if (oldest > stuckWriterMs) {
      throw new HttpError(503, 'writer_stuck', `a database write has been running for ${Math.round(oldest / 1000)} s; ingest is stalled`, {
        'Retry-After': String(RETRY_AFTER_DB_SECONDS),
      });
    }
    try {
      await db.query('SELECT 1');
    } catch {
      throw new HttpError(503, 'database_unavailable', 'the database is unreachable; retry later', {
        'Retry-After': String(RETRY_AFTER_DB_SECONDS),
      });
    }
    res.json({ ok: true, database: 'up' });
  });
  return router;
}
