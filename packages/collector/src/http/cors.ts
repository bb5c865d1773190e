import type { RequestHandler, Response } from 'express';
import type { App } from '../apps/appsRepository';
import { HttpError } from './errors';

/**
 * Ingest and live endpoints answer any origin: the app is only known once its key is read,
 * so `enforceOrigin` then refuses origins the app did not list.
 */
export const allowAnyOrigin: RequestHandler = (req, res, next) => {
  const origin = req.headers.origin;
  res.set('Access-Control-Allow-Origin', origin ?? '*');
  // The SDK honours Retry-After on 429/503; browsers hide it cross-origin unless exposed.
  res.set('Access-Control-Expose-Headers', 'Retry-After');
  if (origin) res.vary('Origin');
  if (req.method === 'OPTIONS') {
    res.set({
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'Content-Type, Authorization',
      'Access-Control-Max-Age': '86400',
    });
    res.status(204).end();
    return;
  }
  next();
};

function originsMatch(allowed: string, origin: string): boolean {
  return allowed.replace(/\/+$/, '').toLowerCase() === origin.toLowerCase();
}

/** Refuses a browser origin the app did not list (apps without a list accept every origin). */
export function enforceOrigin(app: App, origin: string | undefined, res: Response): void {
  if (!origin || app.origins.length === 0 || app.origins.some((allowed) => originsMatch(allowed, origin))) return;
  res.removeHeader('Access-Control-Allow-Origin');
  throw new HttpError(403, 'origin_not_allowed', `origin ${origin} is not among this app's allowed origins`);
}
