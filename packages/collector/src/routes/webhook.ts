import { createHmac, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { rawBodyOf, readJsonBody } from '../http/body';
import { HttpError } from '../http/errors';
import { ingestEvents, type IngestDeps } from './ingest';

/** True when `signature` is the hex HMAC-SHA1 of `body` under `secret` (Segment's webhook destination). */
export function signatureMatches(body: Buffer, secret: string, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = createHmac('sha1', secret).update(body).digest();
  const presented = Buffer.from(signature.trim().toLowerCase(), 'hex');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** `POST /v1/webhook/segment?writeKey=K`: one event as Segment's webhook destination posts it. */
export function webhookRoutes(deps: IngestDeps): Router {
  const router = Router();
  router.post('/v1/webhook/segment', readJsonBody, async (req: Request, res: Response) => {
    const writeKey = typeof req.query.writeKey === 'string' ? req.query.writeKey : undefined;
    const app = await deps.apps.byWriteKey(writeKey);
    if (app.webhookSecret && !signatureMatches(rawBodyOf(req), app.webhookSecret, req.get('X-Signature'))) {
      throw new HttpError(401, 'invalid_signature', 'X-Signature must be the hex HMAC-SHA1 of the raw body under the webhook secret');
    }
    deps.rateLimit.take(app.id);
    await ingestEvents(deps, app, req, res, 'any');
  });
  return router;
}
