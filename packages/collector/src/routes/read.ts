import { Router, type Request } from 'express';
import type { App } from '../apps/appsRepository';
import { chosenAppOf, secretKeyOf, type AppResolver } from '../http/auth';
import { HttpError, ValidationError } from '../http/errors';
import { encodeCursor, pathParam, queryCursor, queryDate, queryLimit, queryString } from '../http/query';
import type { EventsRepository } from '../storage/eventsRepository';
import type { IdentityRepository } from '../storage/identityRepository';
import type { SessionsRepository } from '../storage/sessionsRepository';
import type { StatsRepository } from '../storage/statsRepository';
import { visitorTouches } from '../domain/visitorTouches';
import { queryFilters, queryTimezone } from './statsParameters';

export interface ReadDeps {
  apps: AppResolver;
  events: EventsRepository;
  sessions: SessionsRepository;
  identities: IdentityRepository;
  stats: StatsRepository;
  now: () => Date;
}

const DEFAULT_STATS_DAYS = 30;

const STORED_TYPES = new Set(['track', 'page', 'screen', 'identify', 'alias', 'group']);

/** Authenticates a read with the app's secret key, or the admin token and X-Headcount-App (the write key never reads anything). */
export const readerOf = (apps: AppResolver) => (req: Request): Promise<App> => apps.bySecretKey(secretKeyOf(req), req.ip, chosenAppOf(req));

export function readRoutes(deps: ReadDeps): Router {
  const router = Router();
  const reader = readerOf(deps.apps);

  router.get('/v1/events', async (req, res) => {
    const app = await reader(req);
    const cursor = queryCursor(req, 'serial');
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
    res.json({ events: page.items, next: page.next && encodeCursor([page.next.timestamp, page.next.id]) });
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
    res.json({ sessions: page.items, next: page.next && encodeCursor([page.next.startedAt, page.next.id]) });
  });

  router.get('/v1/anonymous/:anonymousId', async (req, res) => {
    const app = await reader(req);
    const anonymousId = pathParam(req, 'anonymousId');
    const [userId, sessions] = await Promise.all([
      deps.identities.userOf(app.id, anonymousId),
      deps.sessions.ofVisitor(app.id, { anonymousIds: [anonymousId], userIds: [] }),
    ]);
    if (sessions.length === 0 && userId === null) throw new HttpError(404, 'anonymous_not_found', `no events name the anonymousId "${anonymousId}"`);
    res.json({ anonymousId, userId, sessions });
  });

  router.get('/v1/users/:userId', async (req, res) => {
    const app = await reader(req);
    const userId = pathParam(req, 'userId');
    const ids = await deps.identities.idsOf(app.id, userId);
    const sessions = await deps.sessions.ofVisitor(app.id, ids);
    if (sessions.length === 0 && ids.anonymousIds.length === 0 && ids.userIds.length === 1) {
      throw new HttpError(404, 'user_not_found', `no events name the user "${userId}"`);
    }
    res.json({ userId, anonymousIds: ids.anonymousIds, ...visitorTouches(sessions), sessions });
  });

  router.get('/v1/stats', async (req, res) => {
    const app = await reader(req);
    const to = queryDate(req, 'to') ?? deps.now();
    const from = queryDate(req, 'from') ?? new Date(to.getTime() - DEFAULT_STATS_DAYS * 86_400_000);
    if (from >= to) throw new ValidationError('from', 'must be before to');
    res.json(await deps.stats.summary(app.id, from, to, queryFilters(req), queryTimezone(req)));
  });

  return router;
}
