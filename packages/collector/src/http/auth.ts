import type { Request } from 'express';
import type { App, AppsRepository } from '../apps/appsRepository';
import { secretMatches, secretPrefixOf } from '../apps/keys';
import { HttpError } from './errors';

// Apps change rarely; a short cache keeps key lookups off the ingest path, and a new app works within seconds.
const CACHE_MS = 5000;

export interface AppResolver {
  /** The app a write key belongs to, or a 401. */
  byWriteKey(writeKey: string | undefined): Promise<App>;
  /** The app a secret key belongs to, or a 401. */
  bySecretKey(secretKey: string | undefined): Promise<App>;
}

export function createAppResolver(apps: AppsRepository, now: () => number = Date.now): AppResolver {
  const cache = new Map<string, { app: App | null; until: number }>();

  async function cached(key: string, load: () => Promise<App | null>): Promise<App | null> {
    const hit = cache.get(key);
    if (hit && hit.until > now()) return hit.app;
    const app = await load();
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { app, until: now() + CACHE_MS });
    return app;
  }

  return {
    async byWriteKey(writeKey) {
      const app = writeKey ? await cached(`w:${writeKey}`, () => apps.findByWriteKey(writeKey)) : null;
      if (!app) {
        throw new HttpError(401, 'invalid_write_key', writeKey
          ? 'this write key belongs to no app; check it with `headcount apps list`'
          : "send the app's write key as the HTTP Basic user name, or as writeKey in the body or query string");
      }
      return app;
    },
    async bySecretKey(secretKey) {
      if (!secretKey) throw new HttpError(401, 'invalid_secret_key', 'send the secret key as `Authorization: Bearer <secretKey>`');
      // Never cached: a rotated secret must stop working at once.
      const candidates = await apps.findBySecretPrefix(secretPrefixOf(secretKey));
      const app = candidates.find((candidate) => secretMatches(secretKey, candidate.secretHash));
      if (!app) {
        throw new HttpError(401, 'invalid_secret_key', 'this secret key belongs to no app (keys are rotated with `headcount apps rotate`)');
      }
      return app;
    },
  };
}

/** The write key from HTTP Basic (user name, empty password), else the body's or query's `writeKey`. */
export function writeKeyOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const user = decoded.split(':')[0];
    if (user) return user;
  }
  const fromBody = (req.body as { writeKey?: unknown } | undefined)?.writeKey;
  if (typeof fromBody === 'string' && fromBody) return fromBody;
  const fromQuery = req.query.writeKey;
  return typeof fromQuery === 'string' && fromQuery ? fromQuery : undefined;
}

/** The secret key from `Authorization: Bearer <secretKey>`. */
export function secretKeyOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}
