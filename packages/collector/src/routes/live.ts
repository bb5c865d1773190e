import { Router, type Request } from 'express';
import type { AppResolver } from '../http/auth';
import { writeKeyOf } from '../http/auth';
import { allowAnyOrigin, enforceOrigin } from '../http/cors';
import { ValidationError } from '../http/errors';
import { activeOn, sameCount, toActivePagesResponse, toActiveUsersResponse, type ActiveCount } from '../live/activeUsers';
import { activeBadgeSvg } from '../live/activeBadge';
import type { LiveHub } from '../live/liveHub';
import { openEventStream } from '../live/sse';
import { createStreamLimits } from '../live/streamLimits';

export interface LiveRouteDeps {
  apps: AppResolver;
  live: LiveHub;
}

const MAX_PATH_LENGTH = 2048;

/** `?path=`: count only the visitors whose latest page is this path. */
function pathOf(req: Request): string | undefined {
  const path = req.query.path;
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > MAX_PATH_LENGTH) {
    throw new ValidationError('path', `must be one page path starting with "/" (at most ${MAX_PATH_LENGTH} characters)`);
  }
  return path;
}

/**
 * The live count, authenticated by the write key in the query: `GET /v1/active` (JSON), `/v1/active/stream` (SSE),
 * `/v1/active/pages` (where people are) and `/v1/active/badge.svg`; all read the hub's one shared count per app.
 */
export function liveRoutes({ apps, live }: LiveRouteDeps): Router {
  const router = Router();
  const streams = createStreamLimits({ perAddress: live.options.maxStreamsPerAddress, perApp: live.options.maxStreamsPerApp });
  router.use('/v1/active', allowAnyOrigin);

  router.get('/v1/active', async (req, res) => {
    const path = pathOf(req);
    const app = await apps.byWriteKey(writeKeyOf(req), req.ip);
    enforceOrigin(app, req.headers.origin, res);
    const count = await live.current(app);
    res.set('Cache-Control', 'no-store').json(toActiveUsersResponse(count, path));
  });

  router.get('/v1/active/pages', async (req, res) => {
    const app = await apps.byWriteKey(writeKeyOf(req), req.ip);
    enforceOrigin(app, req.headers.origin, res);
    const count = await live.current(app);
    res.set('Cache-Control', 'no-store').json(toActivePagesResponse(count));
  });

  router.get('/v1/active/badge.svg', async (req, res) => {
    const path = pathOf(req);
    const app = await apps.byWriteKey(writeKeyOf(req), req.ip);
    enforceOrigin(app, req.headers.origin, res);
    const count = await live.current(app);
    res.set({ 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'public, max-age=5' })
      .send(activeBadgeSvg(activeOn(count, path)));
  });

  router.get('/v1/active/stream', async (req, res) => {
    const path = pathOf(req);
    // Errors (bad key, refused origin, too many streams, database down) are answered as JSON before the stream starts.
    const app = await apps.byWriteKey(writeKeyOf(req), req.ip);
    enforceOrigin(app, req.headers.origin, res);
    const release = streams.admit(req.ip ?? req.socket.remoteAddress ?? '', app.id);
    let first: ActiveCount;
    try {
      first = await live.current(app);
    } catch (err) {
      release();
      throw err;
    }

    let sent: ActiveCount | undefined;
    const send = (count: ActiveCount) => stream.send('active', toActiveUsersResponse(count, path), String(count.at.getTime()));
    // A quiet stream repeats the count it last sent: the client learns that the connection and the number still hold.
    const stream = openEventStream(req, res, { ...live.options, onQuiet: () => sent && send(sent) });
    stream.onClose(release);
    // A count is state, not a log: every (re)connection gets the current value, so Last-Event-ID needs no replay.
    const push = (count: ActiveCount) => {
      if (sent && (count.at < sent.at || sameCount(count, sent, path))) return;
      sent = count;
      send(count);
    };
    push(first);
    const unwatch = live.watch(app, { update: push, end: () => stream.end() });
    stream.onClose(unwatch);
  });

  return router;
}
