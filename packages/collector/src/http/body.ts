import express, { type RequestHandler } from 'express';
import { MAX_REQUEST_BYTES } from '@headcount/schema';
import { HttpError } from './errors';

// Kept per request so the webhook can check a signature over the exact bytes.
const rawBodies = new WeakMap<object, Buffer>();

const ACCEPTED_TYPES = /^(application\/(json|[\w.+-]*\+json)|text\/plain)\b/i;

/** Raw body (kept for signatures) then JSON: `application/json` and `text/plain` (sendBeacon, no preflight). */
export const readJsonBody: RequestHandler[] = [
  (req, _res, next) => {
    const type = req.headers['content-type'];
    if (type && !ACCEPTED_TYPES.test(type)) {
      throw new HttpError(415, 'unsupported_media_type', `Content-Type ${type} is not accepted; send application/json or text/plain`);
    }
    next();
  },
  express.raw({ type: () => true, limit: MAX_REQUEST_BYTES }),
  (req, _res, next) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    rawBodies.set(req, raw);
    if (raw.length === 0) throw new HttpError(400, 'invalid_json', 'the request body is empty; send a JSON object');
    try {
      req.body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw new HttpError(400, 'invalid_json', `the request body is not valid JSON: ${(err as Error).message}`);
    }
    next();
  },
];

/** The body exactly as it arrived (webhook signatures are computed over these bytes). */
export function rawBodyOf(req: object): Buffer {
  return rawBodies.get(req) ?? Buffer.alloc(0);
}
