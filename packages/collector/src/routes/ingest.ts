import express, { Router, type Request, type Response } from 'express';
import type { EventType } from '@headcount/schema';
import type { App } from '../apps/appsRepository';
import { writeKeyOf, type AppResolver } from '../http/auth';
import { jsonBodyOf, rawBodyOf, readJsonBody } from '../http/body';
import { allowAnyOrigin, enforceOrigin } from '../http/cors';
import type { RateLimiter } from '../http/rateLimit';
import { ingestRequest, type IngestPipeline } from '../ingest/ingestRequest';
import type { Endpoint } from '../ingest/requestEvents';

export interface IngestDeps extends IngestPipeline {
  apps: AppResolver;
  rateLimit: RateLimiter;
  now: () => Date;
}

/** Every path a client posts events to, and what it takes: Segment's long and short paths, RudderStack's beacon. */
const EVENT_PATHS: ReadonlyArray<[string, Endpoint]> = [
  ['/v1/batch', 'batch'],
  ['/v1/b', 'batch'],
  ['/beacon/v1/batch', 'batch'],
  ...(['track', 'page', 'screen', 'identify', 'alias', 'group'] as const).flatMap((type): Array<[string, EventType]> => [
    [`/v1/${type}`, type],
    // analytics-next and the mobile libraries post to the type's first letter.
    [`/v1/${type.charAt(0)}`, type],
  ]),
];

/** analytics-next reports its own delivery metrics here; accepted so it never retries, and not stored. */
const METRICS_PATH = '/v1/m';

/** Paths that answer any origin (the app's own list is enforced once its key is known). */
export const INGEST_PATHS = [...EVENT_PATHS.map(([path]) => path), METRICS_PATH, '/v1/webhook/segment'];

/** Runs a request's body through the one pipeline and answers after the commit. */
export async function answerIngest(
  deps: IngestDeps, app: App, req: Request, res: Response, endpoint: Endpoint, upstreamReceipt = false,
): Promise<void> {
  const answer = await ingestRequest(deps, app, {
    endpoint,
    raw: rawBodyOf(req),
    // Taken once: the request would otherwise hold the parsed body until it is answered, after the commit.
    body: () => {
      const body = jsonBodyOf(req);
      req.body = undefined;
      return body;
    },
    receivedAt: deps.now(),
    ip: req.ip,
    upstreamReceipt,
  });
  res.json(answer);
}

export function ingestRoutes(deps: IngestDeps): Router {
  const router = Router();
  const handle = (endpoint: Endpoint) => async (req: Request, res: Response) => {
    const app = await deps.apps.byWriteKey(writeKeyOf(req), req.ip);
    enforceOrigin(app, req.headers.origin, res);
    deps.rateLimit.take(app.id, req.ip);
    await answerIngest(deps, app, req, res, endpoint);
  };
  router.use(INGEST_PATHS, allowAnyOrigin);
  for (const [path, endpoint] of EVENT_PATHS) router.post(path, readJsonBody, handle(endpoint));
  router.post(METRICS_PATH, express.raw({ type: () => true, limit: '64kb' }), (_req, res) => {
    res.json({ ok: true });
  });
  return router;
}
