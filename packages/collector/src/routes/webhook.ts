import { createHmac, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { rawBodyOf, readJsonBody } from '../http/body';
import { enforceOrigin } from '../http/cors';
import { HttpError } from '../http/errors';
import { answerIngest, type IngestDeps } from './ingest';

/** True when `signature` is the hex HMAC-SHA1 of `body` under `secret` (Segment's webhook destination). */
export function signatureMatches(body: Buffer, secret: string, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = createHmac('sha1', secret).update(body).digest();
  const presented = Buffer.from(signature.trim().toLowerCase(), 'hex');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** `POST /v1/webhook/segment?writeKey=K`: one event, or an array of them (Actions webhooks batch), as Segment posts them. */
export function webhookRoutes(deps: IngestDeps): Router {
  const router = Router();
  router.post('/v1/webhook/segment', readJsonBody, async (req: Request, res: Response) => {
    const writeKey = typeof req.query.writeKey === 'string' ? req.query.writeKey : undefined;
    const app = await deps.apps.byWriteKey(writeKey, req.ip);
    // A browser posting here is held to the app's origins like any ingest path.
    enforceOrigin(app, req.headers.origin, res);
    // Before the signature: forged bodies are charged to their sender's address like any other request.
    deps.rateLimit.take(app.id, req.ip);
    const signed = Boolean(app.webhookSecret);
    if (signed && !signatureMatches(rawBodyOf(req), app.webhookSecret as string, req.get('X-Signature'))) {
      throw new HttpError(401, 'invalid_signature', 'X-Signature must be the hex HMAC-SHA1 of the raw body under the webhook secret');
    }
    // Segment's own receipt time is trusted only when Segment proved it sent the body.
    await answerIngest(deps, app, req, res, 'webhook', signed);
  });
  return router;
}
