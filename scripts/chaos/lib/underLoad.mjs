// What every data-loss scenario shares: a throwaway PostgreSQL cluster, the collector on a fixed port,
// retrying clients sending throughout, and the ledger check at the end (every acknowledged event stored once).
import { createCollectorApp } from './collectorApp.mjs';
import { BUILT_COLLECTOR, startCollectorProcess } from './collectorProcess.mjs';
import { freePort } from './freePort.mjs';
import { checkLedger } from './ledger.mjs';
import { startPostgresCluster } from './postgresCluster.mjs';
import { percentile, startRetryingClients } from './retryingClients.mjs';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `disrupt(times)` `times` times during `loadMs`, evenly spaced, while the clients send; then drains
 * them and checks the ledger. `disrupt` gets `{ cluster, load, collector(), restart(), writeKey }`.
 * Resolves to the shared figures merged with what `finish` adds (called before clean-up).
 */
export async function underLoad({
  command = BUILT_COLLECTOR, clients = 16, intervalMs = 5, batchSize = 20, loadMs = 12_000, retryAfterCapMs, times, disrupt, finish,
}) {
  const cluster = await startPostgresCluster();
  let collector;
  try {
    const { writeKey } = await createCollectorApp({ command, databaseUrl: cluster.url, name: 'chaos' });
    const port = await freePort();
    // Always the same port: the clients keep their address across a restart.
    const restart = async () => (collector = await startCollectorProcess({ command, port, env: { DATABASE_URL: cluster.url } }));
    await restart();
    const load = startRetryingClients({ url: collector.url, writeKey, clients, intervalMs, batchSize, retryAfterCapMs });
    const context = { cluster, load, writeKey, restart, collector: () => collector };
    for (let i = 0; i < times; i++) {
      await sleep(loadMs / (times + 1));
      await disrupt(context);
    }
    await sleep(loadMs / (times + 1));
    const tally = await load.drain(60_000);
    const ledger = await checkLedger(cluster.url, tally);
    return {
      generated: tally.generated,
      acknowledged: tally.acknowledged,
      ...ledger,
      duplicatesAnswered: tally.duplicates,
      requests: tally.requests,
      answers: tally.status,
      networkErrors: tally.networkErrors,
      networkErrorKinds: tally.networkErrorKinds,
      p99LatencyMs: Math.round(percentile(tally.latenciesMs, 99)),
      ...(await finish(context, tally)),
    };
  } finally {
    await collector?.kill('SIGTERM').catch(() => {});
    await cluster.dispose();
  }
}
