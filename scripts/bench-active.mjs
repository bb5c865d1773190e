#!/usr/bin/env node
// The live count's cost as history grows: `node scripts/bench-active.mjs` (after `pnpm build`).
//
// 1. a scratch database on BENCH_DATABASE_URL's server, migrated by the built collector (the real indexes);
// 2. 1,000,000 stored sessions over 90 days in 5 apps, bulk-inserted with generate_series: most ended,
//    some never ended (tabs closed without a `Session Ended`), plus a few hundred live ones; every session
//    knows its latest page (one of 50 paths), as ingest keeps it;
// 3. the collector's own count query (packages/collector/src/live/countActiveUsers.sql: one row per active
//    visitor with their latest page, from which the total and the per-page counts come), in BENCH_RUNS runs of
//    BENCH_QUERIES queries: the median (and p95) of each run, then the median of the runs with their spread; the
//    same with index scans disabled for contrast; EXPLAIN (ANALYZE, BUFFERS). The count must find exactly the
//    live visitors, else the exit code is 1;
// 4. the scratch database is dropped, also on failure or Ctrl-C.
//
// Environment (all optional):
//   BENCH_DATABASE_URL   admin connection (default postgres://root@127.0.0.1:5432/test)
//   BENCH_SESSIONS       stored sessions (default 1000000)
//   BENCH_LIVE           live sessions of the measured app (default 300)
//   BENCH_RUNS           runs (default 5)
//   BENCH_QUERIES        timed count queries per run (default 40; 3 without the index)
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createBenchDatabase, pg } from './bench/database.mjs';
import { createChecks, envNumber, figure, headline, RUNS } from './bench/runs.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COLLECTOR = join(ROOT, 'packages/collector');
const COUNT_SQL = readFileSync(join(COLLECTOR, 'src/live/countActiveUsers.sql'), 'utf8');

const SESSIONS = Math.round(envNumber('BENCH_SESSIONS', 1_000_000));
const LIVE = Math.round(envNumber('BENCH_LIVE', 300));
const QUERIES = Math.round(envNumber('BENCH_QUERIES', 40));
const WINDOW_SECONDS = 300;
const APPS = ['app_bench_measured', 'app_bench_2', 'app_bench_3', 'app_bench_4', 'app_bench_5'];

const ms = (n) => `${n.toFixed(3)} ms`;
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** `queries` timed count queries after 3 untimed ones: their median and p95, and what the last one found. */
async function timeQueries(client, params, queries) {
  for (let i = 0; i < 3; i++) await client.query(COUNT_SQL, params);
  const times = [];
  let result;
  for (let i = 0; i < queries; i++) {
    const start = performance.now();
    result = await client.query(COUNT_SQL, params);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const pages = new Set(result.rows.map((row) => row.path));
  return { median: quantile(times, 0.5), p95: quantile(times, 0.95), activeUsers: result.rows.length, pages: pages.size };
}

async function main() {
  let client;
  const database = await createBenchDatabase('active', { beforeDrop: async () => client?.end() });
  const checks = createChecks();
  try {
    const { migrate, openPostgres } = await import(pathToFileURL(join(COLLECTOR, 'dist/index.js')).href);
    const db = openPostgres({ connectionString: database.url });
    await migrate(db).finally(() => db.close());
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
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
    // The measured app's live visitors: 'live-v' || (i * 5 / 6) for i <= LIVE (integer division, as in SQL).
    const liveVisitors = new Set(Array.from({ length: LIVE }, (_, i) => Math.floor(((i + 1) * 5) / 6))).size;
    start = performance.now();
    await client.query('VACUUM ANALYZE sessions');
    const vacuumMs = performance.now() - start;

    const [{ total, unended }] = (await client.query(
      `SELECT count(*)::integer AS total, count(*) FILTER (WHERE ended_at IS NULL)::integer AS unended FROM sessions`)).rows;
    const [{ size }] = (await client.query(`SELECT pg_size_pretty(pg_total_relation_size('sessions')) AS size`)).rows;
    console.log(`sessions: ${total} stored (${size} with indexes; ${unended} never ended), ${LIVE} live sessions of ${liveVisitors} visitors in the measured app`);
    console.log(`setup: history inserted in ${(historyMs / 1000).toFixed(1)} s, VACUUM ANALYZE ${(vacuumMs / 1000).toFixed(1)} s`);

    const params = [APPS[0], new Date(Date.now() - WINDOW_SECONDS * 1000)];
    const indexed = [];
    const scanned = [];
    const SCANS = 3;
    // Runs in turn with and without the index, so a drift of the machine hits both alike.
    for (let run = 1; run <= RUNS; run++) {
      const withIndex = await timeQueries(client, params, QUERIES);
      indexed.push(withIndex);
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexonlyscan = off');
      const withoutIndex = await timeQueries(client, params, SCANS);
      scanned.push(withoutIndex);
      await client.query('ROLLBACK');
      console.log(`run ${run}/${RUNS}: count query median ${ms(withIndex.median)}, p95 ${ms(withIndex.p95)} (${QUERIES} queries) -> activeUsers ${withIndex.activeUsers} on ${withIndex.pages} pages; without the index ${ms(withoutIndex.median)} (${SCANS})`);
      checks.expect(withIndex.activeUsers === liveVisitors, `run ${run}: the count found ${withIndex.activeUsers} active visitors, ${liveVisitors} are live`);
      checks.expect(withoutIndex.activeUsers === liveVisitors, `run ${run}: without the index the count found ${withoutIndex.activeUsers} active visitors, ${liveVisitors} are live`);
      checks.expect(withIndex.pages > 1, `run ${run}: the live visitors are on ${withIndex.pages} pages`);
    }

    const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${COUNT_SQL}`, params);
    console.log('\nEXPLAIN (ANALYZE, BUFFERS):');
    for (const row of plan.rows) console.log(`  ${row['QUERY PLAN']}`);

    headline(`live count with ${total.toLocaleString('en-US')} stored sessions`, [
      ['count query, median of each run', indexed.map((r) => r.median), { digits: 3, unit: ' ms' }],
      ['count query, p95 of each run', indexed.map((r) => r.p95), { digits: 3, unit: ' ms' }],
      ['without the index (sequential scan)', scanned.map((r) => r.median), { digits: 1, unit: ' ms' }],
    ]);
    checks.report(`every run counted the ${liveVisitors} live visitors`);
  } finally {
    await client?.end();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
