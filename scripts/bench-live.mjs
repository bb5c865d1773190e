#!/usr/bin/env node
// How fast a change reaches the live stream, and what the live count costs under load: `node scripts/bench-live.mjs`.
//
// 1. a scratch database on BENCH_DATABASE_URL's server; the BUILT collector (scripts/bench/live-server.mjs over
//    packages/collector/dist) in a child process, counting its recounts of the live count;
// 2. BENCH_PRESENT visitors already here, one SSE client on /v1/active/stream;
// 3. quiet: BENCH_ARRIVALS new visitors, one at a time; for each, the time from the ingest acknowledgement (the
//    200 of POST /v1/batch) to the SSE event carrying the new count, both on this process's clock;
// 4. under load: BENCH_LOAD_CONNECTIONS clients sending the present visitors' pings and page views (same page:
//    the count does not change) as fast as they are answered, while new visitors keep arriving 10 times a second;
//    first the load alone (recounts per second: none are needed), then ack -> SSE again, the recounts per second,
//    and the load's requests per second;
// 5. arrivals flood: every request is a new visitor (every event changes the count): recounts per second stay
//    bounded by the pacing whatever the rate;
// 6. the scratch database is dropped, also on failure or Ctrl-C.
//
// Environment (all optional):
//   BENCH_DATABASE_URL      admin connection (default postgres://root@127.0.0.1:5432/test)
//   BENCH_PRESENT           visitors already active (default 300)
//   BENCH_ARRIVALS          measured arrivals per phase (default 200)
//   BENCH_LOAD_CONNECTIONS  concurrent load clients (default 16)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COLLECTOR = join(ROOT, 'packages/collector');
const pg = createRequire(join(COLLECTOR, 'package.json'))('pg');
const env = process.env;
const adminUrl = env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const PRESENT = Number(env.BENCH_PRESENT ?? 300);
const ARRIVALS = Number(env.BENCH_ARRIVALS ?? 200);
const LOAD_CONNECTIONS = Number(env.BENCH_LOAD_CONNECTIONS ?? 16);

const name = `headcount_bench_live_${randomBytes(4).toString('hex')}`;
const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();

async function admin(sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let child;
let dropped = false;
async function cleanUp() {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  if (dropped) return;
  dropped = true;
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const summary = (ms) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `p50 ${quantile(sorted, 0.5).toFixed(1)} ms, p95 ${quantile(sorted, 0.95).toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms (${sorted.length} arrivals)`;
};
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function startCollector() {
  child = spawn(process.execPath, [join(ROOT, 'scripts/bench/live-server.mjs')], {
    env: { ...env, DATABASE_URL: dbUrl }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((done, fail) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening (http:\/\/\S+)/.exec(out);
      if (match) done(match[1]);
    });
    child.once('exit', (code) => fail(new Error(`the collector exited (${code}) before listening: ${out}`)));
  });
}

/** The `active` events of one SSE stream, on this process's clock. */
async function follow(url) {
  const res = await fetch(url, { headers: { Accept: 'text/event-stream' } });
  if (res.status !== 200) throw new Error(`stream answered ${res.status}`);
  const stream = { count: -1, waiters: [] };
  (async () => {
    let buffer = '';
    for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block);
        if (!/^event: active$/m.test(block) || !data) continue;
        stream.count = JSON.parse(data[1]).activeUsers;
        const at = performance.now();
        stream.waiters = stream.waiters.filter((w) => (stream.count >= w.count ? (w.done(at), false) : true));
      }
    }
  })().catch(() => {});
  stream.until = (count) => new Promise((done) => {
    if (stream.count >= count) done(performance.now());
    else stream.waiters.push({ count, done });
  });
  return stream;
}

let sequence = 0;
const visit = (visitor, path, type = 'page') => ({
  type, messageId: `bench-live-${process.pid}-${++sequence}`, anonymousId: visitor, timestamp: new Date().toISOString(),
  context: { sessionId: `s-${visitor}`, page: { path, url: `https://bench.example${path}` } },
});

async function post(url, writeKey, batch) {
  const res = await fetch(`${url}/v1/batch`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ writeKey, batch }),
  });
  const body = await res.json();
  if (!body.ok || body.accepted + body.duplicates !== batch.length) throw new Error(`batch refused: ${JSON.stringify(body)}`);
}

const recountsOf = async (url) => (await (await fetch(`${url}/bench/recounts`)).json()).recounts;

/** One new visitor: ack -> SSE in ms (0 when the event beat the answer). */
async function arrive(url, writeKey, stream, expected) {
  const reached = stream.until(expected);
  await post(url, writeKey, [visit(`arrival-${++sequence}`, '/arrivals')]);
  const ackAt = performance.now();
  return Math.max(0, (await reached) - ackAt);
}

async function main() {
  await admin(`CREATE DATABASE ${name}`);
  const url = await startCollector();
  // The app as `headcount apps create` makes it, through the built collector's own repository.
  const { createAppsRepository, openPostgres } = await import(pathToFileURL(join(COLLECTOR, 'dist/index.js')).href);
  const db = openPostgres({ connectionString: dbUrl });
  const { app: { writeKey } } = await createAppsRepository(db).create({ name: 'bench-live' });
  await db.close();

  const present = Array.from({ length: PRESENT }, (_, i) => `present-${i}`);
  for (let i = 0; i < present.length; i += 100) {
    await post(url, writeKey, present.slice(i, i + 100).map((visitor, j) => visit(visitor, `/page-${(i + j) % 10}`)));
  }
  const stream = await follow(`${url}/v1/active/stream?writeKey=${writeKey}`);
  let expected = PRESENT;
  await stream.until(expected);
  console.log(`live stream of ${PRESENT} visitors present`);

  // Quiet: arrivals one at a time, a little apart.
  const quiet = [];
  for (let i = 0; i < ARRIVALS; i++) {
    quiet.push(await arrive(url, writeKey, stream, ++expected));
    await sleep(20 + Math.random() * 60);
  }
  console.log(`quiet: ack -> SSE ${summary(quiet)}`);

  // Under load: the present visitors keep pinging and viewing their page; arrivals go on.
  let loadRequests = 0;
  let loading = true;
  const loaders = Array.from({ length: LOAD_CONNECTIONS }, async (_, c) => {
    for (let n = 0; loading; n++) {
      const visitor = present[(c * 7919 + n) % present.length];
      const path = `/page-${Number(visitor.slice(8)) % 10}`;
      await post(url, writeKey, [visit(visitor, path, n % 2 ? 'ping' : 'page')]);
      loadRequests++;
    }
  });
  await sleep(500);
  // The present visitors' load alone: nothing changes, so nothing is recounted (the 5 s resync aside).
  const idleBefore = await recountsOf(url);
  const idleRequests = loadRequests;
  const idleStart = performance.now();
  await sleep(5000);
  const idleSeconds = (performance.now() - idleStart) / 1000;
  console.log(`present visitors' load alone: ${((loadRequests - idleRequests) / idleSeconds).toFixed(0)} req/s -> ${(((await recountsOf(url)) - idleBefore) / idleSeconds).toFixed(1)} recounts/s`);
  const recountsBefore = await recountsOf(url);
  const loadStart = performance.now();
  const requestsBefore = loadRequests;
  const loaded = [];
  for (let i = 0; i < ARRIVALS; i++) {
    loaded.push(await arrive(url, writeKey, stream, ++expected));
    await sleep(100 * Math.random());
  }
  const seconds = (performance.now() - loadStart) / 1000;
  const recounts = (await recountsOf(url)) - recountsBefore;
  loading = false;
  await Promise.all(loaders);
  console.log(`under load (${LOAD_CONNECTIONS} clients, ${((loadRequests - requestsBefore) / seconds).toFixed(0)} req/s of present visitors, ${(ARRIVALS / seconds).toFixed(1)} arrivals/s):`);
  console.log(`  ack -> SSE ${summary(loaded)}`);
  console.log(`  recounts: ${(recounts / seconds).toFixed(1)}/s (${recounts} in ${seconds.toFixed(1)} s; one per arrival burst, none for the present visitors' load)`);

  // Arrivals flood: every request a new visitor; the pacing bounds the recounts.
  const floodBefore = await recountsOf(url);
  const floodStart = performance.now();
  let flooded = 0;
  await Promise.all(Array.from({ length: LOAD_CONNECTIONS }, async () => {
    while (performance.now() - floodStart < 5000) {
      await post(url, writeKey, [visit(`flood-${++sequence}`, '/flood')]);
      flooded++;
    }
  }));
  const floodSeconds = (performance.now() - floodStart) / 1000;
  const floodRecounts = (await recountsOf(url)) - floodBefore;
  expected += flooded;
  await stream.until(expected);
  console.log(`arrivals flood: ${(flooded / floodSeconds).toFixed(0)} new visitors/s -> ${(floodRecounts / floodSeconds).toFixed(1)} recounts/s`);
}

main().then(cleanUp, async (err) => {
  console.error(err);
  await cleanUp().catch(() => {});
  process.exit(1);
});
