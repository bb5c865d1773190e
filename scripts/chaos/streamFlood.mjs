// 8,000 live streams at once (issue 10 #8: they once took 8,032 file descriptors from one address):
// one address is held to its cap with a clear 429, many addresses stay within the app's cap, the
// process stays up and small, and a visitor of the app meanwhile gets 200s.
import { createCollectorApp } from './lib/collectorApp.mjs';
import { BUILT_COLLECTOR, startCollectorProcess } from './lib/collectorProcess.mjs';
import { freePort } from './lib/freePort.mjs';
import { rssMb, startVisitor, watchRss } from './lib/loopbackTraffic.mjs';
import { openStreams } from './lib/openStreams.mjs';
import { createScratchDatabase } from './lib/scratchDatabase.mjs';

export const name = 'a flood of 8,000 live streams';

const RSS_LIMIT_MB = 300;
const P99_LIMIT_MS = 1000;
const PER_ADDRESS = 100; // the documented default cap

export async function run({ command = BUILT_COLLECTOR, streams = 8000, spreadAddresses = 40 } = {}) {
  const database = await createScratchDatabase();
  let collector;
  const opened = [];
  try {
    const { writeKey } = await createCollectorApp({ command, databaseUrl: database.url, name: 'chaos' });
    collector = await startCollectorProcess({ command, port: await freePort(), env: { DATABASE_URL: database.url, HEADCOUNT_RATE_LIMIT: '1000' } });
    const rssBeforeMb = rssMb(collector.pid);
    const rss = watchRss(collector.pid);
    const visitor = startVisitor({ url: collector.url, writeKey });

    // One address asks for all of them.
    const oneAddress = await openStreams({ url: collector.url, writeKey, count: streams, concurrency: 200, localAddresses: ['127.0.0.2'] });
    opened.push(oneAddress);
    // Many addresses, each within its cap: these are held open together.
    const addresses = Array.from({ length: spreadAddresses }, (_, i) => `127.0.1.${i + 1}`);
    const spread = await openStreams({ url: collector.url, writeKey, count: spreadAddresses * PER_ADDRESS, concurrency: 200, localAddresses: addresses });
    opened.push(spread);
    await new Promise((r) => setTimeout(r, 2000));

    const visits = await visitor.stop();
    const rssPeakMb = rss.stop();
    const figures = {
      fromOneAddress: oneAddress.statuses,
      openFromOneAddress: oneAddress.open,
      spreadOverAddresses: spread.statuses,
      openTogether: oneAddress.open + spread.open,
      rssBeforeMb,
      rssPeakMb,
      visitor: visits,
      collectorExited: collector.exit() !== undefined,
    };
    const broken = [];
    if (figures.collectorExited) broken.push('the collector exited');
    if (oneAddress.open > PER_ADDRESS) broken.push(`one address held ${oneAddress.open} streams (cap ${PER_ADDRESS})`);
    if (!oneAddress.statuses[429]) broken.push('one address past its cap never got 429');
    if (spread.open !== spreadAddresses * PER_ADDRESS) broken.push(`only ${spread.open} streams within the caps opened`);
    if (rssPeakMb > RSS_LIMIT_MB) broken.push(`RSS peaked at ${rssPeakMb} MB (limit ${RSS_LIMIT_MB})`);
    if (Object.keys(visits.statuses).some((status) => status !== '200')) broken.push(`the visitor got ${JSON.stringify(visits.statuses)}`);
    if (visits.p99Ms >= P99_LIMIT_MS) broken.push(`the visitor's p99 was ${visits.p99Ms} ms`);
    if (broken.length > 0) throw new Error(`${broken.join('; ')}\n${JSON.stringify(figures)}`);
    return figures;
  } finally {
    for (const streamsOpened of opened) streamsOpened.close();
    await collector?.kill('SIGTERM').catch(() => {});
    await database.drop();
  }
}
