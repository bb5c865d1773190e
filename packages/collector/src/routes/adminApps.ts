import { Router } from 'express';
import type { Queryable } from '../storage/database';
import { secretKeyOf, type AppResolver } from '../http/auth';
import { HttpError } from '../http/errors';
import { readerOf } from './read';

export interface AppSummary {
  id: string;
  name: string;
  writeKey: string;
  origins: string[];
  activeWindowSeconds: number;
  retentionDays: number | null;
  timezone: string | null;
}

interface AppRow {
  id: string;
  name: string;
  write_key: string;
  origins: string[] | null;
  active_window_seconds: number;
  retention_days?: number | null;
  timezone?: string | null;
}

const toSummary = (row: AppRow): AppSummary => ({
  id: row.id,
  name: row.name,
  writeKey: row.write_key,
  origins: row.origins ?? [],
  activeWindowSeconds: row.active_window_seconds,
  // Columns another migration adds: null until it has run.
  retentionDays: row.retention_days ?? null,
  timezone: row.timezone ?? null,
});

/**
 * `GET /v1/apps`: every app for the admin token; with an app's secret key, that one app (the dashboard learns
 * its name, write key for the live count, and time zone). Never a secret.
 */
export function adminAppsRoutes(deps: { apps: AppResolver; db: Queryable }): Router {
  const router = Router();
  const reader = readerOf(deps.apps);
  router.get('/v1/apps', async (req, res) => {
    const token = secretKeyOf(req);
    if (!token) throw new HttpError(401, 'invalid_secret_key', 'send the admin token (or a secret key) as `Authorization: Bearer <token>`');
    // SELECT *: retention_days and timezone are read when present, whichever migrations have run. A wrong
    // admin token falls through to the secret-key check, which counts the failure.
    if (deps.apps.isAdmin(token)) {
      const rows = await deps.db.query<AppRow>('SELECT * FROM apps ORDER BY created_at, name');
      res.json({ apps: rows.map(toSummary) });
      return;
    }
    const app = await reader(req);
    const rows = await deps.db.query<AppRow>('SELECT * FROM apps WHERE id = $1', [app.id]);
    res.json({ apps: rows.map(toSummary) });
  });
  return router;
}
