// PostgreSQL restarted (pg_ctl -m immediate) under load: the collector stays up, answers 503 with
// Retry-After while the database is down, and every acknowledged event is stored once afterwards.
import { startCollectorProcess, BUILT_COLLECTOR } from './lib/collectorProcess.mjs';
import { createCollectorApp } from './lib/collectorApp.mjs';
import { freePort } from './lib/freePort.mjs';
import { checkLedger } from './lib/ledger.mjs';
import { startPostgresCluster } from './lib/postgresCluster.mjs';
import { percentile, startRetryingClients } from './lib/retryingClients.mjs';

export const name = 'PostgreSQL restarted under load';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const healthy = (url) => fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).then((res) => res.ok, () => false);

async function activeUsers(url, writeKey) {
  const res = await fetch(`${url}/v1/active?writeKey=${encodeURIComponent(writeKey)}`, { signal: AbortSignal.timeout(5000) });
  return res.ok ? (await res.json()).activeUsers : `HTTP ${res.status}`;
}

/** The database is crashed `restarts` times during `loadMs`, down for `downMs` each time. */
export async function run({
  command = BUILT_COLLECTOR,
  clients = 16,
  intervalMs = 5,
  batchSize = 20,
  loadMs = 12_000,
  restarts = 2,
  downMs = 2000,
  retryAfterCapMs,
} = {}) {
  const cluster = await startPostgresCluster();
  let collector;
  try {
    const { writeKey } = await createCollectorApp({ command, databaseUrl: cluster.url, name: 'chaos' });
    collector = await startCollectorProcess({ command, port: await freePort(), env: { DATABASE_URL: cluster.url } });
    const load = startRetryingClients({ url: collector.url, writeKey, clients, intervalMs, batchSize, retryAfterCapMs });
    const downAnswers = { 503: 0, other: 0 };
    const healthyAfterMs = [];
    const firstAcceptedAfterMs = [];
    for (let r = 0; r < restarts; r++) {
      await sleep(loadMs / (restarts + 1));
      await cluster.stop('immediate');
      const before = { ...load.tally.status };
      await sleep(downMs);
      for (const [status, n] of Object.entries(load.tally.status)) {
        const during = n - (before[status] ?? 0);
        if (status === '503') downAnswers[503] += during;
        else downAnswers.other += during;
      }
      if (collector.exit()) throw new Error(`the collector exited while the database was down:\n${collector.output()}`);
      const okBefore = load.tally.ok;
      await cluster.start();
      const upAt = performance.now();
      // Recovery, with nothing done to the collector: /healthz answers 200, then the clients (waiting out
      // their Retry-After) get their first 200.
      while (!(await healthy(collector.url)) && performance.now() - upAt < 30_000) await sleep(10);
      healthyAfterMs.push(Math.round(performance.now() - upAt));
      while (load.tally.ok === okBefore && performance.now() - upAt < 30_000) await sleep(10);
      firstAcceptedAfterMs.push(Math.round(performance.now() - upAt));
    }
    await sleep(loadMs / (restarts + 1));
    const tally = await load.drain(60_000);
    const ledger = await checkLedger(cluster.url, tally);
    return {
      restarts,
      downMs,
      generated: tally.generated,
      acknowledged: tally.acknowledged,
      ...ledger,
      duplicatesAnswered: tally.duplicates,
      requests: tally.requests,
      answers: tally.status,
      answersWhileDown: downAnswers,
      unavailableWithoutRetryAfter: tally.unavailableWithoutRetryAfter,
      retryAfterSeconds: [...tally.retryAfterSeconds],
      networkErrors: tally.networkErrors,
      networkErrorKinds: tally.networkErrorKinds,
      healthyAfterMs,
      firstAcceptedAfterMs,
      activeUsersAfter: await activeUsers(collector.url, writeKey),
      p99LatencyMs: Math.round(percentile(tally.latenciesMs, 99)),
      collectorExited: collector.exit() !== undefined,
    };
  } finally {
    await collector?.kill('SIGTERM').catch(() => {});
    await cluster.dispose();
  }
}
