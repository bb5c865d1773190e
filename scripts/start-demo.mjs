// `pnpm start`: the built collector on :8787 (PORT) with the embedded database (or DATABASE_URL),
// an app named `demo`, and both examples served from the collector itself.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureDemoApp } from './demo/demoKeys.mjs';
import { exampleRoutes } from './demo/exampleRoutes.mjs';

const collectorEntry = new URL('../packages/collector/dist/index.js', import.meta.url);
const spaBundle = new URL('../examples/spa/dist/app.js', import.meta.url);
for (const built of [collectorEntry, spaBundle]) {
  if (!existsSync(built)) {
    console.error(`Missing ${relative(process.cwd(), built.pathname)}: run \`pnpm build\` (or \`pnpm start\`, which builds first).`);
    process.exit(1);
  }
}
const { readConfig, startServer, createAppsRepository, createSignInTickets, limitHeapGrowth } = await import(collectorEntry.href);
limitHeapGrowth();

// The demo's kiosk goes back to its attract screen after this many idle seconds (or ?idleTimeout=N).
const KIOSK_IDLE_SECONDS = 20;

const config = readConfig();
// The examples need the demo app's write key, known only once the database is open: routes are bound after start.
let serveExamples = (req, res, next) => next();

// The printed dashboard link signs the demo in once: a ticket in the fragment, never the key in a URL.
const signInTickets = createSignInTickets();

let running;
try {
  running = await startServer(config, {
    extraRoutes: [(req, res, next) => serveExamples(req, res, next)],
    dashboardSignIn: signInTickets,
  });
} catch (err) {
  const reason = err?.code === 'EADDRINUSE' ? `port ${config.port} is in use; try PORT=8788 pnpm start` : err?.message ?? String(err);
  console.error(`Could not start the demo: ${reason}`);
  process.exit(1);
}

let stopping = false;
async function stop(signal) {
  if (stopping) process.exit(130); // a second Ctrl-C does not wait
  stopping = true;
  console.log(`\n${signal}: stopping the collector (finishing in-flight writes)…`);
  try {
    await running.close();
    process.exit(0);
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const keysFile = join(config.dataDir, 'demo-keys.json');
const keys = await ensureDemoApp({ apps: createAppsRepository(running.db), url: running.url, file: keysFile });
serveExamples = exampleRoutes({ writeKey: keys.writeKey, kioskIdleTimeout: KIOSK_IDLE_SECONDS });

const base = running.url;
const database = config.databaseUrl ? `PostgreSQL (DATABASE_URL)` : `embedded PGlite in ${relative(process.cwd(), config.dataDir) || '.'}`;
const keysNote = {
  created: 'created the app "demo"',
  saved: 'app "demo" from an earlier start',
  rotated: 'app "demo" found without saved keys: issued a new secret key',
}[keys.origin];

console.log(`
Headcount demo running at ${base}  (${database})

  Kiosk, touch table:  ${base}/examples/kiosk/     (idle ${KIOSK_IDLE_SECONDS} s; add ?idleTimeout=5 to see it reset sooner)
  SPA, React:          ${base}/examples/spa/       (open it in two windows to see the live count)
  Dashboard:           ${base}/dashboard#ticket=${signInTickets.issue(keys.secretKey)}
                       (signs you in once, within 10 minutes; after that, sign in with the secret key below)

  App "demo" (${keysNote})
    write key   ${keys.writeKey}
    secret key  ${keys.secretKey}
  The secret key is shown only when it is issued: the demo keeps both keys in ${relative(process.cwd(), keysFile)}
  so later starts can print them again.

  Who is online now:
    curl '${base}/v1/active?writeKey=${keys.writeKey}'
  The latest events:
    curl -H 'Authorization: Bearer ${keys.secretKey}' '${base}/v1/events?limit=5'

Ctrl-C stops it.
`);
