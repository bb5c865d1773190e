import { Router } from 'express';
import type { AppResolver } from '../http/auth';
import { writeKeyOf } from '../http/auth';
import { allowAnyOrigin, enforceOrigin } from '../http/cors';
import { sameCount, toActiveUsersResponse, type ActiveCount } from '../live/activeUsers';
import type { LiveHub } from '../live/liveHub';
import { openEventStream } from '../live/sse';

export interface LiveRouteDeps {
  apps: AppResolver;
  live: LiveHub;
}

/** `GET /v1/active` (one JSON answer) and `GET /v1/active/stream` (SSE), authenticated by the write key in the query. */
export function liveRoutes({ apps, live }: LiveRouteDeps): Router {
  const router = Router();
  router.use('/v1/active', allowAnyOrigin);

  router.get('/v1/active', async (req, res) => {
    const app = await apps.byWriteKey(writeKeyOf(req));
    enforceOrigin(app, req.headers.origin, res);
    const count = await live.current(app);
    res.set('Cache-Control', 'no-store').json(toActiveUsersResponse(count));
  });

  router.get('/v1/active/stream', async (req, res) => {
    // Errors (bad key, refused origin, database down) are answered as JSON before the stream starts.
    const app = await apps.byWriteKey(writeKeyOf(req));
    enforceOrigin(app, req.headers.origin, res);
    const first = await live.current(app);

    const stream = openEventStream(req, res, live.options);
    let sent: ActiveCount | undefined;
    // A count is state, not a log: every (re)connection gets the current value, so Last-Event-ID needs no replay.
    const push = (count: ActiveCount) => {
      if (sent && (count.at < sent.at || sameCount(count, sent))) return;
      sent = count;
      stream.send('active', toActiveUsersResponse(count), String(count.at.getTime()));
    };
    push(first);
    const unwatch = live.watch(app, { update: push, end: () => stream.end() });
    stream.onClose(unwatch);
  });

  return router;
}
