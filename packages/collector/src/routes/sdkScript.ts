import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Router } from 'express';
import { HttpError } from '../http/errors';

/** Where the built script-tag SDK lives: the `@headcount/browser` package this collector ships with. */
export function defaultSdkPath(): string {
  return createRequire(import.meta.url).resolve('@headcount/browser/headcount.js');
}

/** Where the built `<headcount-live>` element lives, in the same package. */
export function defaultLiveElementPath(): string {
  return createRequire(import.meta.url).resolve('@headcount/browser/headcount-live.js');
}

/**
 * `GET /headcount.js` (the SDK) and `GET /headcount-live.js` (the live counter element), first-party from the
 * host they talk to; cacheable, with an ETag.
 */
export function sdkScriptRoutes(sdkPath: () => string = defaultSdkPath, liveElementPath: () => string = defaultLiveElementPath): Router {
  const router = Router();
  serveScript(router, '/headcount.js', sdkPath, 'the browser SDK');
  serveScript(router, '/headcount-live.js', liveElementPath, 'the live counter element');
  return router;
}

function serveScript(router: Router, route: string, path: () => string, what: string): void {
  let cached: { body: Buffer; etag: string } | undefined;
  router.get(route, async (req, res) => {
    if (!cached) {
      const body = await readFile(path()).catch(() => {
        throw new HttpError(404, 'sdk_not_built', `${what} is not built; run \`pnpm build\``);
      });
      cached = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    res.set({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=3600, stale-while-revalidate=86400',
      'Access-Control-Allow-Origin': '*',
      ETag: cached.etag,
    });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.send(cached.body);
  });
}
