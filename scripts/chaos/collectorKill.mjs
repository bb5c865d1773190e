// kill -9 of the collector under load from retrying clients: every acknowledged event is stored, once.
import { startCollectorProcess, BUILT_COLLECTOR } from './lib/collectorProcess.mjs';
import { createCollectorApp } from './lib/collectorApp.mjs';
import { freePort } from './lib/freePort.mjs';
import { checkLedger } from './lib/ledger.mjs';
import { startPostgresCluster } from './lib/postgresCluster.mjs';
import { percentile, startRetryingClients } from './lib/retryingClients.mjs';

export const name = 'kill -9 of the collector under load';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `kills` times during `loadMs`, the collector is killed with SIGKILL and started again on its port
 * after `downMs`; the clients keep sending and retrying throughout, then drain their queues.
 */
export async function run({
  command = BUILT_COLLECTOR,
  clients = 16,
  intervalMs = 5,
  batchSize = 20,
  loadMs = 12_000,
  kills = 3,
  downMs = 300,
  retryAfterCapMs,
} = {}) {
  const cluster = await startPostgresCluster();
  let collector;
  try {
    const { writeKey } = await createCollectorApp({ command, databaseUrl: cluster.url, name: 'chaos' });
    const port = await freePort();
    const start = () => startCollectorProcess({ command, port, env: { DATABASE_URL: cluster.url } });
    collector = await start();
    const load = startRetryingClients({ url: collector.url, writeKey, clients, intervalMs, batchSize, retryAfterCapMs });
    const restartMs = [];
    for (let k = 0; k < kills; k++) {
      await sleep(loadMs / (kills + 1));
      await collector.kill('SIGKILL');
      const killedAt = performance.now();
      await sleep(downMs);
      collector = await start();
      restartMs.push(Math.round(performance.now() - killedAt));
    }
    await sleep(loadMs / (kills + 1));
    const tally = await load.drain(60_000);
    const ledger = await checkLedger(cluster.url, tally);
    const exitedOnItsOwn = collector.exit() !== undefined;
    return {
      kills,
      generated: tally.generated,
      acknowledged: tally.acknowledged,
      ...ledger,
      duplicatesAnswered: tally.duplicates,
      requests: tally.requests,
      answers: tally.status,
      networkErrors: tally.networkErrors,
      networkErrorKinds: tally.networkErrorKinds,
      restartMs,
      p99LatencyMs: Math.round(percentile(tally.latenciesMs, 99)),
      collectorExitedOnItsOwn: exitedOnItsOwn,
    };
  } finally {
    await collector?.kill('SIGTERM').catch(() => {});
    await cluster.dispose();
  }
}
