import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Router } from 'express';
import { HttpError } from '../http/errors';

/** Where the built script-tag SDK lives: the `@headcount/browser` package this collector ships with. */
export function defaultSdkPath(): string {
  return createRequire(import.meta.url).resolve('@headcount/browser/headcount.js');
}

/** `GET /headcount.js`: the SDK first-party, from the host it sends to; cacheable, with an ETag. */
export function sdkScriptRoutes(sdkPath: () => string = defaultSdkPath): Router {
  const router = Router();
  let cached: { body: Buffer; etag: string } | undefined;

  router.get('/headcount.js', async (req, res) => {
    if (!cached) {
      const body = await readFile(sdkPath()).catch(() => {
        throw new HttpError(404, 'sdk_not_built', 'the browser SDK is not built; run `pnpm build`');
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
  return router;
}
