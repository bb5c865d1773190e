// Serves the examples from the collector (via createApp's `extraRoutes`): the kiosk page with its
// script tag, and the SPA's bundle with a history fallback; the app's write key is filled in per request.
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));
const DEMO_DIR = fileURLToPath(new URL('.', import.meta.url));

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Each example: where its files are looked up (in order) and whether unknown paths get its page (client routes). */
const EXAMPLES = {
  kiosk: { roots: ['kiosk'], historyFallback: false },
  spa: { roots: ['spa/public', 'spa/dist'], historyFallback: true },
};

/** Only a plain number of seconds may reach the page's data-idle-timeout attribute. */
const SECONDS = /^\d{1,6}(\.\d{1,3})?$/;

const escapeHtml = (value) =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function send(res, status, type, body) {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  // A demo that is rebuilt often: always revalidate.
  res.setHeader('Cache-Control', 'no-cache');
  res.end(body);
}

/** A file inside `root`, or null when the path leaves it or names nothing. */
async function readInside(root, relative) {
  const base = resolve(root);
  const path = resolve(base, '.' + sep + relative);
  if (!path.startsWith(base + sep)) return null;
  try {
    return { path, body: await readFile(path) };
  } catch {
    return null;
  }
}

/**
 * Connect-style middleware for `/`, `/examples/`, `/examples/kiosk/…` and `/examples/spa/…`.
 * @param {{ writeKey: string, kioskIdleTimeout?: number }} options
 */
export function exampleRoutes({ writeKey, kioskIdleTimeout = 20 }) {
  const fill = (html, query) => {
    const idle = SECONDS.test(query.get('idleTimeout') ?? '') ? query.get('idleTimeout') : String(kioskIdleTimeout);
    return html.replaceAll('{{WRITE_KEY}}', escapeHtml(writeKey)).replaceAll('{{IDLE_TIMEOUT}}', escapeHtml(idle));
  };

  return async function serveExamples(req, res, next) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    if (url.pathname === '/') {
      res.statusCode = 302;
      res.setHeader('Location', '/examples/');
      return res.end();
    }
    if (url.pathname === '/examples' || url.pathname === '/examples/') {
      const page = await readInside(DEMO_DIR, 'index.html');
      return page ? send(res, 200, CONTENT_TYPES['.html'], page.body) : next();
    }
    const match = /^\/examples\/(kiosk|spa)(\/.*)?$/.exec(url.pathname);
    if (!match) return next();
    const [, name, rest] = match;
    if (rest === undefined) {
      res.statusCode = 301;
      res.setHeader('Location', `/examples/${name}/${url.search}`);
      return res.end();
    }
    const example = EXAMPLES[name];
    let relative;
    try {
      relative = decodeURIComponent(rest).replace(/^\/+/, '') || 'index.html';
    } catch {
      return next();
    }
    let file = null;
    for (const root of example.roots) {
      file ??= await readInside(join(EXAMPLES_DIR, root), relative);
    }
    const isPage = !extname(relative) || relative === 'index.html';
    if (!file && isPage && example.historyFallback) file = await readInside(join(EXAMPLES_DIR, example.roots[0]), 'index.html');
    if (!file) {
      if (name === 'spa' && relative === 'app.js') {
        return send(res, 503, 'text/plain; charset=utf-8', 'The SPA is not built yet: run `pnpm build`.');
      }
      return next();
    }
    const type = CONTENT_TYPES[extname(file.path)] ?? 'application/octet-stream';
    const body = type === CONTENT_TYPES['.html'] ? fill(file.body.toString('utf8'), url.searchParams) : file.body;
    return send(res, 200, type, req.method === 'HEAD' ? undefined : body);
  };
}
