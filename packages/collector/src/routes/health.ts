import { Router } from 'express';
import { HttpError, RETRY_AFTER_DB_SECONDS } from '../http/errors';
import type { Queryable } from '../storage/database';

/** `GET /healthz`: 200 when the database answers, 503 otherwise. */
export function healthRoutes(db: Queryable): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
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
