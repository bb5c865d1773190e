#!/usr/bin/env node
// The live count's cost as history grows: `node scripts/bench-active.mjs`.
//
// 1. a scratch database on BENCH_DATABASE_URL's server, with the collector's migrations (the real indexes);
// 2. 1,000,000 stored sessions over 90 days in 5 apps, bulk-inserted with generate_series: most ended,
//    some never ended (tabs closed without a `Session Ended`), plus a few hundred live ones; every session
//    knows its latest page (one of 50 paths), as ingest keeps it;
// 3. the collector's own count query (packages/collector/src/live/countActiveUsers.sql: one row per active
//    visitor with their latest page, from which the total and the per-page counts come): median and p95 of
//    BENCH_RUNS runs, the same with index scans disabled for contrast, and EXPLAIN (ANALYZE, BUFFERS);
// 4. the scratch database is dropped, also on failure or Ctrl-C.
//
// Environment (all optional):
//   BENCH_DATABASE_URL   admin connection (default postgres://root@127.0.0.1:5432/test)
//   BENCH_SESSIONS       stored sessions (default 1000000)
//   BENCH_LIVE           live sessions of the measured app (default 300)
//   BENCH_RUNS           timed runs of the count (default 200)
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COLLECTOR = join(ROOT, 'packages/collector');
// `pg` is the collector's own dependency: use the very same driver.
const pg = createRequire(join(COLLECTOR, 'package.json'))('pg');
const MIGRATIONS = join(COLLECTOR, 'src/storage/migrations');
const COUNT_SQL = readFileSync(join(COLLECTOR, 'src/live/countActiveUsers.sql'), 'utf8');

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 1_000_000);
const LIVE = Number(process.env.BENCH_LIVE ?? 300);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WINDOW_SECONDS = 300;
const APPS = ['app_bench_measured', 'app_bench_2', 'app_bench_3', 'app_bench_4', 'app_bench_5'];

const name = `headcount_bench_active_${randomBytes(4).toString('hex')}`;
const dbUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
})();

async function admin(sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let dropped = false;
async function dropDatabase() {
  if (dropped) return;
  dropped = true;
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
process.once('SIGINT', () => void dropDatabase().finally(() => process.exit(130)));

const ms = (n) => `${n.toFixed(3)} ms`;
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function timeRuns(client, params, runs) {
  for (let i = 0; i < 5; i++) await client.query(COUNT_SQL, params);
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = await client.query(COUNT_SQL, params);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const pages = new Set(result.rows.map((row) => row.path));
  return { median: quantile(times, 0.5), p95: quantile(times, 0.95), activeUsers: result.rows.length, pages: pages.size };
}

async function main() {
  await admin(`CREATE DATABASE ${name}`);
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    for (const file of readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort()) {
      await client.query(readFileSync(join(MIGRATIONS, file), 'utf8'));
    }
    await client.query(
      `INSERT INTO apps (id, name, write_key, secret_prefix, secret_hash)
       SELECT id, id, 'wk_' || id, 'prefix_' || id, 'hash_' || id FROM unnest($1::text[]) AS id`, [APPS]);

    let start = performance.now();
    // History: 90 days; 95 % ended, 5 % never ended (the tab closed) — those stay in the partial index, but old.
    await client.query(
      `INSERT INTO sessions (app_id, id, visitor_id, anonymous_id, user_id, started_at, last_seen_at, ended_at, end_reason, event_count,
         last_page_path, last_page_at)
       SELECT ($2::text[])[1 + i % 5], 's' || i, 'v' || (i / 3), 'v' || (i / 3), CASE WHEN i % 7 = 0 THEN 'u' || (i / 21) END,
              t, t + interval '4 minutes', CASE WHEN i % 20 <> 0 THEN t + interval '4 minutes' END,
              CASE WHEN i % 20 <> 0 THEN 'idle' END, 1 + i % 9, '/page-' || (i % 50), t + interval '3 minutes'
       FROM generate_series(1, $1::integer) AS i,
            LATERAL (SELECT now() - interval '1 hour' - (i::double precision / $1) * interval '90 days' AS t) AS at`,
      [SESSIONS, APPS]);
    const historyMs = performance.now() - start;
    // Live: LIVE sessions of the measured app seen in the last 4 minutes (some visitors with two tabs), and some elsewhere.
    await client.query(
      `INSERT INTO sessions (app_id, id, visitor_id, anonymous_id, user_id, started_at, last_seen_at, event_count,
         last_page_path, last_page_at)
       SELECT CASE WHEN i <= $1 THEN $2 ELSE $3 END, 'live' || i, 'live-v' || (i * 5 / 6), 'live-v' || (i * 5 / 6), NULL,
              now() - interval '20 minutes', now() - (i % 240) * interval '1 second', 3,
              '/page-' || (i % 50), now() - (i % 240) * interval '1 second'
       FROM generate_series(1, $1::integer + 200) AS i`,
      [LIVE, APPS[0], APPS[1]]);
    start = performance.now();
    await client.query('VACUUM ANALYZE sessions');
    const vacuumMs = performance.now() - start;

    const [{ total, unended }] = (await client.query(
      `SELECT count(*)::integer AS total, count(*) FILTER (WHERE ended_at IS NULL)::integer AS unended FROM sessions`)).rows;
    const [{ size }] = (await client.query(`SELECT pg_size_pretty(pg_total_relation_size('sessions')) AS size`)).rows;
    console.log(`sessions: ${total} stored (${size} with indexes; ${unended} never ended), ${LIVE} live in the measured app`);
    console.log(`setup: history inserted in ${(historyMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(vacuumMs / 1000).toFixed(1)} s`);

    const params = [APPS[0], new Date(Date.now() - WINDOW_SECONDS * 1000)];
    const indexed = await timeRuns(client, params, RUNS);
    console.log(`\ncount query, ${RUNS} runs: median ${ms(indexed.median)}, p95 ${ms(indexed.p95)}  ->  activeUsers ${indexed.activeUsers} on ${indexed.pages} pages`);

    await client.query('BEGIN');
    await client.query('SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexonlyscan = off');
    const scanned = await timeRuns(client, params, Math.min(RUNS, 20));
    await client.query('ROLLBACK');
    console.log(`without the index (sequential scan), ${Math.min(RUNS, 20)} runs: median ${ms(scanned.median)}, p95 ${ms(scanned.p95)}`);

    const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${COUNT_SQL}`, params);
    console.log('\nEXPLAIN (ANALYZE, BUFFERS):');
    for (const row of plan.rows) console.log(`  ${row['QUERY PLAN']}`);
    if (!(indexed.activeUsers > 0 && indexed.pages > 1)) throw new Error('the count found none of the live sessions, or no pages');
  } finally {
    await client.end();
    await dropDatabase();
  }
}

main().catch(async (err) => {
  console.error(err);
  await dropDatabase().catch(() => {});
  process.exit(1);
});
