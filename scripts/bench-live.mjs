#!/usr/bin/env node
// How fast a change reaches the live stream, and what the live count costs under load: `node scripts/bench-live.mjs`.
//
// 1. a scratch database on BENCH_DATABASE_URL's server; the BUILT collector (scripts/bench/live-server.mjs over
//    packages/collector/dist) in a child process, counting its recounts of the live count;
// 2. BENCH_PRESENT visitors already here, one SSE client on /v1/active/stream;
// 3. BENCH_RUNS runs, each of:
//    quiet: BENCH_ARRIVALS new visitors, one at a time; for each, the time from the ingest acknowledgement (the
//      200 of POST /v1/batch) to the SSE event carrying the new count, both on this process's clock;
//    under load: BENCH_LOAD_CONNECTIONS clients sending the present visitors' pings and page views (same page:
//      the count does not change) as fast as they are answered; first the load alone (recounts per second: none
//      are needed), then BENCH_ARRIVALS arrivals again (ack -> SSE), the recounts per second and the load's requests
//      per second;
// 4. then BENCH_RUNS arrivals floods of 2 s: every request is a new visitor (every event changes the count):
//    recounts per second stay bounded by the pacing whatever the rate (each flood adds its visitors to the count
//    the next one recounts);
// 5. every figure is the median of the runs with their spread; the stream must end on exactly the count of
//    visitors sent (and GET /v1/active agree), every batch must be accepted, every awaited count must arrive
//    within 30 s: else the exit code is 1;
// 6. the scratch database is dropped, also on failure or Ctrl-C.
//
// Environment (all optional):
//   BENCH_DATABASE_URL      admin connection (default postgres://root@127.0.0.1:5432/test)
//   BENCH_RUNS              runs (default 5)
//   BENCH_PRESENT           visitors already active (default 300)
//   BENCH_ARRIVALS          measured arrivals per phase and run (default 40)
//   BENCH_LOAD_CONNECTIONS  concurrent load clients (default 16)
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createBenchDatabase } from './bench/database.mjs';
import { createChecks, envNumber, headline, RUNS } from './bench/runs.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COLLECTOR = join(ROOT, 'packages/collector');
const env = process.env;
const PRESENT = Math.round(envNumber('BENCH_PRESENT', 300));
const ARRIVALS = Math.round(envNumber('BENCH_ARRIVALS', 40));
const LOAD_CONNECTIONS = Math.round(envNumber('BENCH_LOAD_CONNECTIONS', 16));
const LOAD_ALONE_MS = 2000;
const FLOOD_MS = 2000;
const COUNT_TIMEOUT_MS = 30_000;

let child;
async function stopCollector() {
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const percentiles = (ms) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1) };
};
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function startCollector(databaseUrl) {
  child = spawn(process.execPath, [join(ROOT, 'scripts/bench/live-server.mjs')], {
    env: { ...env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'inherit'],
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

/** The `active` events of one SSE stream, on this process's clock; `until(n)` fails after 30 s without n. */
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
  stream.until = (count) => new Promise((done, fail) => {
    if (stream.count >= count) return done(performance.now());
    const timer = setTimeout(() => fail(new Error(`the live stream did not reach ${count} within ${COUNT_TIMEOUT_MS / 1000} s (it says ${stream.count})`)), COUNT_TIMEOUT_MS);
    stream.waiters.push({ count, done: (at) => (clearTimeout(timer), done(at)) });
  });
  stream.close = () => res.body.cancel().catch(() => {});
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

/** The present visitors pinging and viewing their page as fast as they are answered, until `stop()`. */
function presentLoad(url, writeKey, present) {
  let requests = 0;
  let loading = true;
  const loaders = Array.from({ length: LOAD_CONNECTIONS }, async (_, c) => {
    for (let n = 0; loading; n++) {
      const visitor = present[(c * 7919 + n) % present.length];
      const path = `/page-${Number(visitor.slice(8)) % 10}`;
      await post(url, writeKey, [visit(visitor, path, n % 2 ? 'ping' : 'page')]);
      requests++;
    }
  });
  return {
    requests: () => requests,
    async stop() {
      loading = false;
      await Promise.all(loaders);
    },
  };
}

async function main() {
  let stream;
  const database = await createBenchDatabase('live', { beforeDrop: stopCollector });
  const checks = createChecks();
  try {
    const url = await startCollector(database.url);
    // The app as `headcount apps create` makes it, through the built collector's own repository.
    const { createAppsRepository, openPostgres } = await import(pathToFileURL(join(COLLECTOR, 'dist/index.js')).href);
    const db = openPostgres({ connectionString: database.url });
    const { app: { writeKey } } = await createAppsRepository(db).create({ name: 'bench-live' });
    await db.close();

    const present = Array.from({ length: PRESENT }, (_, i) => `present-${i}`);
    for (let i = 0; i < present.length; i += 100) {
      await post(url, writeKey, present.slice(i, i + 100).map((visitor, j) => visit(visitor, `/page-${(i + j) % 10}`)));
    }
    stream = await follow(`${url}/v1/active/stream?writeKey=${writeKey}`);
    let expected = PRESENT;
    await stream.until(expected);
    console.log(`live stream of ${PRESENT} visitors present; ${RUNS} runs of ${ARRIVALS} arrivals quiet and ${ARRIVALS} under ${LOAD_CONNECTIONS} load clients, then ${RUNS} arrival floods`);

    const runs = [];
    for (let run = 1; run <= RUNS; run++) {
      // Quiet: arrivals one at a time, a little apart.
      const quiet = [];
      for (let i = 0; i < ARRIVALS; i++) {
        quiet.push(await arrive(url, writeKey, stream, ++expected));
        await sleep(20 + Math.random() * 60);
      }
      // Under load: the present visitors keep pinging and viewing their page; arrivals go on.
      const load = presentLoad(url, writeKey, present);
      await sleep(500);
      // The present visitors' load alone: nothing changes, so nothing is recounted (the 5 s resync aside).
      const idleBefore = await recountsOf(url);
      const idleRequests = load.requests();
      const idleStart = performance.now();
      await sleep(LOAD_ALONE_MS);
      const idleSeconds = (performance.now() - idleStart) / 1000;
      const idle = { requestsPerSecond: (load.requests() - idleRequests) / idleSeconds, recountsPerSecond: ((await recountsOf(url)) - idleBefore) / idleSeconds };
      const recountsBefore = await recountsOf(url);
      const loadStart = performance.now();
      const requestsBefore = load.requests();
      const loaded = [];
      for (let i = 0; i < ARRIVALS; i++) {
        loaded.push(await arrive(url, writeKey, stream, ++expected));
        await sleep(100 * Math.random());
      }
      const seconds = (performance.now() - loadStart) / 1000;
      const recounts = (await recountsOf(url)) - recountsBefore;
      const loadRequestsPerSecond = (load.requests() - requestsBefore) / seconds;
      await load.stop();
      const r = {
        quiet: percentiles(quiet), idle, loaded: percentiles(loaded),
        recountsPerSecond: recounts / seconds, loadRequestsPerSecond, arrivalsPerSecond: ARRIVALS / seconds,
      };
      runs.push(r);
      console.log(`run ${run}/${RUNS}: quiet ack -> SSE p50 ${r.quiet.p50.toFixed(1)} ms, p95 ${r.quiet.p95.toFixed(1)} ms, max ${r.quiet.max.toFixed(1)} ms; `
        + `load alone ${idle.requestsPerSecond.toFixed(0)} req/s -> ${idle.recountsPerSecond.toFixed(1)} recounts/s; `
        + `under load (${loadRequestsPerSecond.toFixed(0)} req/s, ${r.arrivalsPerSecond.toFixed(1)} arrivals/s) p50 ${r.loaded.p50.toFixed(1)} ms, p95 ${r.loaded.p95.toFixed(1)} ms, max ${r.loaded.max.toFixed(1)} ms, ${r.recountsPerSecond.toFixed(1)} recounts/s`);
    }

    // Arrivals floods: every request a new visitor; the pacing bounds the recounts.
    const floods = [];
    for (let run = 1; run <= RUNS; run++) {
      const floodBefore = await recountsOf(url);
      const floodStart = performance.now();
      let flooded = 0;
      await Promise.all(Array.from({ length: LOAD_CONNECTIONS }, async () => {
        while (performance.now() - floodStart < FLOOD_MS) {
          await post(url, writeKey, [visit(`flood-${++sequence}`, '/flood')]);
          flooded++;
        }
      }));
      const floodSeconds = (performance.now() - floodStart) / 1000;
      const floodRecounts = (await recountsOf(url)) - floodBefore;
      expected += flooded;
      await stream.until(expected);
      floods.push({ visitorsPerSecond: flooded / floodSeconds, recountsPerSecond: floodRecounts / floodSeconds });
      console.log(`flood ${run}/${RUNS}: ${(flooded / floodSeconds).toFixed(0)} new visitors/s -> ${(floodRecounts / floodSeconds).toFixed(1)} recounts/s (${expected} visitors active)`);
    }

    // Exact: the stream ends on the visitors sent, and GET /v1/active agrees.
    await sleep(200);
    const { activeUsers } = await (await fetch(`${url}/v1/active?writeKey=${writeKey}`)).json();
    checks.expect(stream.count === expected, `the live stream says ${stream.count} active visitors, ${expected} were sent`);
    checks.expect(activeUsers === expected, `GET /v1/active says ${activeUsers} active visitors, ${expected} were sent`);

    headline('live stream', [
      ['quiet: ack -> SSE p50', runs.map((r) => r.quiet.p50), { digits: 1, unit: ' ms' }],
      ['quiet: ack -> SSE p95', runs.map((r) => r.quiet.p95), { digits: 1, unit: ' ms' }],
      ['under load: ack -> SSE p50', runs.map((r) => r.loaded.p50), { digits: 1, unit: ' ms' }],
      ['under load: ack -> SSE p95', runs.map((r) => r.loaded.p95), { digits: 1, unit: ' ms' }],
      ['under load: recounts/s', runs.map((r) => r.recountsPerSecond), { digits: 1 }],
      ['under load: present visitors\' req/s', runs.map((r) => r.loadRequestsPerSecond)],
      ['present visitors\' load alone: recounts/s', runs.map((r) => r.idle.recountsPerSecond), { digits: 1 }],
      ['arrivals flood: new visitors/s', floods.map((f) => f.visitorsPerSecond)],
      ['arrivals flood: recounts/s', floods.map((f) => f.recountsPerSecond), { digits: 1 }],
    ]);
    checks.report(`every batch accepted, every count reached, the stream and GET /v1/active end on the ${expected} visitors sent`);
  } finally {
    stream?.close();
    await stopCollector();
    await database.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
