import { Router } from 'express';
import type { AppResolver } from '../http/auth';
import { ValidationError } from '../http/errors';
import { queryDate, queryString } from '../http/query';
import type { Queryable } from '../storage/database';
import { exportEvents } from '../storage/exportRepository';
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS, writeExport, type ExportFormat } from './exportFormat';
import { readerOf } from './read';

export interface ExportDeps {
  apps: AppResolver;
  /** Where reads go: the read replica when there is one. */
  db: Queryable;
}

/** An export cursor: the storage position (events.id) of the last line read. */
export function exportCursorOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,19}$/.test(value) || BigInt(value) > 9223372036854775807n) throw new ValidationError('after', 'must be the `cursor` of an exported line');
  return value;
}

export function exportFormatOf(value: string | undefined): ExportFormat {
  if (value === undefined) return 'ndjson';
  if (!(EXPORT_FORMATS as readonly string[]).includes(value)) throw new ValidationError('format', 'must be ndjson or csv');
  return value as ExportFormat;
}

/** `GET /v1/export`: every event of the app in storage order, streamed, each line with its resumable cursor. */
export function exportRoutes(deps: ExportDeps): Router {
  const router = Router();
  const reader = readerOf(deps.apps);

  router.get('/v1/export', async (req, res) => {
    const app = await reader(req);
    const format = exportFormatOf(queryString(req, 'format'));
    const from = queryDate(req, 'from');
    const to = queryDate(req, 'to');
    if (from && to && from >= to) throw new ValidationError('from', 'must be before to');
    const pages = exportEvents(deps.db, { appId: app.id, after: exportCursorOf(queryString(req, 'after')), from, to });
    // The first page is read before the headers go out, so a failing database still answers with a JSON error.
    const first = await pages.next();
    res.status(200).set({ 'Content-Type': EXPORT_CONTENT_TYPES[format], 'Cache-Control': 'no-store' });
    async function* rest() {
      if (first.done) return;
      yield first.value;
      yield* pages;
    }
    try {
      const { complete } = await writeExport(res, rest(), format);
      if (complete) res.end();
    } catch (err) {
      // Headers are gone: cut the connection (no clean end the reader could take for a complete export), then log it.
      res.destroy();
      throw err;
    }
  });

  return router;
}
