// The built collector app (packages/collector/dist/index.js) for `scripts/bench-live.mjs`, in a process of its own,
// over a Database wrapper that counts the live count's recounts; GET /bench/recounts answers how many so far.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env.BENCH_COLLECTOR_DIST || new URL('../../packages/collector/dist', import.meta.url).pathname;
const { createApp, migrate, openPostgres } = await import(pathToFileURL(join(dist, 'index.js')).href);

const base = openPostgres({ connectionString: process.env.DATABASE_URL });
await migrate(base);
let recounts = 0;
// The count's SQL starts with this comment (packages/collector/src/live/countActiveUsers.sql).
const isRecount = (sql) => sql.includes('Active users of app');
const db = {
  ...base,
  query(sql, params, name) {
    if (isRecount(sql)) recounts++;
    return base.query(sql, params, name);
  },
};
const counter = (req, res, next) => {
  if (req.url !== '/bench/recounts') return next();
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ recounts }));
};
const collector = createApp({ db, rateLimitPerSecond: 0, extraRoutes: [counter] });
const server = collector.app.listen(0, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void collector.close().then(() => base.close()).then(() => process.exit(0)));
});
