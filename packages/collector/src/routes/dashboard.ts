import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { Router, type Request, type Response } from 'express';
import { HttpError } from '../http/errors';

/** Where the built dashboard lives: the `@headcount/dashboard` package this collector ships with. */
export function defaultDashboardDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@headcount/dashboard/package.json')), 'dist');
}

/** One-time sign-in tickets (the demo's printed link): a ticket gives its key once, then is gone. */
export interface DashboardSignIn {
  redeem(ticket: string): string | undefined;
}

// A printed link is for opening now, not for keeping.
const TICKET_TTL_MS = 10 * 60_000;

/** Issues one-time tickets for a key (`/dashboard#ticket=...`): each redeems once, within ten minutes. */
export function createSignInTickets(now: () => number = Date.now): DashboardSignIn & { issue(key: string): string } {
  const tickets = new Map<string, { key: string; until: number }>();
  return {
    issue(key) {
      const ticket = randomBytes(24).toString('base64url');
      tickets.set(ticket, { key, until: now() + TICKET_TTL_MS });
      return ticket;
    },
    redeem(ticket) {
      const found = tickets.get(ticket);
      tickets.delete(ticket);
      return found && found.until > now() ? found.key : undefined;
    },
  };
}

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

// The page runs only its own script and style and talks only to this collector; it is never framed.
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * `GET /dashboard`: the dashboard's static files, from the same host as the read API it calls, so it needs no
 * CORS and no server of its own. `POST /dashboard/ticket` redeems a one-time sign-in ticket when one is set up.
 */
export function dashboardRoutes(dir: () => string = defaultDashboardDir, signIn?: DashboardSignIn): Router {
  const router = Router();
  const cache = new Map<string, { body: Buffer; etag: string }>();

  async function send(name: string, req: Request, res: Response) {
    let file = cache.get(name);
    if (!file) {
      const body = await readFile(join(dir(), name)).catch(() => {
        throw new HttpError(404, 'dashboard_not_built', 'the dashboard is not built; run `pnpm build`');
      });
      file = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
      cache.set(name, file);
    }
    res.set({ ...SECURITY_HEADERS, 'Content-Type': FILES[name], 'Cache-Control': 'no-cache', ETag: file.etag });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.send(file.body);
  }

  // Also answers /dashboard/ (Express is not strict about the trailing slash); the page links its files absolutely.
  router.get('/dashboard', (req, res) => send('index.html', req, res));
  router.get('/dashboard/:file', async (req, res) => {
    const name = req.params.file;
    if (!Object.hasOwn(FILES, name) || name === 'index.html') throw new HttpError(404, 'not_found', `no dashboard file ${name}`);
    await send(name, req, res);
  });
  router.post('/dashboard/ticket', express.json({ limit: '1kb' }), (req, res) => {
    const ticket = (req.body as { ticket?: unknown } | undefined)?.ticket;
    const key = signIn && typeof ticket === 'string' ? signIn.redeem(ticket) : undefined;
    if (!key) throw new HttpError(401, 'invalid_ticket', 'this sign-in link was used already or has expired; sign in with the key');
    res.set('Cache-Control', 'no-store').json({ key });
  });
  return router;
}
