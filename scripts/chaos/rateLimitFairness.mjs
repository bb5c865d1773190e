// One client on 50 connections posting batches that cannot be read, with the app's real write key
// (issue 10 #7: it once left a real visitor of that app with 429, 429, 200, 429): its own address
// runs out of requests, and the visitor meanwhile gets 200s.
import { createCollectorApp } from './lib/collectorApp.mjs';
import { BUILT_COLLECTOR, startCollectorProcess } from './lib/collectorProcess.mjs';
import { freePort } from './lib/freePort.mjs';
import { floodInWorker, rssMb, startVisitor, watchRss } from './lib/loopbackTraffic.mjs';
import { createScratchDatabase } from './lib/scratchDatabase.mjs';

export const name = 'one abusive client does not starve the visitors of its app';

const RSS_LIMIT_MB = 300;
const P99_LIMIT_MS = 1000;

export async function run({ command = BUILT_COLLECTOR, perApp = 200, connections = 50, requests = 20_000, durationMs = 15_000 } = {}) {
  const database = await createScratchDatabase();
  let collector;
  try {
    const { writeKey } = await createCollectorApp({ command, databaseUrl: database.url, name: 'chaos' });
    // A low app-wide ceiling, so the abuser alone could exhaust it if it were the only limit; per address: a tenth.
    collector = await startCollectorProcess({ command, port: await freePort(), env: { DATABASE_URL: database.url, HEADCOUNT_RATE_LIMIT: String(perApp) } });
    // The visitor alone first: what the machine gives it without the abuse, to read the figures against.
    const alone = startVisitor({ url: collector.url, writeKey });
    await new Promise((r) => setTimeout(r, 3000));
    const visitorAlone = await alone.stop();
    const visitor = startVisitor({ url: collector.url, writeKey });
    const rssBeforeMb = rssMb(collector.pid);
    const rss = watchRss(collector.pid);

    const abuse = await floodInWorker({
      url: collector.url,
      path: '/v1/batch',
      count: requests,
      concurrency: connections,
      deadlineMs: durationMs,
      localAddresses: ['127.0.0.2'],
      body: JSON.stringify({ writeKey, batch: 'not a list of events' }),
    });

    const visits = await visitor.stop();
    const rssPeakMb = rss.stop();
    const figures = {
      appLimitPerSecond: perApp,
      addressLimitPerSecond: Math.ceil(perApp / 10),
      abusiveRequests: abuse.sent,
      abusiveRequestsPerSecond: Math.round(abuse.sent / abuse.seconds),
      abuser: abuse.statuses,
      abuserRetryAfter: abuse.retryAfterSeconds,
      visitorAlone,
      visitor: visits,
      rssBeforeMb,
      rssPeakMb,
      rssAfterMb: rssMb(collector.pid),
      collectorExited: collector.exit() !== undefined,
    };
    const broken = [];
    if (figures.collectorExited) broken.push('the collector exited');
    if (rssPeakMb > RSS_LIMIT_MB) broken.push(`RSS peaked at ${rssPeakMb} MB (limit ${RSS_LIMIT_MB})`);
    if (Object.keys(visits.statuses).some((status) => status !== '200')) broken.push(`the visitor got ${JSON.stringify(visits.statuses)}`);
    if (visits.p99Ms >= P99_LIMIT_MS) broken.push(`the visitor's p99 was ${visits.p99Ms} ms`);
    if (!abuse.statuses[429]) broken.push('the abuser was never limited');
    if (broken.length > 0) throw new Error(`${broken.join('; ')}\n${JSON.stringify(figures)}`);
    return figures;
  } finally {
    await collector?.kill('SIGTERM').catch(() => {});
    await database.drop();
  }
}
