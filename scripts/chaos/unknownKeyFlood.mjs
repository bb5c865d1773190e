// 3,000 requests with a new 400 KB write key each (issue 10 #5: they once took the collector from 124 MB
// to 1.4 GB): malformed keys are refused before any lookup and nothing of them is kept, the address
// that keeps sending them gets 429, and a visitor of the app meanwhile gets 200s.
import { createCollectorApp } from './lib/collectorApp.mjs';
import { BUILT_COLLECTOR, startCollectorProcess } from './lib/collectorProcess.mjs';
import { freePort } from './lib/freePort.mjs';
import { floodInWorker, rssMb, startVisitor, watchRss } from './lib/loopbackTraffic.mjs';
import { createScratchDatabase } from './lib/scratchDatabase.mjs';

export const name = 'a flood of unknown 400 KB write keys';

const RSS_LIMIT_MB = 300;
const P99_LIMIT_MS = 1000;

export async function run({ command = BUILT_COLLECTOR, keys = 3000, keyBytes = 400 * 1024, addresses = 150, oneAddressKeys = 500, concurrency = 8 } = {}) {
  const database = await createScratchDatabase();
  let collector;
  try {
    const { writeKey } = await createCollectorApp({ command, databaseUrl: database.url, name: 'chaos' });
    // The documented defaults: 1,000 requests a second per app, 100 per address, 20 failed key checks per address.
    collector = await startCollectorProcess({ command, port: await freePort(), env: { DATABASE_URL: database.url, HEADCOUNT_RATE_LIMIT: '1000' } });
    // The visitor alone first: what the machine gives it without the abuse, to read the figures against.
    const alone = startVisitor({ url: collector.url, writeKey });
    await new Promise((r) => setTimeout(r, 3000));
    const visitorAlone = await alone.stop();
    const visitor = startVisitor({ url: collector.url, writeKey });
    const rssBeforeMb = rssMb(collector.pid);
    const rss = watchRss(collector.pid);
    // Spread over many addresses, no address passes its 401 budget: every key reaches the key check.
    const spread = await floodInWorker({
      url: collector.url,
      path: '/v1/batch',
      count: keys,
      concurrency,
      deadlineMs: 180_000,
      localAddresses: Array.from({ length: addresses }, (_, i) => `127.0.1.${i + 1}`),
      uniqueKeyBytes: keyBytes,
    });
    // From one address: after its burst of failures, 429 with Retry-After.
    const oneAddress = await floodInWorker({
      url: collector.url,
      path: '/v1/batch',
      count: oneAddressKeys,
      concurrency,
      deadlineMs: 60_000,
      localAddresses: ['127.0.0.2'],
      uniqueKeyBytes: keyBytes,
      firstKey: keys,
    });

    const visits = await visitor.stop();
    const rssPeakMb = rss.stop();
    const rssAfterMb = rssMb(collector.pid);
    const figures = {
      keys: spread.sent,
      keyBytes,
      floodMBps: Math.round((spread.sent * keyBytes) / 1024 / 1024 / spread.seconds),
      spreadOverAddresses: spread.statuses,
      fromOneAddress: oneAddress.statuses,
      oneAddressRetryAfter: oneAddress.retryAfterSeconds,
      rssBeforeMb,
      rssPeakMb,
      rssAfterMb,
      visitorAlone,
      visitor: visits,
      collectorExited: collector.exit() !== undefined,
    };
    const broken = [];
    if (figures.collectorExited) broken.push('the collector exited');
    if (rssPeakMb > RSS_LIMIT_MB) broken.push(`RSS peaked at ${rssPeakMb} MB (limit ${RSS_LIMIT_MB})`);
    if (Object.keys(visits.statuses).some((status) => status !== '200')) broken.push(`the visitor got ${JSON.stringify(visits.statuses)}`);
    if (visits.p99Ms >= P99_LIMIT_MS) broken.push(`the visitor's p99 was ${visits.p99Ms} ms`);
    if (spread.statuses[401] !== spread.sent) broken.push(`spread keys were not all 401: ${JSON.stringify(spread.statuses)}`);
    if (!oneAddress.statuses[429]) broken.push('one address flooding unknown keys never got 429');
    if (broken.length > 0) throw new Error(`${broken.join('; ')}\n${JSON.stringify(figures)}`);
    return figures;
  } finally {
    await collector?.kill('SIGTERM').catch(() => {});
    await database.drop();
  }
}
