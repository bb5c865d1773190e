// 10,000 fuzzed Segment payloads (issue 9) through every ingest path of the built collector on
// PostgreSQL: no 5xx, every valid event stored once, every rejected one in the dead-letter store.
import { createCollectorApp } from './lib/collectorApp.mjs';
import { BUILT_COLLECTOR, startCollectorProcess } from './lib/collectorProcess.mjs';
import { freePort } from './lib/freePort.mjs';
import { rssMb } from './lib/loopbackTraffic.mjs';
import { createScratchDatabase } from './lib/scratchDatabase.mjs';
import { fuzzCollector } from '../fuzz/fuzzCollector.mjs';

export const name = '10,000 fuzzed requests through every ingest path';

export async function run({ command = BUILT_COLLECTOR, requests = Number(process.env.FUZZ_REQUESTS ?? 10_000), seed = Number(process.env.FUZZ_SEED ?? 20261130) } = {}) {
  const database = await createScratchDatabase();
  let collector;
  try {
    // Ten apps, so no app's dead-letter store nears its bounds.
    const apps = [];
    for (let i = 0; i < 10; i++) apps.push(await createCollectorApp({ command, databaseUrl: database.url, name: `fuzz-${i}` }));
    collector = await startCollectorProcess({ command, port: await freePort(), env: { DATABASE_URL: database.url } });
    const started = performance.now();
    const figures = await fuzzCollector({ url: collector.url, apps, seed, requests, wave: 32 });
    const rssAfterMb = rssMb(collector.pid);
    if (figures.problems.length > 0 || figures.responses5xx > 0) {
      throw new Error(`the fuzz found ${figures.problems.length} problems (seed ${seed}):\n${figures.problems.join('\n')}`);
    }
    const { problems, ...rest } = figures;
    return { seed, ...rest, seconds: Number(((performance.now() - started) / 1000).toFixed(1)), rssAfterMb, stillUp: !collector.exit() };
  } finally {
    await collector?.kill();
    await database.drop();
  }
}
