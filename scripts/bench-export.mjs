#!/usr/bin/env node
// The export's memory: GET /v1/export of a large events table must stream page by page, so the
// collector's resident memory stays flat whatever the table's size.
//
// 1. a scratch database on BENCH_DATABASE_URL's server (scripts/bench/database.mjs), migrated, one app (the
//    collector CLI from source);
// 2. BENCH_EXPORT_EVENTS events (default 1,000,000) written straight into it by SQL, with realistic
//    context and properties, then its size per stored event (pg_total_relation_size of events ÷ rows);
// 3. the collector (`headcount serve` from source) in a child process; its RSS is sampled from /proc
//    before and during one full NDJSON export read here line by line;
// 4. the scratch database is dropped, also on failure or Ctrl-C.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBenchDatabase, pg } from './bench/database.mjs';
import { freePort } from './chaos/lib/freePort.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'packages/collector/test/support/sourceCli.mjs');
const EVENTS = Number(process.env.BENCH_EXPORT_EVENTS || 1_000_000);
const INSERT_CHUNK = 100_000;

const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;

function cli(args, env = {}) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => (code === 0 ? resolveRun(out) : reject(new Error(`headcount ${args.join(' ')} exited ${code}`))));
  });
}

/** Resident set size of a process, from /proc (Linux). */
const rssOf = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

let server;
const database = await createBenchDatabase('export', { beforeDrop: async () => server?.kill('SIGKILL') });
const url = database.url;

try {
  await cli(['migrate']);
  const app = JSON.parse(await cli(['apps', 'create', 'bench', '--json']));

  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const started = performance.now();
  for (let done = 0; done < EVENTS; done += INSERT_CHUNK) {
    const n = Math.min(INSERT_CHUNK, EVENTS - done);
    // What a browser page view carries: a session, a user agent, the page, a campaign now and then.
    await db.query(
      `INSERT INTO events (app_id, message_id, type, name, anonymous_id, user_id, session_id, "timestamp", original_timestamp, sent_at, received_at, properties, context)
       SELECT $1, 'm-' || g, 'page', 'Product', 'anon-' || (g % 50000), CASE WHEN g % 5 = 0 THEN 'user-' || (g % 9000) END, 's-' || (g / 7),
         t, t, t, t + interval '80 ms',
         jsonb_build_object('path', '/shoes/' || (g % 300), 'title', 'Trail Runner ' || (g % 300) || ' - Acme', 'url', 'https://shop.example/shoes/' || (g % 300), 'price', (g % 200) + 0.99),
         jsonb_build_object('userAgent', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
           'page', jsonb_build_object('path', '/shoes/' || (g % 300), 'url', 'https://shop.example/shoes/' || (g % 300), 'referrer', CASE WHEN g % 3 = 0 THEN 'https://www.google.com/' ELSE '' END, 'title', 'Trail Runner'),
           'library', jsonb_build_object('name', '@headcount/browser', 'version', '0.1.0'), 'locale', 'en-US', 'ip', '203.0.113.0', 'sessionId', 's-' || (g / 7),
           'campaign', CASE WHEN g % 10 = 0 THEN jsonb_build_object('source', 'newsletter', 'medium', 'email', 'name', 'november') END)
       FROM generate_series($2::bigint, $3::bigint) AS g, LATERAL (SELECT now() - interval '30 days' + g * interval '2 seconds' AS t) AS at`,
      [app.id, done + 1, done + n],
    );
    await db.query(`INSERT INTO event_ids (app_id, message_key, received_at) SELECT $1, headcount_message_key('m-' || g), now() FROM generate_series($2::bigint, $3::bigint) AS g`,
      [app.id, done + 1, done + n]);
    process.stdout.write(`\rstored ${done + n} events`);
  }
  await db.query('VACUUM ANALYZE events');
  await db.query('VACUUM ANALYZE event_ids');
  // events is partitioned by month: its size is its partitions', plus the dedupe keys in event_ids.
  const [size] = (await db.query(
    `SELECT sum(pg_total_relation_size(inhrelid)) + pg_total_relation_size('event_ids') AS total, sum(pg_relation_size(inhrelid)) AS heap,
       pg_total_relation_size('event_ids') AS keys
     FROM pg_inherits WHERE inhparent = 'events'::regclass`)).rows;
  await db.end();
  console.log(`\nstored ${EVENTS} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`events partitions with their indexes and TOAST, and event_ids: ${mib(Number(size.total))} (${Math.round(Number(size.total) / EVENTS)} bytes per stored event, heap alone ${Math.round(Number(size.heap) / EVENTS)}, dedupe keys ${Math.round(Number(size.keys) / EVENTS)})`);

  const port = await freePort();
  server = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--host', '127.0.0.1'], { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }, stdio: 'inherit' });
  for (let i = 0; i < 600; i++) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const before = rssOf(server.pid);
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, rssOf(server.pid)); }, 100);
  const exportStarted = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/v1/export`, { headers: { Authorization: `Bearer ${app.secretKey}` } });
  let lines = 0;
  let bytes = 0;
  // RSS at each tenth of the export: flat after the first pages means memory does not follow the table's size.
  const trace = [];
  for await (const chunk of res.body) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines++;
    if (lines >= ((trace.length + 1) * EVENTS) / 10) trace.push(rssOf(server.pid));
  }
  clearInterval(sampler);
  const seconds = (performance.now() - exportStarted) / 1000;
  console.log(`exported ${lines} lines (${mib(bytes)}) in ${seconds.toFixed(1)} s: ${Math.round(lines / seconds)} events/s`);
  console.log(`collector RSS: ${mib(before)} before the export, ${mib(peak)} at its peak during it`);
  console.log(`RSS at each tenth of the export: ${trace.map((b) => (b / 1048576).toFixed(0)).join(', ')} MiB`);
  if (lines !== EVENTS) throw new Error(`exported ${lines} lines, expected ${EVENTS}`);
} finally {
  server?.kill('SIGKILL');
  await database.drop();
}
