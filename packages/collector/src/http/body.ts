import express, { type RequestHandler } from 'express';
import { MAX_REQUEST_BYTES } from '@headcount/schema';
import { HttpError } from './errors';

// Kept per request: the webhook checks a signature over the exact bytes, the dead-letter store keeps them.
const rawBodies = new WeakMap<object, Buffer>();
// A body that is not JSON is refused by the handler, once it knows the app (so it can keep the body for its owner).
const unreadable = new WeakMap<object, HttpError>();

const ACCEPTED_TYPES = /^(application\/(json|[\w.+-]*\+json)|text\/plain)\b/i;

/**
 * Raw body (kept) then JSON: `application/json` and `text/plain` (sendBeacon, no preflight).
 * A body that does not parse leaves `req.body` undefined; `jsonBodyOf` then answers 400.
 */
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
    req.body = undefined;
    if (raw.length === 0) {
      unreadable.set(req, new HttpError(400, 'invalid_json', 'the request body is empty; send a JSON object'));
    } else {
      try {
        req.body = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        unreadable.set(req, new HttpError(400, 'invalid_json', `the request body is not valid JSON: ${(err as Error).message}`));
      }
    }
    next();
  },
];

/** The parsed body, or the 400 that says why it could not be read. */
export function jsonBodyOf(req: object): unknown {
  const error = unreadable.get(req);
  if (error) throw error;
  return (req as { body?: unknown }).body;
}

/** The body exactly as it arrived (webhook signatures are computed over these bytes). */
export function rawBodyOf(req: object): Buffer {
  return rawBodies.get(req) ?? Buffer.alloc(0);
}
