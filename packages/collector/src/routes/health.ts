import { Router } from 'express';
import type { Queryable } from '../storage/database';

/** `GET /healthz`: 200 when the database answers, 503 otherwise. */
export function healthRoutes(db: Queryable): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    try {
      await db.query('SELECT 1');
      res.json({ ok: true, database: 'up' });
    } catch {
      res.status(503).set('Retry-After', '5').json({ error: { code: 'database_unavailable', message: 'the database is unreachable' } });
    }
  });
  return router;
}
