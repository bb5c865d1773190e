// The built collector app (packages/collector/dist/index.js, the same createApp `headcount serve` uses),
// over a Database wrapper that times every statement and transaction. Started by `pnpm bench` with
// BENCH_PROFILE=DIR (under `node --cpu-prof`); on SIGTERM it finishes in-flight requests, writes the
// timings to BENCH_SQL_TIMINGS and exits normally so V8 writes the CPU profile.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = process.env.BENCH_COLLECTOR_DIST || new URL('../../packages/collector/dist', import.meta.url).pathname;
const { createApp, limitHeapGrowth, migrate, openPostgres } = await import(pathToFileURL(join(dist, 'index.js')).href);
// As `headcount serve` does (an older build, BENCH_COLLECTOR_DIST, may not have it).
limitHeapGrowth?.();

const env = process.env;

/**
 * A short, stable label for a statement: the tables it writes (a statement with CTEs can write several, as the
 * events insert claims its dedupe keys in event_ids), so the labels follow the write path as it changes.
 */
function labelOf(sql) {
  const s = sql.replace(/\s+/g, ' ').trim();
  const writes = [...s.matchAll(/(?<!\b(?:DO|FOR|NO KEY) )\b(INSERT INTO|UPDATE|DELETE FROM)\s+("?[\w.]+"?)/gi)]
    .map((m) => `${m[1].toUpperCase()} ${m[2]}`);
  if (writes.length > 0) {
    const from = /\b(jsonb?_to_recordset|unnest)\(/i.exec(s);
    return `${[...new Set(writes)].join(' + ')}${/\bON CONFLICT\b/i.test(s) ? ' ON CONFLICT' : ''}${from ? ` (${from[1]})` : ''}`;
  }
  if (/pg_advisory_xact_lock/.test(s)) return 'pg_advisory_xact_lock (inferred sessions)';
  return s.slice(0, 70);
}

// Raw, timestamped records (µs on the monotonic clock V8's CPU profile and process.hrtime use), so the
// summary can cut them to each measured run: [at, label index, ms] and [at, acquire+BEGIN, body, COMMIT].
const labels = [];
const statements = [];
const transactions = [];
const eventLoop = [];
const micros = () => Number(process.hrtime.bigint() / 1000n);
function record(label, at, ms) {
  let i = labels.indexOf(label);
  if (i === -1) i = labels.push(label) - 1;
  statements.push([at, i, ms]);
}
const now = () => performance.now();

function timed(q) {
  return {
    ...q,
    async query(sql, params, name) {
      const at = micros();
      const t = now();
      try {
        return await q.query(sql, params, name);
      } finally {
        record(labelOf(sql), at, now() - t);
      }
    },
  };
}

const base = openPostgres({ connectionString: env.DATABASE_URL });
await migrate(base);
const db = {
  ...timed(base),
  kind: base.kind,
  listen: base.listen,
  session: base.session,
  close: base.close,
  async transaction(fn) {
    const at = micros();
    const t0 = now();
    let t1 = 0;
    let t2 = 0;
    try {
      return await base.transaction(async (tx) => {
        t1 = now();
        try {
          return await fn(timed(tx));
        } finally {
          t2 = now();
        }
      });
    } finally {
      transactions.push([at, t1 - t0, t2 - t1, now() - t2]);
    }
  },
};

const collector = createApp({ db, rateLimitPerSecond: 0 });
const server = collector.app.listen(Number(env.PORT), env.HOST || '127.0.0.1');
// Event-loop utilisation (how busy the collector's one thread is), sampled every 250 ms.
const sample = () => {
  const { idle, active } = performance.eventLoopUtilization();
  eventLoop.push([micros(), idle, active]);
};
sample();
const sampler = setInterval(sample, 250);

process.once('SIGTERM', async () => {
  server.close();
  server.closeIdleConnections();
  await collector.close();
  await db.close();
  clearInterval(sampler);
  sample();
  writeFileSync(env.BENCH_SQL_TIMINGS, JSON.stringify({ labels, statements, transactions, eventLoop }));
  process.exit(0);
});
