import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { App, AppsRepository } from '../apps/appsRepository';
import { isSecretKeyShaped, isWriteKeyShaped, secretMatches, secretPrefixOf } from '../apps/keys';
import { createBoundedCache } from './boundedCache';
import { HttpError } from './errors';
import type { AuthFailureLimiter } from './rateLimit';

// Apps change rarely; a short cache keeps key lookups off the ingest path, and a new app works within seconds.
const CACHE_MS = 5000;
// Only well-formed keys are cached (27 characters), so these bounds hold thousands of apps in a few MB.
const KNOWN_APPS = { maxEntries: 10_000, maxBytes: 16 * 1024 * 1024 };
// Unknown keys get a budget of their own: a flood of them never evicts the apps that exist.
const UNKNOWN_KEYS = { maxEntries: 10_000, maxBytes: 2 * 1024 * 1024 };

export interface AppResolver {
  /** The app a write key belongs to, or a 401 (a 429 once `client`, the caller's IP, failed too often). */
  byWriteKey(writeKey: string | undefined, client?: string): Promise<App>;
  /**
   * The app a secret key belongs to, or a 401 (a 429 once `client` failed too often). The admin token
   * (HEADCOUNT_ADMIN_TOKEN) reads any app: the one `chosenApp` names (its id or name, from `X-Headcount-App`).
   */
  bySecretKey(secretKey: string | undefined, client?: string, chosenApp?: string): Promise<App>;
  /** Whether `token` is the admin token (never true when none is configured). */
  isAdmin(token: string | undefined): boolean;
  /** Estimated bytes the key cache holds (it stays within its bounds whatever keys are sent). */
  cacheBytes(): number;
}

/** What an app costs in the cache: its strings (two bytes a character) and a fixed overhead. */
function appBytes(app: App): number {
  const text = app.id.length + app.name.length + app.writeKey.length + app.secretHash.length
    + (app.webhookSecret?.length ?? 0) + app.origins.reduce((sum, origin) => sum + origin.length, 0);
  return text * 2 + 400 + app.origins.length * 40;
}

const noFailureLimit: AuthFailureLimiter = { check() {}, failed() {} };

const digest = (text: string) => createHash('sha256').update(text).digest();

export function createAppResolver(
  apps: AppsRepository,
  now: () => number = Date.now,
  failures: AuthFailureLimiter = noFailureLimit,
  adminToken?: string,
): AppResolver {
  const adminDigest = adminToken ? digest(adminToken) : undefined;
  // Compared as hashes in constant time: neither the token's length nor its content leaks through timing.
  const matchesAdmin = (token: string | undefined) => adminDigest !== undefined && token !== undefined
    && timingSafeEqual(digest(token), adminDigest);
  const known = createBoundedCache<{ app: App; until: number }>(KNOWN_APPS);
  const unknown = createBoundedCache<number>(UNKNOWN_KEYS);

  function refuse(client: string | undefined, error: HttpError): never {
    failures.failed(client);
    throw error;
  }

  const unknownWriteKey = () => new HttpError(401, 'invalid_write_key', 'this write key belongs to no app; check it with `headcount apps list`');

  return {
    async byWriteKey(writeKey, client) {
      const shaped = writeKey !== undefined && isWriteKeyShaped(writeKey);
      const hit = shaped ? known.get(writeKey) : undefined;
      if (hit && hit.until > now()) return hit.app;
      failures.check(client);
      if (!writeKey) {
        refuse(client, new HttpError(401, 'invalid_write_key',
          "send the app's write key as the HTTP Basic user name, or as writeKey in the body or query string"));
      }
      // Refused before any lookup: a key of another shape was never issued here.
      if (!shaped) {
        refuse(client, new HttpError(401, 'invalid_write_key',
          'this is not a write key (wk_ and 24 letters or digits); check it with `headcount apps list`'));
      }
      const missUntil = unknown.get(writeKey);
      if (missUntil !== undefined && missUntil > now()) refuse(client, unknownWriteKey());
      const app = await apps.findByWriteKey(writeKey);
      if (!app) {
        unknown.set(writeKey, now() + CACHE_MS, 8);
        refuse(client, unknownWriteKey());
      }
      unknown.delete(writeKey);
      known.set(writeKey, { app, until: now() + CACHE_MS }, appBytes(app));
      return app;
    },
    async bySecretKey(secretKey, client, chosenApp) {
      failures.check(client);
      if (!secretKey) refuse(client, new HttpError(401, 'invalid_secret_key', 'send the secret key as `Authorization: Bearer <secretKey>`'));
      if (matchesAdmin(secretKey)) {
        if (!chosenApp) throw new HttpError(400, 'app_required', 'with the admin token, name the app to read in the X-Headcount-App header (its id or name)');
        const app = (await apps.list()).find((candidate) => candidate.id === chosenApp || candidate.name === chosenApp);
        if (!app) throw new HttpError(404, 'app_not_found', `no app has the id or name "${chosenApp}"; GET /v1/apps lists them`);
        return app;
      }
      const wrong = () => new HttpError(401, 'invalid_secret_key', 'this secret key belongs to no app (keys are rotated with `headcount apps rotate`)');
      if (!isSecretKeyShaped(secretKey)) refuse(client, wrong());
      // Never cached: a rotated secret must stop working at once.
      const candidates = await apps.findBySecretPrefix(secretPrefixOf(secretKey));
      const app = candidates.find((candidate) => secretMatches(secretKey, candidate.secretHash));
      if (!app) refuse(client, wrong());
      return app;
    },
    isAdmin: matchesAdmin,
    cacheBytes: () => known.bytes + unknown.bytes,
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

/** The app an admin-token read names: the `X-Headcount-App` header (an app's id or name). */
export function chosenAppOf(req: Request): string | undefined {
  const header = req.headers['x-headcount-app'];
  return typeof header === 'string' && header.trim() ? header.trim() : undefined;
}

/** The secret key from `Authorization: Bearer <secretKey>`. */
export function secretKeyOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}
