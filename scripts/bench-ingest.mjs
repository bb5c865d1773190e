#!/usr/bin/env node
// `pnpm bench`: the collector's ingest throughput against the PostgreSQL on this machine.
//
// 1. a scratch database on BENCH_DATABASE_URL's server, migrated, with apps created by the built CLI;
// 2. the BUILT collector (`packages/collector/dist/cli.js serve`) in a child process, so the load
//    generator does not share its event loop;
// 3. autocannon: POST /v1/batch (100 realistic events per request) and POST /v1/track (one event),
//    every event with a fresh messageId; each answer is checked and the events table must then hold
//    exactly the number of events acknowledged;
// 4. the raw COPY rate of the same rows into an equivalent table (`LIKE events INCLUDING ALL`), and the
//    ratio batched-ingest events/s ÷ COPY events/s;
// 5. the scratch database is dropped, also on failure or Ctrl-C.
//
// Environment (all optional):
//   BENCH_DATABASE_URL      admin connection (default postgres://root@127.0.0.1:5432/test)
//   BENCH_DURATION          seconds of the measured batch run (default 15); the single-event run is 2/3 of it
//   BENCH_CONNECTIONS       concurrent connections (default 16)
//   BENCH_BATCH_SIZE        events per batch request (default 100)
//   BENCH_SESSIONS          distinct visitor sessions (default 1000)
//   BENCH_SESSIONS_PER_BATCH sessions one batch's events belong to (default 10; a browser's flush is 1,
//                           100 is the worst case of a forwarder mixing 100 visitors in 100 events)
//   BENCH_PROFILE=DIR       profile the collector: V8 CPU profile (--cpu-prof) and per-statement SQL timings
//                           written to DIR, summarized at the end (the collector then runs through
//                           scripts/bench/profile-server.mjs, which builds the same app from dist/index.js)
//   BENCH_KEEP_DB=1         keep the scratch database (its URL is printed); scripts/bench/sql-breakdown.mjs
//                           then times the write's statements and alternatives on it
//   BENCH_COLLECTOR_DIST    another build of the collector to measure (default packages/collector/dist)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startCpu } from './bench/cpu.mjs';
import { createEventFactory } from './bench/events.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COLLECTOR = join(ROOT, 'packages/collector');
// BENCH_COLLECTOR_DIST points at another build of the collector (an A/B experiment); default: the real one.
const DIST = resolve(process.env.BENCH_COLLECTOR_DIST || join(COLLECTOR, 'dist'));
const CLI = join(DIST, 'cli.js');
// `pg` is the collector's own dependency: use the very same driver.
const pg = createRequire(join(COLLECTOR, 'package.json'))('pg');
const { from: copyFrom, to: copyTo } = createRequire(import.meta.url)('pg-copy-streams');

const env = process.env;
const num = (name, fallback) => {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got "${v}")`);
  return n;
};
const ADMIN_URL = env.BENCH_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';
const DURATION = num('BENCH_DURATION', 15);
const SINGLE_DURATION = Math.max(3, Math.round((DURATION * 2) / 3));
const CONNECTIONS = Math.round(num('BENCH_CONNECTIONS', 16));
const BATCH_SIZE = Math.round(num('BENCH_BATCH_SIZE', 100));
const SESSIONS = Math.round(num('BENCH_SESSIONS', 1000));
const SESSIONS_PER_BATCH = Math.round(num('BENCH_SESSIONS_PER_BATCH', 10));
const WARMUP = 3;
const PROFILE_DIR = env.BENCH_PROFILE ? resolve(env.BENCH_PROFILE) : null;
const TARGET_EVENTS_PER_SECOND = 20_000;
const TARGET_COPY_RATIO = 0.3;

const log = (line = '') => process.stdout.write(`${line}\n`);
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Columns of `events` the collector writes (everything but the identity). */
const EVENT_COLUMNS = `app_id, message_id, type, event, name, anonymous_id, user_id, previous_id, group_id,
  session_id, "timestamp", original_timestamp, sent_at, received_at, properties, traits, context`;

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Runs the built CLI to completion; resolves to its stdout. */
function runCli(args, childEnv) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolveRun(out) : reject(new Error(`headcount ${args.join(' ')} exited ${code}: ${err || out}`))));
  });
}

/** The collector in a child process; `stop()` sends SIGTERM (graceful shutdown) and waits for the exit. */
async function startCollector(databaseUrl) {
  const port = await freePort();
  const childEnv = { ...env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', HEADCOUNT_RATE_LIMIT: '0', LOG_LEVEL: 'warn' };
  delete childEnv.SENTRY_DSN;
  let args = [CLI, 'serve'];
  if (PROFILE_DIR) {
    childEnv.BENCH_SQL_TIMINGS = join(PROFILE_DIR, 'sql-timings.json');
    childEnv.BENCH_COLLECTOR_DIST = DIST;
    args = ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, join(ROOT, 'scripts/bench/profile-server.mjs')];
  }
  const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d) => {
    output = (output + d).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  const exit = new Promise((resolveExit) => child.once('exit', (code, signal) => {
    exited = true;
    resolveExit({ code, signal });
  }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`the collector exited during start-up:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the collector did not answer /healthz within 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid,
    output: () => output,
    async stop() {
      if (exited) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const result = await exit;
      clearTimeout(timer);
      return result;
    },
  };
}

function basicAuth(writeKey) {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

/**
 * One autocannon run. Every request gets a fresh body from `makeBody`; every answer is parsed and
 * counted. With `amount` autocannon waits for every answer, so `accepted` is exact.
 */
let running = null;
function load({ url, path, writeKey, makeBody, connections, duration, amount }) {
  const tally = { accepted: 0, duplicates: 0, rejected: 0, answers: 0, unparsable: 0, firstBad: null };
  return new Promise((resolveLoad, reject) => {
    running = autocannon(
      {
        url: `${url}${path}`,
        connections,
        pipelining: 1,
        timeout: 30,
        ...(amount ? { amount } : { duration }),
        headers: { 'content-type': 'application/json', authorization: basicAuth(writeKey) },
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => ({ ...req, body: makeBody() }),
            onResponse: (status, body) => {
              tally.answers++;
              if (status < 200 || status > 299) {
                tally.firstBad ??= `${status} ${String(body).slice(0, 300)}`;
                return;
              }
              try {
                const answer = JSON.parse(body);
                tally.accepted += answer.accepted;
                tally.duplicates += answer.duplicates;
                tally.rejected += answer.rejected.length;
                if (answer.rejected.length > 0) tally.firstBad ??= `rejected: ${JSON.stringify(answer.rejected[0])}`;
              } catch {
                tally.unparsable++;
              }
            },
          },
        ],
      },
      (err, result) => {
        running = null;
        if (err) reject(err);
        else resolveLoad({ result, tally });
      },
    );
  });
}

/**
 * Warm-up (JIT, caches, pool) on a throw-away app, then a measured run sized from the warm-up's rate
 * to last about `duration` seconds, on its own app so its rows can be counted exactly.
 */
async function measure({ label, url, path, warmupKey, writeKey, makeBody, eventsPerRequest, duration, collectorPid, backendPids }) {
  process.stdout.write(`${label}: warming up ${WARMUP} s... `);
  const warm = await load({ url, path, writeKey: warmupKey, makeBody, connections: CONNECTIONS, duration: WARMUP });
  if (warm.result.non2xx > 0 || warm.result.errors > 0) {
    throw new Error(`${label} warm-up failed: ${warm.result.non2xx} non-2xx, ${warm.result.errors} errors; first: ${warm.tally.firstBad}`);
  }
  const warmRate = warm.tally.answers / warm.result.duration;
  // The warm-up includes JIT and cold caches: aim a little above its rate.
  const amount = Math.max(CONNECTIONS * 4, Math.round((warmRate * 1.15 * duration) / CONNECTIONS) * CONNECTIONS);
  process.stdout.write(`${fmt(warmRate)} req/s; measuring ${fmt(amount)} requests (~${duration} s)... `);
  const window = [Number(process.hrtime.bigint() / 1000n)];
  const cpuMeter = startCpu(collectorPid);
  const { result, tally } = await load({ url, path, writeKey, makeBody, connections: CONNECTIONS, amount });
  window.push(Number(process.hrtime.bigint() / 1000n));
  const cpu = cpuMeter.end(await backendPids());
  log(`${result.duration} s`);
  const seconds = result.duration;
  return {
    label,
    path,
    window,
    cpu,
    connections: CONNECTIONS,
    eventsPerRequest,
    seconds,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / seconds,
    accepted: tally.accepted,
    eventsPerSecond: tally.accepted / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts + result.mismatches,
    duplicates: tally.duplicates,
    rejected: tally.rejected,
    unparsable: tally.unparsable,
    firstBad: tally.firstBad,
    expected: result.requests.total * eventsPerRequest,
  };
}

/** Rows and session totals stored for an app. */
async function stored(client, appId) {
  const { rows: [events] } = await client.query('SELECT count(*)::bigint AS n FROM events WHERE app_id = $1', [appId]);
  const { rows: [sessions] } = await client.query(
    'SELECT count(*)::bigint AS n, coalesce(sum(event_count), 0)::bigint AS events FROM sessions WHERE app_id = $1', [appId]);
  return { events: Number(events.n), sessions: Number(sessions.n), sessionEvents: Number(sessions.events) };
}

/** CPU seconds a process has used so far (Linux), or null. */
function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * The raw COPY rate of the rows the batch run stored: they are read out with COPY TO (text format),
 * held in memory, then timed as `COPY events_copy FROM STDIN` (one statement, commit included) into an
 * empty `LIKE events INCLUDING ALL` table (same columns, defaults, identity and indexes; no FK).
 * Done `COPY_RUNS` times (TRUNCATE in between) because a shared machine is noisy; the fastest counts.
 */
const COPY_RUNS = 2;
async function measureCopy(databaseUrl, appId) {
  return withClient(databaseUrl, async (client) => {
    await client.query('CREATE TABLE events_copy (LIKE events INCLUDING ALL)');
    const { rows: [{ pid }] } = await client.query('SELECT pg_backend_pid() AS pid');
    const chunks = [];
    await new Promise((resolveOut, reject) => {
      const stream = client.query(copyTo(`COPY (SELECT ${EVENT_COLUMNS} FROM events WHERE app_id = ${client.escapeLiteral(appId)} ORDER BY id) TO STDOUT`));
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.once('end', resolveOut);
      stream.once('error', reject);
    });
    const data = Buffer.concat(chunks);
    chunks.length = 0;
    let rows = 0;
    for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) rows++;
    const runs = [];
    for (let run = 0; run < COPY_RUNS; run++) {
      if (run > 0) await client.query('TRUNCATE events_copy');
      await client.query('CHECKPOINT');
      const cpu0 = cpuSecondsOf(pid);
      const started = process.hrtime.bigint();
      await new Promise((resolveIn, reject) => {
        const stream = client.query(copyFrom(`COPY events_copy (${EVENT_COLUMNS}) FROM STDIN`));
        stream.once('finish', resolveIn);
        stream.once('error', reject);
        const CHUNK = 1 << 20;
        let offset = 0;
        const pump = () => {
          while (offset < data.length) {
            const end = Math.min(data.length, offset + CHUNK);
            const more = stream.write(data.subarray(offset, end));
            offset = end;
            if (!more) {
              stream.once('drain', pump);
              return;
            }
          }
          stream.end();
        };
        pump();
      });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cpu1 = cpuSecondsOf(pid);
      const { rows: [check] } = await client.query('SELECT count(*)::bigint AS n FROM events_copy');
      if (Number(check.n) !== rows) throw new Error(`COPY stored ${check.n} rows, expected ${rows}`);
      runs.push({ seconds, eventsPerSecond: rows / seconds, backendCpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 });
    }
    const best = runs.reduce((a, b) => (b.eventsPerSecond > a.eventsPerSecond ? b : a));
    return { rows, bytes: data.length, runs, ...best };
  });
}

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
  log(line(rows[0]));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) log(line(r));
}

async function main() {
  if (!existsSync(CLI)) {
    throw new Error('packages/collector/dist/cli.js is missing: run `pnpm build` first (the bench measures the built collector)');
  }
  const newestSource = (dir) => readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((max, e) => Math.max(max, statSync(join(e.parentPath ?? e.path, e.name)).mtimeMs), 0);
  if (!env.BENCH_COLLECTOR_DIST && newestSource(join(COLLECTOR, 'src')) > statSync(CLI).mtimeMs) {
    log('warning: packages/collector/src is newer than dist/: run `pnpm build` to measure the current code');
  }
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });

  const startedAt = Date.now();
  const name = `headcount_bench_${randomBytes(5).toString('hex')}`;
  const databaseUrl = withDatabase(ADMIN_URL, name);
  let created = false;
  let collector = null;
  let interrupted = false;

  const cleanup = async () => {
    running?.stop();
    if (collector) await collector.stop().catch(() => {});
    collector = null;
    if (created && !env.BENCH_KEEP_DB) {
      await withClient(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      created = false;
    }
  };
  const onSignal = (signal) => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${signal}: cleaning up`);
    cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    await withClient(ADMIN_URL, (c) => c.query(`CREATE DATABASE ${name}`));
    created = true;
    const serverInfo = await withClient(databaseUrl, async (c) => {
      const { rows } = await c.query(`SELECT current_setting('server_version') AS version, current_setting('shared_buffers') AS shared_buffers,
        current_setting('synchronous_commit') AS synchronous_commit, current_setting('fsync') AS fsync`);
      return rows[0];
    });
    const cliEnv = { ...env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
    // The first call migrates the scratch database.
    const apps = {};
    for (const appName of ['bench-warmup', 'bench-batch', 'bench-track']) {
      apps[appName] = JSON.parse((await runCli(['apps', 'create', appName, '--json'], cliEnv)).trim().split('\n').pop());
    }

    const cpus = (await import('node:os')).cpus();
    log(`Headcount ingest bench: PostgreSQL ${serverInfo.version} (shared_buffers ${serverInfo.shared_buffers}, synchronous_commit ${serverInfo.synchronous_commit}, fsync ${serverInfo.fsync}), node ${process.version}, ${cpus.length} CPU ${cpus[0]?.model ?? ''}`);
    if (env.BENCH_COLLECTOR_DIST) log(`collector build: ${DIST}`);
    log(`database ${name}; ${CONNECTIONS} connections; ${BATCH_SIZE} events per batch over ${SESSIONS_PER_BATCH} sessions; ${SESSIONS} sessions${PROFILE_DIR ? `; PROFILING into ${PROFILE_DIR}` : ''}`);

    collector = await startCollector(databaseUrl);
    const events = createEventFactory({ sessions: SESSIONS, sessionsPerBatch: SESSIONS_PER_BATCH });
    const collectorPid = collector.pid;
    const backendPids = () => withClient(ADMIN_URL, async (c) => {
      const { rows } = await c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name]);
      return new Set(rows.map((r) => r.pid));
    });
    const batch = await measure({
      label: 'batch', url: collector.url, path: '/v1/batch', warmupKey: apps['bench-warmup'].writeKey, writeKey: apps['bench-batch'].writeKey,
      makeBody: () => events.batchBody(BATCH_SIZE), eventsPerRequest: BATCH_SIZE, duration: DURATION, collectorPid, backendPids,
    });
    const single = await measure({
      label: 'single', url: collector.url, path: '/v1/track', warmupKey: apps['bench-warmup'].writeKey, writeKey: apps['bench-track'].writeKey,
      makeBody: () => events.trackBody(), eventsPerRequest: 1, duration: SINGLE_DURATION, collectorPid, backendPids,
    });
    const stop = await collector.stop();
    collector = null;
    if (stop.code !== 0) log(`warning: the collector exited with ${stop.code ?? stop.signal} on SIGTERM`);

    // Acknowledged must equal stored, exactly, and the session counters must add up.
    const problems = [];
    await withClient(databaseUrl, async (c) => {
      for (const [run, app] of [[batch, apps['bench-batch']], [single, apps['bench-track']]]) {
        run.stored = await stored(c, app.id);
        if (run.non2xx > 0 || run.errors > 0) problems.push(`${run.label}: ${run.non2xx} non-2xx answers, ${run.errors} errors/timeouts (first: ${run.firstBad})`);
        if (run.duplicates > 0 || run.rejected > 0 || run.unparsable > 0) problems.push(`${run.label}: ${run.duplicates} duplicates, ${run.rejected} rejected, ${run.unparsable} unparsable answers (first: ${run.firstBad})`);
        if (run.accepted !== run.expected) problems.push(`${run.label}: ${run.accepted} events acknowledged of ${run.expected} sent`);
        if (run.stored.events !== run.accepted) problems.push(`${run.label}: the events table holds ${run.stored.events} rows, ${run.accepted} were acknowledged`);
        if (run.stored.sessionEvents !== run.stored.events) problems.push(`${run.label}: sessions count ${run.stored.sessionEvents} events, the events table ${run.stored.events}`);
      }
    });

    process.stdout.write('copy: ');
    const copy = await measureCopy(databaseUrl, apps['bench-batch'].id);
    log(`${fmt(copy.rows)} rows (${fmt(copy.bytes / 1048576, 1)} MB of COPY text): ${copy.runs.map((r) => `${fmt(r.seconds, 2)} s`).join(', ')}; the fastest counts`);
    const ratio = batch.eventsPerSecond / copy.eventsPerSecond;

    log();
    table([
      ['run', 'conns', 'seconds', 'requests', 'req/s', 'events', 'events/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'stored'],
      ...[batch, single].map((r) => [
        `${r.path} (${r.eventsPerRequest} ev/req)`, r.connections, fmt(r.seconds, 2), fmt(r.requests), fmt(r.requestsPerSecond),
        fmt(r.accepted), fmt(r.eventsPerSecond), fmt(r.p50, 1), fmt(r.p99, 1), fmt(r.max, 0), r.non2xx,
        r.stored.events === r.accepted ? 'exact' : `${fmt(r.stored.events)} (!)`,
      ]),
      ['COPY events_copy FROM STDIN', 1, fmt(copy.seconds, 2), 1, '', fmt(copy.rows), fmt(copy.eventsPerSecond), '', '', '', '', 'exact'],
    ]);
    log();
    log(`sessions: batch run ${fmt(batch.stored.sessions)} (${fmt(batch.stored.sessionEvents)} events counted), single run ${fmt(single.stored.sessions)}`);
    const okRate = batch.eventsPerSecond >= TARGET_EVENTS_PER_SECOND;
    const okRatio = ratio >= TARGET_COPY_RATIO;
    log(`batched ingest ${fmt(batch.eventsPerSecond)} events/s   target >= ${fmt(TARGET_EVENTS_PER_SECOND)}: ${okRate ? 'met' : 'MISSED'}`);
    log(`batched ingest / raw COPY = ${fmt(batch.eventsPerSecond)} / ${fmt(copy.eventsPerSecond)} = ${ratio.toFixed(3)}   target >= ${TARGET_COPY_RATIO}: ${okRatio ? 'met' : 'MISSED'}`);
    log(`single-event ingest ${fmt(single.eventsPerSecond)} events/s (${fmt(single.eventsPerSecond / copy.eventsPerSecond, 3)} of COPY)`);

    if (batch.cpu && single.cpu) {
      log();
      log(`CPU seconds per measured run (this machine has ${cpus.length} CPUs; steal = time the hypervisor gave to others):`);
      const cpuRow = (r) => {
        const c = r.cpu;
        const perK = (v) => fmt((v * 1e6) / r.accepted, 0);
        return [
          r.path, fmt(c.wall, 1), `${fmt(c.collector, 1)} (${perK(c.collector)})`, `${fmt(c.postgresBackends, 1)} (${perK(c.postgresBackends)})`,
          fmt(c.postgresOther, 1), fmt(c.loadGenerator, 1), fmt(c.interrupts, 1), fmt(c.otherProcesses, 1), `${fmt(c.machineBusy * 100)}%`, `${fmt(c.machineSteal * 100)}%`, `${fmt(c.machineIowait * 100)}%`,
        ];
      };
      table([
        ['run', 'wall s', 'collector s (µs/ev)', 'pg backends s (µs/ev)', 'pg other s', 'loadgen s', 'irq s', 'other procs s', 'machine busy', 'steal', 'iowait'],
        cpuRow(batch),
        cpuRow(single),
      ]);
      // What the same per-event CPU cost allows on this machine when nothing else runs on it.
      for (const r of [batch, single]) {
        const c = r.cpu;
        const perEvent = (v) => (v * 1e6) / r.accepted;
        const thread = 1e6 / perEvent(c.collector);
        const machineCap = (cpus.length * 1e6) / perEvent(c.collector + c.postgresBackends + c.postgresOther + c.loadGenerator + c.interrupts);
        log(`${r.path}: ${fmt(perEvent(c.collector + c.postgresBackends), 0)} µs of CPU per event -> ceiling on ${cpus.length} quiet CPUs ~${fmt(Math.min(thread, machineCap))} events/s (collector thread alone: ${fmt(thread)}/s)`);
      }
      if (copy.backendCpu !== null) {
        log(`COPY: its backend used ${fmt(copy.backendCpu, 1)} CPU s (${fmt((copy.backendCpu * 1e6) / copy.rows, 0)} µs/row) in ${fmt(copy.seconds, 1)} s`);
      }
      const noisy = [batch, single].some((r) => r.cpu.otherProcesses + r.cpu.postgresOther > 0.15 * r.cpu.wall * cpus.length);
      if (noisy) log('warning: other processes used a sizeable share of the CPUs during the run; the figures are lower than on a quiet machine');
    }

    if (PROFILE_DIR) {
      const { summarizeProfileDir } = await import('./bench/profile-summary.mjs');
      log();
      summarizeProfileDir(PROFILE_DIR, log, [batch, single].map((r) => ({ title: `${r.path} run`, window: r.window, events: r.accepted })));
    }

    log();
    if (problems.length > 0) {
      for (const p of problems) log(`FAILED: ${p}`);
      process.exitCode = 1;
    } else {
      log('verified: every request answered 2xx, nothing rejected or duplicated, stored rows = acknowledged events');
    }
    log(`total ${fmt((Date.now() - startedAt) / 1000, 1)} s${env.BENCH_KEEP_DB ? `; kept ${databaseUrl}` : ''}`);
  } catch (err) {
    if (collector) log(`collector output:\n${collector.output()}`);
    throw err;
  } finally {
    await cleanup();
  }
}

main().catch((err) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
