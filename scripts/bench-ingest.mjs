#!/usr/bin/env node
// `pnpm bench`: the collector's ingest throughput against the PostgreSQL on this machine, as medians of
// BENCH_RUNS runs with the noise across them.
//
// 1. a scratch database on BENCH_DATABASE_URL's server, migrated by the built collector, one app per measured run;
// 2. the BUILT collector (`packages/collector/dist/cli.js serve`) in a child process, so the load generator does
//    not share its event loop; its CPU (and PostgreSQL's) from /proc, its RSS sampled every 100 ms;
// 3. three scenarios, each warmed up once, then measured in BENCH_RUNS rounds (batch, worst case, single in turn,
//    a CHECKPOINT before each run, so a drift of the machine hits all three alike):
//      batch   POST /v1/batch, 100 realistic events per request over 10 visitor sessions (a few browsers' flushes);
//      worst   POST /v1/batch, 100 events over 100 sessions (a forwarder mixing 100 visitors in one request);
//      single  POST /v1/track, one event per request;
//    every event has a fresh messageId; every answer is checked;
// 4. after each round, the raw COPY of the rows that round's batch run stored, into an empty
//    `LIKE events INCLUDING ALL` table (same columns, identity and indexes), and of their dedupe keys into a
//    `LIKE event_ids` table: ingest ÷ COPY per round;
// 5. the exact check, per run: every acknowledged event stored exactly once (rows = acknowledged, no messageId
//    twice, one dedupe key per row), every request answered 2xx, nothing rejected, sessions counting every event.
//    Any failure makes the exit code 1;
// 6. storage after the load: heap and index bytes per stored event (every partition of `events`, and `event_ids`)
//    and per session, and the `context` column's share; then the same once the month is over, its indexes packed
//    by the collector's own maintenance (run at a clock a year ahead);
// 7. the scratch database is dropped, also on failure or Ctrl-C.
//
// Environment (all optional):
//   BENCH_DATABASE_URL      admin connection (default postgres://root@127.0.0.1:5432/test)
//   BENCH_RUNS              measured runs of each scenario (default 5)
//   BENCH_DURATION          seconds of each measured run (default 4); the warm-ups take 3 s each
//   BENCH_CONNECTIONS       concurrent connections (default 16)
//   BENCH_BATCH_SIZE        events per batch request (default 100); the worst case spreads them over as many sessions
//   BENCH_INGEST_SESSIONS   distinct visitor sessions the events come from (default 1000; not BENCH_SESSIONS, which
//                           sizes the stored history of bench-active and bench-dashboard in the same `pnpm bench`)
//   BENCH_SESSIONS_PER_BATCH sessions one batch's events belong to in the batch scenario (default 10; a browser's flush is 1)
//   BENCH_PROFILE=DIR       profile the collector: V8 CPU profile (--cpu-prof) and per-statement SQL timings
//                           written to DIR, summarized per scenario at the end (the collector then runs through
//                           scripts/bench/profile-server.mjs, which builds the same app from dist/index.js)
//   BENCH_KEEP_DB=1         keep the scratch database (its URL is printed)
//   BENCH_COLLECTOR_DIST    another build of the collector to measure (default packages/collector/dist)
//   BENCH_COLLECTOR_FLAGS   node flags for the collector process, e.g. "--max-semi-space-size=8" to try a heap setting
//   BENCH_COLLECTOR_MEMORY  run the collector as on a machine with this much memory, e.g. 1G: in a memory cgroup of
//                           that size (needs root and a cgroup memory controller), which Node reads at start to size
//                           V8's heap as it does on a small VPS or in a container with a memory limit (swap is not
//                           limited: a machine that has swap may swap rather than kill the collector)
//   BENCH_SCENARIOS         the scenarios to run, comma-separated (default batch,worst,single; batch is always run:
//                           the raw COPY compares with its rows), e.g. "batch" for a quicker A/B of the headline ratio
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus as machineCpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { cpuSecondsOf, startCpu } from './bench/cpu.mjs';
import { ADMIN_URL, createBenchDatabase, pg, withClient } from './bench/database.mjs';
import { createEventFactory } from './bench/events.mjs';
import { createMemoryLimit, heapLimitMb, parseBytes } from './bench/memoryLimit.mjs';
import { createChecks, envNumber, figure, fmt, headline, RUNS, spread, table } from './bench/runs.mjs';
import { plainNode, startCollectorProcess } from './chaos/lib/collectorProcess.mjs';
import { freePort } from './chaos/lib/freePort.mjs';
import { rssMb, watchRss } from './chaos/lib/loopbackTraffic.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COLLECTOR = join(ROOT, 'packages/collector');
// BENCH_COLLECTOR_DIST points at another build of the collector (an A/B experiment); default: the real one.
const DIST = resolve(process.env.BENCH_COLLECTOR_DIST || join(COLLECTOR, 'dist'));
const CLI = join(DIST, 'cli.js');
const { from: copyFrom, to: copyTo } = createRequire(import.meta.url)('pg-copy-streams');

const env = process.env;
const DURATION = envNumber('BENCH_DURATION', 4);
const CONNECTIONS = Math.round(envNumber('BENCH_CONNECTIONS', 16));
const BATCH_SIZE = Math.round(envNumber('BENCH_BATCH_SIZE', 100));
const SESSIONS = Math.round(envNumber('BENCH_INGEST_SESSIONS', 1000));
const SESSIONS_PER_BATCH = Math.round(envNumber('BENCH_SESSIONS_PER_BATCH', 10));
const WARMUP = 3;
const PROFILE_DIR = env.BENCH_PROFILE ? resolve(env.BENCH_PROFILE) : null;
const COLLECTOR_FLAGS = (env.BENCH_COLLECTOR_FLAGS ?? '').split(/\s+/).filter(Boolean);
const COLLECTOR_MEMORY = env.BENCH_COLLECTOR_MEMORY ? parseBytes(env.BENCH_COLLECTOR_MEMORY) : null;
const TARGET_EVENTS_PER_SECOND = 20_000;
// Issue 16: batched ingest at half the rate of a raw COPY of the same rows, every guarantee kept.
const TARGET_COPY_RATIO = 0.5;

const log = (line = '') => process.stdout.write(`${line}\n`);
const micros = () => Number(process.hrtime.bigint() / 1000n);

/** Columns of `events` the collector writes: every stored column but the identity, in the measured build's schema. */
async function eventColumns(client) {
  const { rows: [{ columns }] } = await client.query(
    `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS columns FROM pg_attribute
     WHERE attrelid = 'events'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'id' AND attgenerated = ''`);
  return columns;
}
/**
 * The dedupe keys of stored events as `SELECT`ed from events and the event_ids columns they are COPYed into: bytes
 * since migration 0020 (headcount_message_key), the messageId's text before it (a build measured with
 * BENCH_COLLECTOR_DIST may be older).
 */
async function keyColumns(client) {
  const { rows: [{ bytes }] } = await client.query(
    "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'event_ids'::regclass AND attname = 'message_key' AND NOT attisdropped) AS bytes");
  return bytes
    ? { select: 'app_id, headcount_message_key(message_id), received_at', into: 'app_id, message_key, received_at' }
    : { select: 'app_id, message_id, received_at', into: 'app_id, message_id, received_at' };
}

function basicAuth(writeKey) {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

/**
 * One autocannon run. Every request gets a fresh body from `makeBody`; every answer is parsed and
 * counted. With `amount` autocannon waits for every answer, so `accepted` is exact.
 * `seconds` runs from the start to the last answer: autocannon notices the end of an `amount` run only at its next
 * 1-second tick, so its own `duration` is whole seconds (a 3.2 s run read as 4.01 s, its rate 20% low).
 */
let running = null;
function load({ url, path, writeKey, makeBody, connections, duration, amount }) {
  const tally = { accepted: 0, duplicates: 0, rejected: 0, answers: 0, unparsable: 0, firstBad: null };
  const started = performance.now();
  let lastAnswerAt = started;
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
              lastAnswerAt = performance.now();
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
        else resolveLoad({ result, tally, seconds: (lastAnswerAt - started) / 1000 });
      },
    );
  });
}

/** The scenarios measured, each with its own event factory (its own visitors and messageIds). */
function scenarios() {
  const batch = createEventFactory({ sessions: SESSIONS, sessionsPerBatch: SESSIONS_PER_BATCH });
  const worst = createEventFactory({ sessions: SESSIONS, sessionsPerBatch: BATCH_SIZE });
  const single = createEventFactory({ sessions: SESSIONS });
  const wanted = new Set(['batch', ...(env.BENCH_SCENARIOS ?? 'batch,worst,single').split(',').map((k) => k.trim()).filter(Boolean)]);
  const all = [
    { key: 'batch', title: `/v1/batch, ${BATCH_SIZE} events over ${SESSIONS_PER_BATCH} sessions`, path: '/v1/batch', eventsPerRequest: BATCH_SIZE, makeBody: () => batch.batchBody(BATCH_SIZE) },
    { key: 'worst', title: `/v1/batch, ${BATCH_SIZE} events over ${BATCH_SIZE} sessions (worst case)`, path: '/v1/batch', eventsPerRequest: BATCH_SIZE, makeBody: () => worst.batchBody(BATCH_SIZE) },
    { key: 'single', title: '/v1/track, 1 event per request', path: '/v1/track', eventsPerRequest: 1, makeBody: () => single.trackBody() },
  ];
  const unknown = [...wanted].filter((key) => !all.some((s) => s.key === key));
  if (unknown.length > 0) throw new Error(`BENCH_SCENARIOS: no scenario ${unknown.join(', ')} (there are ${all.map((s) => s.key).join(', ')})`);
  return all.filter((s) => wanted.has(s.key));
}

/** The requests a run of `seconds` should send at `requestsPerSecond` (whole rounds of the connections). */
const amountFor = (requestsPerSecond, seconds) =>
  Math.max(CONNECTIONS * 4, Math.round((requestsPerSecond * seconds) / CONNECTIONS) * CONNECTIONS);

/** Every event an app holds, once: rows, distinct messageIds, dedupe keys, and the sessions' counts. */
async function stored(client, appId) {
  const { rows: [row] } = await client.query(
    `SELECT (SELECT count(*) FROM events WHERE app_id = $1)::bigint AS events,
       (SELECT count(DISTINCT message_id) FROM events WHERE app_id = $1)::bigint AS distinct_ids,
       CASE WHEN to_regclass('event_ids') IS NOT NULL THEN (SELECT count(*) FROM event_ids WHERE app_id = $1) END::bigint AS keys,
       (SELECT count(*) FROM sessions WHERE app_id = $1)::bigint AS sessions,
       (SELECT coalesce(sum(event_count), 0) FROM sessions WHERE app_id = $1)::bigint AS session_events`,
    [appId]);
  return {
    events: Number(row.events), distinctIds: Number(row.distinct_ids), keys: row.keys === null ? null : Number(row.keys),
    sessions: Number(row.sessions), sessionEvents: Number(row.session_events),
  };
}

/** The rows of `query` as COPY text, in memory, and how many. */
async function copyOut(client, query) {
  const chunks = [];
  await new Promise((resolveOut, reject) => {
    const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.once('end', resolveOut);
    stream.once('error', reject);
  });
  const data = Buffer.concat(chunks);
  let rows = 0;
  for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) rows++;
  return { data, rows };
}

/** Times `COPY table (columns) FROM STDIN` of `data` (one statement, its commit included). */
async function copyIn(client, table, columns, data) {
  const started = process.hrtime.bigint();
  await new Promise((resolveIn, reject) => {
    const stream = client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`));
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
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * The raw COPY rate of the rows an app stored: read out with COPY TO (text), held in memory, then timed as
 * `COPY events_copy FROM STDIN` into the emptied `LIKE events INCLUDING ALL` table (same columns, defaults,
 * identity and indexes; no FK, not partitioned), and their dedupe keys as `COPY event_ids_copy`.
 */
async function measureCopy(client, appId, backendCpuSeconds) {
  const app = client.escapeLiteral(appId);
  const EVENT_COLUMNS = await eventColumns(client);
  const events = await copyOut(client, `SELECT ${EVENT_COLUMNS} FROM events WHERE app_id = ${app} ORDER BY id`);
  const keyColumnsOf = await keyColumns(client);
  const keys = await copyOut(client, `SELECT ${keyColumnsOf.select} FROM events WHERE app_id = ${app} ORDER BY id`);
  await client.query('TRUNCATE events_copy, event_ids_copy');
  await client.query('CHECKPOINT');
  const cpu0 = backendCpuSeconds();
  const eventsSeconds = await copyIn(client, 'events_copy', EVENT_COLUMNS, events.data);
  const cpu1 = backendCpuSeconds();
  const keysSeconds = await copyIn(client, 'event_ids_copy', keyColumnsOf.into, keys.data);
  const cpu2 = backendCpuSeconds();
  const { rows: [check] } = await client.query('SELECT (SELECT count(*) FROM events_copy)::bigint AS e, (SELECT count(*) FROM event_ids_copy)::bigint AS k');
  if (Number(check.e) !== events.rows || Number(check.k) !== events.rows) throw new Error(`COPY stored ${check.e} rows and ${check.k} keys, expected ${events.rows}`);
  return {
    rows: events.rows,
    bytes: events.data.length,
    seconds: eventsSeconds,
    eventsPerSecond: events.rows / eventsSeconds,
    withKeysPerSecond: events.rows / (eventsSeconds + keysSeconds),
    backendCpuMicrosPerRow: cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) * 1e6) / events.rows,
    withKeysCpuMicrosPerRow: cpu0 === null || cpu2 === null ? null : ((cpu2 - cpu0) * 1e6) / events.rows,
  };
}

/** Heap (table with TOAST) and index bytes of every partition of `events`, of `event_ids` and of `sessions`. */
async function storage(client) {
  // The event's own context: the context column, and the page columns where the schema has them (migration 0015).
  const ownContext = (await eventColumns(client)).split(', ').filter((c) => c === 'context' || c.startsWith('page_'))
    .map((c) => `coalesce(pg_column_size(${c}), 0)`).join(' + ');
  const { rows: [s] } = await client.query(
    `WITH parts AS (SELECT inhrelid AS rel FROM pg_inherits WHERE inhparent = 'events'::regclass
                    UNION ALL SELECT 'events'::regclass WHERE NOT EXISTS (SELECT FROM pg_inherits WHERE inhparent = 'events'::regclass))
     SELECT (SELECT count(*) FROM parts)::int AS partitions,
       (SELECT sum(pg_table_size(rel)) FROM parts)::bigint AS events_heap,
       (SELECT sum(pg_relation_size(rel)) FROM parts)::bigint AS events_main,
       (SELECT sum(pg_indexes_size(rel)) FROM parts)::bigint AS events_indexes,
       (SELECT count(*) FROM pg_index WHERE indrelid = 'events'::regclass)::int AS events_index_count,
       coalesce(pg_table_size(to_regclass('event_ids')), 0)::bigint AS keys_heap,
       coalesce(pg_indexes_size(to_regclass('event_ids')), 0)::bigint AS keys_indexes,
       pg_table_size('sessions')::bigint AS sessions_heap,
       pg_indexes_size('sessions')::bigint AS sessions_indexes,
       (SELECT count(*) FROM pg_index WHERE indrelid = 'sessions'::regclass)::int AS sessions_index_count,
       (SELECT count(*) FROM sessions)::bigint AS sessions,
       (SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'sessions')::bigint AS sessions_dead`);
  const { rows: [e] } = await client.query(
    `SELECT count(*)::bigint AS events, avg(${ownContext})::float8 AS context, avg(pg_column_size(properties))::float8 AS properties,
       avg(pg_column_size(e.*))::float8 AS row FROM events e`);
  const n = (v) => Number(v ?? 0);
  return {
    partitions: s.partitions, events: n(e.events), sessions: n(s.sessions), sessionsDead: n(s.sessions_dead),
    eventsHeap: n(s.events_heap), eventsMain: n(s.events_main), eventsIndexes: n(s.events_indexes), eventsIndexCount: s.events_index_count,
    keysHeap: n(s.keys_heap), keysIndexes: n(s.keys_indexes),
    sessionsHeap: n(s.sessions_heap), sessionsIndexes: n(s.sessions_indexes), sessionsIndexCount: s.sessions_index_count,
    context: n(e.context), properties: n(e.properties), row: n(e.row),
  };
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
  const memoryLimit = COLLECTOR_MEMORY === null ? null : createMemoryLimit(COLLECTOR_MEMORY);
  const launch = memoryLimit?.command ?? plainNode;
  let collector = null;
  const stopCollector = async () => {
    running?.stop();
    const stopping = collector;
    collector = null;
    const stopped = await stopping?.kill('SIGTERM');
    memoryLimit?.remove();
    return stopped;
  };
  const database = await createBenchDatabase('ingest', { beforeDrop: stopCollector }).catch((err) => {
    memoryLimit?.remove();
    throw err;
  });
  const checks = createChecks();

  try {
    const { createAppsRepository, migrate, openPostgres, runMaintenance } = await import(pathToFileURL(join(DIST, 'index.js')).href);
    const scenarioList = scenarios();
    const db = openPostgres({ connectionString: database.url });
    const apps = {};
    try {
      await migrate(db);
      const repository = createAppsRepository(db);
      const create = async (name) => (await repository.create({ name })).app;
      apps.warmup = await create('bench-warmup');
      for (const s of scenarioList) apps[s.key] = await Promise.all(Array.from({ length: RUNS }, (_, i) => create(`bench-${s.key}-${i + 1}`)));
    } finally {
      await db.close();
    }
    const serverInfo = await withClient(database.url, async (c) => (await c.query(
      `SELECT current_setting('server_version') AS version, current_setting('shared_buffers') AS shared_buffers,
         current_setting('synchronous_commit') AS synchronous_commit, current_setting('fsync') AS fsync`)).rows[0]);

    const cpus = machineCpus();
    log(`Headcount ingest bench: PostgreSQL ${serverInfo.version} (shared_buffers ${serverInfo.shared_buffers}, synchronous_commit ${serverInfo.synchronous_commit}, fsync ${serverInfo.fsync}), node ${process.version}, ${cpus.length} CPU ${cpus[0]?.model ?? ''}`);
    if (env.BENCH_COLLECTOR_DIST) log(`collector build: ${DIST}`);
    if (COLLECTOR_FLAGS.length > 0) log(`collector flags: ${COLLECTOR_FLAGS.join(' ')}`);
    // Node sizes V8's heap from the machine's memory (or a cgroup's limit): the RSS figures depend on it.
    const memoryNote = COLLECTOR_MEMORY === null
      ? `this machine's ${fmt(totalmem() / 1048576 / 1024, 1)} GB`
      : `a ${fmt(COLLECTOR_MEMORY / 1048576)} MB memory cgroup (BENCH_COLLECTOR_MEMORY)`;
    log(`collector memory: ${memoryNote}; V8 heap limit ${fmt(heapLimitMb(launch, COLLECTOR_FLAGS))} MB`);
    log(`database ${database.name}; ${CONNECTIONS} connections; ${RUNS} runs of ~${DURATION} s per scenario, in rounds; events from ${SESSIONS} visitor sessions${PROFILE_DIR ? `; PROFILING into ${PROFILE_DIR}` : ''}`);

    collector = await startCollectorProcess({
      command: [
        ...COLLECTOR_FLAGS,
        ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, join(ROOT, 'scripts/bench/profile-server.mjs')] : [CLI, 'serve']),
      ],
      env: {
        DATABASE_URL: database.url,
        ...(PROFILE_DIR ? { BENCH_SQL_TIMINGS: join(PROFILE_DIR, 'sql-timings.json'), BENCH_COLLECTOR_DIST: DIST } : {}),
      },
      port: await freePort(),
      launch,
    });
    const collectorPid = collector.pid;
    const url = collector.url;
    // The bench database's backends, asked from another database so the asking connection is not one of them.
    const backendPids = () => withClient(ADMIN_URL, async (c) =>
      new Set((await c.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database.name])).rows.map((r) => r.pid)));
    const rssIdle = rssMb(collectorPid);

    // Warm-ups (JIT, caches, the pool) on a throw-away app; their rate sizes the first measured run.
    const rate = new Map();
    for (const s of scenarioList) {
      process.stdout.write(`${s.key}: warming up ${WARMUP} s... `);
      const warm = await load({ url, path: s.path, writeKey: apps.warmup.writeKey, makeBody: s.makeBody, connections: CONNECTIONS, duration: WARMUP });
      if (warm.result.non2xx > 0 || warm.result.errors > 0) {
        throw new Error(`${s.key} warm-up failed: ${warm.result.non2xx} non-2xx, ${warm.result.errors} errors; first: ${warm.tally.firstBad}`);
      }
      // The warm-up includes JIT and cold caches: aim a little above its rate.
      rate.set(s.key, (1.15 * warm.tally.answers) / warm.seconds);
      log(`${fmt(warm.tally.answers / warm.seconds)} req/s`);
    }
    const rssWarm = rssMb(collectorPid);

    const runs = [];
    const copies = [];
    const copyClient = new pg.Client({ connectionString: database.url });
    await copyClient.connect();
    try {
      await copyClient.query('CREATE TABLE events_copy (LIKE events INCLUDING ALL)');
      await copyClient.query('CREATE TABLE event_ids_copy (LIKE event_ids INCLUDING ALL)');
      const { rows: [{ pid: copyPid }] } = await copyClient.query('SELECT pg_backend_pid() AS pid');
      const copyCpu = () => cpuSecondsOf(copyPid);
      for (let round = 1; round <= RUNS; round++) {
        for (const s of scenarioList) {
          const app = apps[s.key][round - 1];
          const amount = amountFor(rate.get(s.key), DURATION);
          process.stdout.write(`round ${round}/${RUNS} ${s.key}: ${fmt(amount)} requests... `);
          await withClient(database.url, (c) => c.query('CHECKPOINT'));
          const rss = watchRss(collectorPid);
          const window = [micros()];
          const cpuMeter = startCpu(collectorPid);
          const { result, tally, seconds } = await load({ url, path: s.path, writeKey: app.writeKey, makeBody: s.makeBody, connections: CONNECTIONS, amount });
          window.push(micros());
          const cpu = cpuMeter.end(await backendPids());
          const rssPeak = rss.stop();
          rate.set(s.key, result.requests.total / seconds);
          const run = {
            scenario: s.key, round, app, window, cpu, rssPeak, seconds,
            requests: result.requests.total, expected: result.requests.total * s.eventsPerRequest,
            accepted: tally.accepted, eventsPerSecond: tally.accepted / seconds,
            p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max,
            non2xx: result.non2xx, errors: result.errors + result.timeouts + result.mismatches,
            duplicates: tally.duplicates, rejected: tally.rejected, unparsable: tally.unparsable, firstBad: tally.firstBad,
          };
          runs.push(run);
          log(`${fmt(seconds, 2)} s, ${fmt(run.eventsPerSecond)} events/s`);
        }
        process.stdout.write(`round ${round}/${RUNS} COPY of the batch run's rows: `);
        const copy = await measureCopy(copyClient, apps.batch[round - 1].id, copyCpu);
        copies.push({ round, ...copy });
        log(`${fmt(copy.rows)} rows (${fmt(copy.bytes / 1048576, 1)} MB of COPY text) in ${fmt(copy.seconds, 2)} s: ${fmt(copy.eventsPerSecond)} rows/s`);
      }
      await copyClient.query('DROP TABLE events_copy, event_ids_copy');
    } finally {
      await copyClient.end();
    }
    const stop = await stopCollector();
    if (stop && stop.code !== 0) log(`warning: the collector exited with ${stop.code ?? stop.signal} on SIGTERM`);

    // The exact check: every acknowledged event stored once, and nothing else.
    const sizes = await withClient(database.url, async (c) => {
      for (const run of runs) {
        const label = `${run.scenario} run ${run.round}`;
        run.stored = await stored(c, run.app.id);
        checks.expect(run.non2xx === 0 && run.errors === 0, `${label}: ${run.non2xx} non-2xx answers, ${run.errors} errors/timeouts (first: ${run.firstBad})`);
        checks.expect(run.duplicates === 0 && run.rejected === 0 && run.unparsable === 0,
          `${label}: ${run.duplicates} duplicates, ${run.rejected} rejected, ${run.unparsable} unparsable answers (first: ${run.firstBad})`);
        checks.expect(run.accepted === run.expected, `${label}: ${run.accepted} events acknowledged of ${run.expected} sent`);
        checks.expect(run.stored.events === run.accepted, `${label}: the events table holds ${run.stored.events} rows, ${run.accepted} were acknowledged (${run.stored.events < run.accepted ? 'LOST' : 'EXTRA'} ${Math.abs(run.stored.events - run.accepted)})`);
        checks.expect(run.stored.distinctIds === run.stored.events, `${label}: ${run.stored.events - run.stored.distinctIds} events stored twice (same messageId)`);
        checks.expect(run.stored.keys === null || run.stored.keys === run.stored.events, `${label}: ${run.stored.keys} dedupe keys in event_ids for ${run.stored.events} events`);
        checks.expect(run.stored.sessionEvents === run.stored.events, `${label}: sessions count ${run.stored.sessionEvents} events, the events table ${run.stored.events}`);
        run.exact = run.stored.events === run.accepted && run.stored.distinctIds === run.stored.events;
      }
      return storage(c);
    });
    // Once the month is over, maintenance packs its indexes (builds before it export no runMaintenance: not measured).
    let packed = null;
    if (typeof runMaintenance === 'function') {
      const db = openPostgres({ connectionString: database.url });
      try {
        const yearAhead = new Date(Date.now() + 366 * 86_400_000);
        for (let pass = 0; pass < 24 && (await runMaintenance(db, yearAhead)).compacted; pass++);
      } finally {
        await db.close();
      }
      packed = await withClient(database.url, storage);
    }

    // Every run.
    log();
    table([
      ['run', 'seconds', 'requests', 'events', 'events/s', 'p50 ms', 'p99 ms', 'collector µs/ev', 'pg µs/ev', 'RSS peak MB', 'other procs CPU', 'stored'],
      ...runs.map((r) => [
        `${r.scenario} ${r.round}`, fmt(r.seconds, 2), fmt(r.requests), fmt(r.accepted), fmt(r.eventsPerSecond), fmt(r.p50, 1), fmt(r.p99, 1),
        r.cpu ? fmt((r.cpu.collector * 1e6) / r.accepted) : '', r.cpu ? fmt((r.cpu.postgresBackends * 1e6) / r.accepted) : '', r.rssPeak,
        r.cpu ? `${fmt((100 * r.cpu.otherProcesses) / (r.cpu.wall * cpus.length))}%` : '', r.exact ? 'exact' : `${fmt(r.stored.events)} (!)`,
      ]),
    ]);

    // Per scenario: medians and noise.
    const of = (key) => runs.filter((r) => r.scenario === key);
    const perEvent = (r, part) => (r.cpu ? (r.cpu[part] * 1e6) / r.accepted : NaN);
    const ratios = (key) => of(key).map((r) => r.eventsPerSecond / copies[r.round - 1].eventsPerSecond);
    log();
    log(`per scenario, the median of ${RUNS} runs (min–max); ingest ÷ COPY pairs each run with its round's COPY:`);
    table([
      ['scenario', 'events/s', 'p50 ms', 'p99 ms', 'ingest ÷ COPY', 'collector µs/ev', 'pg µs/ev', 'RSS peak MB'],
      ...scenarioList.map((s) => {
        const list = of(s.key);
        const m = (values, digits = 0) => {
          const x = spread(values);
          return `${fmt(x.median, digits)} (${fmt(x.min, digits)}–${fmt(x.max, digits)})`;
        };
        return [s.title, m(list.map((r) => r.eventsPerSecond)), m(list.map((r) => r.p50), 1), m(list.map((r) => r.p99), 1), m(ratios(s.key), 3),
          m(list.map((r) => perEvent(r, 'collector'))), m(list.map((r) => perEvent(r, 'postgresBackends'))), m(list.map((r) => r.rssPeak))];
      }),
      ['raw COPY of the batch rows (events)', fmt(spread(copies.map((c) => c.eventsPerSecond)).median), '', '', '1', '',
        fmt(spread(copies.map((c) => c.backendCpuMicrosPerRow)).median), ''],
    ]);
    const batchRate = spread(of('batch').map((r) => r.eventsPerSecond)).median;
    const batchRatio = spread(ratios('batch')).median;
    log(`batched ingest ${fmt(batchRate)} events/s   target >= ${fmt(TARGET_EVENTS_PER_SECOND)}: ${batchRate >= TARGET_EVENTS_PER_SECOND ? 'met' : 'MISSED'}`);
    log(`batched ingest / raw COPY ${batchRatio.toFixed(3)}   target >= ${TARGET_COPY_RATIO}: ${batchRatio >= TARGET_COPY_RATIO ? 'met' : 'MISSED'}`);
    log(`raw COPY with the dedupe keys (events_copy, then event_ids_copy): ${figure(copies.map((c) => c.withKeysPerSecond), { unit: ' rows/s' })}`);
    if (copies.every((c) => c.withKeysCpuMicrosPerRow !== null) && of('batch').every((r) => r.cpu)) {
      // The same comparison on PostgreSQL's CPU alone: what the database spends per stored event, the HTTP side and the
      // load generator left out (they share this machine's CPUs with it during ingest, not during the raw COPY).
      const pgRatios = of('batch').map((r) => copies[r.round - 1].withKeysCpuMicrosPerRow / perEvent(r, 'postgresBackends'));
      log(`PostgreSQL CPU per event: raw COPY with its dedupe key ${fmt(spread(copies.map((c) => c.withKeysCpuMicrosPerRow)).median, 1)} µs, batched ingest ${fmt(spread(of('batch').map((r) => perEvent(r, 'postgresBackends'))).median, 1)} µs: COPY ÷ ingest ${figure(pgRatios, { digits: 3 })}`);
    }
    if (runs[0].cpu) {
      // What the same per-event CPU cost allows on this machine when nothing else runs on it.
      for (const s of scenarioList) {
        const ceiling = of(s.key).map((r) => {
          const c = r.cpu;
          const thread = r.accepted / c.collector;
          const machine = (cpus.length * r.accepted) / (c.collector + c.postgresBackends + c.postgresOther + c.loadGenerator + c.interrupts);
          return Math.min(thread, machine);
        });
        log(`${s.key}: ceiling on ${cpus.length} quiet CPUs at its CPU cost per event ~${figure(ceiling, { unit: ' events/s' })}`);
        const parts = ['collector', 'postgresBackends', 'postgresOther', 'loadGenerator', 'interrupts'];
        log(`${s.key}: CPU µs per event, medians: ${parts.map((part) => `${part} ${fmt(spread(of(s.key).map((r) => perEvent(r, part))).median, 1)}`).join(', ')}`);
      }
      const noise = runs.map((r) => r.cpu.otherProcesses / (r.cpu.wall * cpus.length));
      if (spread(noise).median > 0.15) {
        log(`warning: other processes used ${fmt(100 * spread(noise).median)}% of the CPUs during the median run (up to ${fmt(100 * spread(noise).max)}%): the figures are lower than on a quiet machine`);
      }
    }

    // Storage after the load.
    const perRow = (bytes, rows) => fmt(bytes / Math.max(1, rows));
    // Heap and index bytes of `events` and `event_ids` per stored event, from a `storage` measure.
    const perStoredEvent = (m) => perRow(m.eventsHeap + m.keysHeap + m.eventsIndexes + m.keysIndexes, m.events);
    log();
    log(`storage after the load: ${fmt(sizes.events)} events in ${sizes.partitions} partitions of events (${sizes.eventsIndexCount} indexes), ${fmt(sizes.sessions)} sessions (${sizes.sessionsIndexCount} indexes, ${fmt(sizes.sessionsDead)} dead row versions not yet vacuumed)`);
    table([
      ['relation', 'heap B (with TOAST)', 'indexes B', 'total B', 'per'],
      ['events (every partition)', perRow(sizes.eventsHeap, sizes.events), perRow(sizes.eventsIndexes, sizes.events), perRow(sizes.eventsHeap + sizes.eventsIndexes, sizes.events), 'stored event'],
      ['event_ids (dedupe keys)', perRow(sizes.keysHeap, sizes.events), perRow(sizes.keysIndexes, sizes.events), perRow(sizes.keysHeap + sizes.keysIndexes, sizes.events), 'stored event'],
      ['events + event_ids', perRow(sizes.eventsHeap + sizes.keysHeap, sizes.events), perRow(sizes.eventsIndexes + sizes.keysIndexes, sizes.events),
        perStoredEvent(sizes), 'stored event'],
      ['sessions', perRow(sizes.sessionsHeap, sizes.sessions), perRow(sizes.sessionsIndexes, sizes.sessions), perRow(sizes.sessionsHeap + sizes.sessionsIndexes, sizes.sessions), 'session'],
    ]);
    if (packed) {
      log(`once the month is over and maintenance packed its indexes: events indexes ${perRow(packed.eventsIndexes, packed.events)} B per stored event (from ${perRow(sizes.eventsIndexes, sizes.events)}), ` +
        `${perStoredEvent(packed)} B per stored event in all`);
    }
    log(`own context (context and page columns): avg ${fmt(sizes.context)} B per event (pg_column_size) = ${fmt((100 * sizes.context * sizes.events) / sizes.eventsHeap)}% of the events heap; properties ${fmt(sizes.properties)} B; whole row ${fmt(sizes.row)} B`);

    if (PROFILE_DIR) {
      const { summarizeProfileDir } = await import('./bench/profile-summary.mjs');
      log();
      summarizeProfileDir(PROFILE_DIR, log, scenarioList.map((s) => ({
        title: `${s.title}, ${RUNS} runs`, windows: of(s.key).map((r) => r.window), events: of(s.key).reduce((n, r) => n + r.accepted, 0),
      })));
    }

    const copyRates = copies.map((c) => c.eventsPerSecond);
    const figures = [];
    for (const s of scenarioList) figures.push([`${s.key}: events/s`, of(s.key).map((r) => r.eventsPerSecond)]);
    figures.push(['raw COPY of the batch rows: rows/s', copyRates]);
    for (const s of scenarioList) figures.push([`${s.key}: ingest ÷ COPY`, ratios(s.key), { digits: 3 }]);
    for (const s of scenarioList) figures.push([`${s.key}: p99 latency`, of(s.key).map((r) => r.p99), { unit: ' ms' }]);
    if (runs[0].cpu) {
      for (const s of scenarioList) figures.push([`${s.key}: collector CPU per event`, of(s.key).map((r) => perEvent(r, 'collector')), { unit: ' µs' }]);
      for (const s of scenarioList) figures.push([`${s.key}: PostgreSQL CPU per event`, of(s.key).map((r) => perEvent(r, 'postgresBackends')), { unit: ' µs' }]);
      figures.push(['other processes\' share of the CPUs', runs.map((r) => (100 * r.cpu.otherProcesses) / (r.cpu.wall * cpus.length)), { unit: '%' }]);
    }
    figures.push(['collector RSS peak per run', runs.map((r) => r.rssPeak), { unit: ' MB' }]);
    headline('ingest', figures);
    log(`  collector RSS: ${rssIdle} MB idle, ${rssWarm} MB after the warm-ups, max ${Math.max(...runs.map((r) => r.rssPeak))} MB under sustained load, on ${memoryNote}`);
    log(`  storage: ${perStoredEvent(sizes)} B per stored event (heap ${perRow(sizes.eventsHeap + sizes.keysHeap, sizes.events)} + indexes ${perRow(sizes.eventsIndexes + sizes.keysIndexes, sizes.events)}, event_ids included; context ${fmt(sizes.context)} B${packed ? `; ${perStoredEvent(packed)} once its month is packed` : ''}), ${perRow(sizes.sessionsHeap + sizes.sessionsIndexes, sizes.sessions)} B per session (heap ${perRow(sizes.sessionsHeap, sizes.sessions)} + indexes ${perRow(sizes.sessionsIndexes, sizes.sessions)})`);
    log();
    const total = runs.reduce((n, r) => n + r.accepted, 0);
    checks.report(`${runs.length} runs, every request answered 2xx, nothing rejected or duplicated, ${fmt(total)} acknowledged events each stored exactly once`);
    log(`total ${fmt((Date.now() - startedAt) / 1000, 1)} s`);
  } catch (err) {
    if (collector) log(`collector output:\n${collector.output()}`);
    throw err;
  } finally {
    await stopCollector().catch(() => {});
    await database.drop();
  }
}

main().catch((err) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
