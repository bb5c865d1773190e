// Where PostgreSQL's time goes in the collector's write, statement by statement, on a database that
// `BENCH_KEEP_DB=1 pnpm bench` left behind:
//   node scripts/bench/sql-breakdown.mjs postgres://root@127.0.0.1:5432/headcount_bench_xxxx [rows]
// It takes `rows` stored events, rebuilds the JSON payload the collector sends, and times variants of
// the events insert against COPY, each in a transaction that is rolled back (so every variant sees the
// same table), then reports how many session updates were HOT. Reported: wall ms, backend CPU ms, µs per row.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pg = createRequire(join(ROOT, 'packages/collector/package.json'))('pg');
const { from: copyFrom } = createRequire(import.meta.url)('pg-copy-streams');

const url = process.argv[2];
const ROWS = Number(process.argv[3] ?? 2000);
const REPEAT = 3;
if (!url) {
  console.error('usage: node scripts/bench/sql-breakdown.mjs DATABASE_URL [rows]');
  process.exit(2);
}

const COLS = `app_id text, message_id text, type text, event text, name text, anonymous_id text, user_id text,
  previous_id text, group_id text, session_id text, "timestamp" timestamptz, original_timestamp timestamptz,
  sent_at timestamptz, received_at timestamptz, properties jsonb, traits jsonb, context jsonb`;
const NAMES = `app_id, message_id, type, event, name, anonymous_id, user_id, previous_id, group_id,
  session_id, "timestamp", original_timestamp, sent_at, received_at, properties, traits, context`;
const client = new pg.Client({ connectionString: url });
await client.connect();
const { rows: [{ pid }] } = await client.query('SELECT pg_backend_pid() AS pid');
const cpu = () => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // ms
};

// The collector's payload: one JSON array of objects with the events columns (new message ids, so no conflict).
const { rows: [{ app_id: appId }] } = await client.query(
  `SELECT app_id FROM events e JOIN apps a ON a.id = e.app_id WHERE a.name = 'bench-batch' LIMIT 1`);
const { rows: eventRows } = await client.query(
  `SELECT app_id, 'x' || message_id AS message_id, type, event, name, anonymous_id, user_id, previous_id, group_id, session_id,
     "timestamp", original_timestamp, sent_at, received_at, properties, traits, context
   FROM events WHERE app_id = $1 ORDER BY id DESC LIMIT $2`, [appId, ROWS]);
eventRows.sort((a, b) => (a.message_id < b.message_id ? -1 : 1));
const eventsJson = JSON.stringify(eventRows);
console.log(`${eventRows.length} events (${(eventsJson.length / 1024).toFixed(0)} KB of JSON, ${Math.round(eventsJson.length / eventRows.length)} B/event)`);
const { rows: sizes } = await client.query(`SELECT relname, n_live_tup, n_dead_tup, pg_size_pretty(pg_total_relation_size(relid)) AS size
  FROM pg_stat_user_tables WHERE relname IN ('events', 'sessions') ORDER BY relname`);
for (const s of sizes) console.log(`  ${s.relname}: ${s.n_live_tup} live, ${s.n_dead_tup} dead tuples, ${s.size}`);

const results = [];
async function time(label, run, rows = eventRows.length) {
  let best = null;
  for (let i = 0; i < REPEAT; i++) {
    await client.query('BEGIN');
    const c0 = cpu();
    const t0 = process.hrtime.bigint();
    await run();
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    const backend = cpu() - c0;
    await client.query('ROLLBACK');
    if (!best || wall < best.wall) best = { wall, backend };
  }
  results.push({ label, ...best, rows });
  console.log(`${best.wall.toFixed(1).padStart(8)} ms wall ${best.backend.toFixed(0).padStart(6)} ms backend CPU ${((best.wall * 1000) / rows).toFixed(1).padStart(7)} µs/row  ${label}`);
}

const recordset = `jsonb_to_recordset($1::jsonb) AS x(${COLS})`;
console.log(`\nbest of ${REPEAT}, each in a rolled-back transaction:`);
await time('parse the payload: SELECT $1::jsonb', () => client.query('SELECT jsonb_typeof($1::jsonb)', [eventsJson]));
await time('parse + json_to_recordset($1::json) (no insert)', () => client.query(`SELECT count(*) FROM (SELECT * FROM json_to_recordset($1::json) AS x(${COLS}) OFFSET 0) x`, [eventsJson]));
await time('parse + jsonb_to_recordset (no insert)', () => client.query(`SELECT count(*) FROM (SELECT * FROM ${recordset} OFFSET 0) x`, [eventsJson]));
await time('collector: INSERT ... SELECT FROM jsonb_to_recordset ON CONFLICT DO NOTHING RETURNING', () => client.query(
  `INSERT INTO events (${NAMES}) SELECT ${NAMES} FROM ${recordset} ON CONFLICT (app_id, message_id) DO NOTHING RETURNING app_id, message_id`, [eventsJson]));
await time('alternative: same with json_to_recordset($1::json) (no whole-payload jsonb)', () => client.query(
  `INSERT INTO events (${NAMES}) SELECT ${NAMES} FROM json_to_recordset($1::json) AS x(${COLS}) ON CONFLICT (app_id, message_id) DO NOTHING RETURNING app_id, message_id`, [eventsJson]));
await time('same without ON CONFLICT / RETURNING', () => client.query(`INSERT INTO events (${NAMES}) SELECT ${NAMES} FROM ${recordset}`, [eventsJson]));
const arrays = {
  text: ['app_id', 'message_id', 'type', 'event', 'name', 'anonymous_id', 'user_id', 'previous_id', 'group_id', 'session_id'],
  timestamptz: ['timestamp', 'original_timestamp', 'sent_at', 'received_at'],
  jsonb: ['properties', 'traits', 'context'],
};
const unnestParams = [];
const unnestArgs = [];
for (const [type, cols] of Object.entries(arrays)) {
  for (const c of cols) {
    unnestParams.push(eventRows.map((r) => (type === 'jsonb' ? (r[c] === null ? null : JSON.stringify(r[c])) : r[c])));
    unnestArgs.push(`$${unnestParams.length}::${type}[]`);
  }
}
await time('alternative: INSERT ... SELECT FROM unnest(typed arrays) ON CONFLICT DO NOTHING RETURNING', () => client.query(
  `INSERT INTO events (${[...arrays.text, ...arrays.timestamptz, ...arrays.jsonb].map((c) => (c === 'timestamp' ? '"timestamp"' : c)).join(', ')})
   SELECT * FROM unnest(${unnestArgs.join(', ')}) ON CONFLICT (app_id, message_id) DO NOTHING RETURNING app_id, message_id`, unnestParams));

const esc = (v) => (v === null || v === undefined ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t'));
const copyText = eventRows.map((r) => [r.app_id, r.message_id, r.type, r.event, r.name, r.anonymous_id, r.user_id, r.previous_id, r.group_id,
  r.session_id, r.timestamp?.toISOString(), r.original_timestamp?.toISOString(), r.sent_at?.toISOString(), r.received_at?.toISOString(),
  r.properties && JSON.stringify(r.properties), r.traits && JSON.stringify(r.traits), r.context && JSON.stringify(r.context)].map(esc).join('\t')).join('\n') + '\n';
const copyInto = (table) => new Promise((res, rej) => {
  const s = client.query(copyFrom(`COPY ${table} (${NAMES}) FROM STDIN`));
  s.once('finish', res);
  s.once('error', rej);
  s.end(copyText);
});
await time('reference: COPY straight into events (no dedupe)', () => copyInto('events'));
await time('alternative: COPY into a temp staging table, INSERT ... SELECT ON CONFLICT DO NOTHING RETURNING', async () => {
  await client.query(`CREATE TEMP TABLE events_stage ON COMMIT DROP AS SELECT ${NAMES} FROM events WITH NO DATA`);
  await copyInto('events_stage');
  await client.query(`INSERT INTO events (${NAMES}) SELECT ${NAMES} FROM events_stage ON CONFLICT (app_id, message_id) DO NOTHING RETURNING app_id, message_id`);
});

const { rows: [hot] } = await client.query(`SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'sessions'`);
console.log(`\nsessions so far: ${hot.n_tup_upd} updates, ${hot.n_tup_hot_upd} HOT (${((100 * hot.n_tup_hot_upd) / Math.max(1, hot.n_tup_upd)).toFixed(0)}%); indexes: ${
  (await client.query(`SELECT string_agg(indexrelname, ', ') AS i FROM pg_stat_user_indexes WHERE relname = 'sessions'`)).rows[0].i}`);
await client.end();
