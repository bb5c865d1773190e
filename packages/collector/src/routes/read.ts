import { Router, type Request } from 'express';
import type { App } from '../apps/appsRepository';
import { secretKeyOf, type AppResolver } from '../http/auth';
import { ValidationError } from '../http/errors';
import { encodeCursor, queryCursor, queryDate, queryLimit, queryString } from '../http/query';
import type { EventsRepository } from '../storage/eventsRepository';
import type { SessionsRepository } from '../storage/sessionsRepository';

export interface ReadDeps {
  apps: AppResolver;
  events: EventsRepository;
  sessions: SessionsRepository;
}

const STORED_TYPES = new Set(['track', 'page', 'screen', 'identify', 'alias', 'group']);

/** Authenticates a read with the app's secret key (the write key never reads anything). */
export const readerOf = (apps: AppResolver) => (req: Request): Promise<App> => apps.bySecretKey(secretKeyOf(req));

export function readRoutes(deps: ReadDeps): Router {
  const router = Router();
  const reader = readerOf(deps.apps);

  router.get('/v1/events', async (req, res) => {
    const app = await reader(req);
    const cursor = queryCursor(req);
    if (cursor && !/^\d+$/.test(cursor[1])) throw new ValidationError('after', 'must be the `next` cursor of a previous page');
    const type = queryString(req, 'type');
    if (type && !STORED_TYPES.has(type)) throw new ValidationError('type', 'must be one of track, page, screen, identify, alias, group');
    const limit = queryLimit(req);
    const page = await deps.events.list({
      appId: app.id,
      limit,
      after: cursor ? { timestamp: new Date(cursor[0]), id: cursor[1] } : undefined,
      from: queryDate(req, 'from'),
      to: queryDate(req, 'to'),
      sessionId: queryString(req, 'sessionId'),
      type,
      event: queryString(req, 'event'),
    });
    res.json({ events: page.events, next: page.more && page.last ? encodeCursor([page.last.timestamp, page.last.id]) : null });
  });

  router.get('/v1/sessions', async (req, res) => {
    const app = await reader(req);
    const cursor = queryCursor(req);
    const page = await deps.sessions.list({
      appId: app.id,
      limit: queryLimit(req),
      after: cursor ? { startedAt: new Date(cursor[0]), id: cursor[1] } : undefined,
      from: queryDate(req, 'from'),
      to: queryDate(req, 'to'),
    });
    res.json({ sessions: page.sessions, next: page.more && page.last ? encodeCursor([page.last.startedAt, page.last.id]) : null });
  });

  return router;
}
