// What every abuse scenario promises (issue 10): under the abuse the collector stays up, its RSS stays
// under 300 MB, and a legitimate visitor of the app keeps getting 200s with a p99 under 1 s.
import { createCollectorApp } from './collectorApp.mjs';
import { BUILT_COLLECTOR, startCollectorProcess } from './collectorProcess.mjs';
import { freePort } from './freePort.mjs';
import { rssMb, startVisitor, watchRss } from './loopbackTraffic.mjs';
import { createScratchDatabase } from './scratchDatabase.mjs';

const RSS_LIMIT_MB = 300;
const P99_LIMIT_MS = 1000;

/**
 * Starts the built collector on a scratch database with one app, measures a visitor alone (the baseline to
 * read the figures against), then runs `abuse({ url, port, writeKey })` while the visitor sends.
 * `abuse` resolves to `{ figures, broken }` (its own broken promises); this throws when any promise broke.
 */
export async function underAbuse({ command = BUILT_COLLECTOR, env = {}, abuse }) {
  const database = await createScratchDatabase();
  let collector;
  try {
    const { writeKey } = await createCollectorApp({ command, databaseUrl: database.url, name: 'chaos' });
    const port = await freePort();
    collector = await startCollectorProcess({ command, port, env: { DATABASE_URL: database.url, ...env } });
    const alone = startVisitor({ url: collector.url, writeKey });
    await new Promise((r) => setTimeout(r, 3000));
    const visitorAlone = await alone.stop();
    const rssBeforeMb = rssMb(collector.pid);
    const rss = watchRss(collector.pid);
    const visitor = startVisitor({ url: collector.url, writeKey });

    const outcome = await abuse({ url: collector.url, port, writeKey });

    const visits = await visitor.stop();
    const rssPeakMb = rss.stop();
    const exited = collector.exit() !== undefined;
    const figures = {
      ...outcome.figures,
      rssBeforeMb,
      rssPeakMb,
      rssAfterMb: exited ? null : rssMb(collector.pid),
      visitorAlone,
      visitor: visits,
      collectorExited: exited,
    };
    const broken = [...(outcome.broken ?? [])];
    if (exited) broken.push('the collector exited');
    if (rssPeakMb > RSS_LIMIT_MB) broken.push(`RSS peaked at ${rssPeakMb} MB (limit ${RSS_LIMIT_MB})`);
    if (Object.keys(visits.statuses).some((status) => status !== '200')) broken.push(`the visitor got ${JSON.stringify(visits.statuses)}`);
    if (visits.p99Ms >= P99_LIMIT_MS) broken.push(`the visitor's p99 was ${visits.p99Ms} ms`);
    if (broken.length > 0) throw new Error(`${broken.join('; ')}\n${JSON.stringify(figures)}`);
    return figures;
  } finally {
    await collector?.kill('SIGTERM').catch(() => {});
    await database.drop();
  }
}
