// The scratch database of one bench, on BENCH_DATABASE_URL's server (default postgres://root@127.0.0.1:5432/test):
// created empty, dropped by `drop()`, on failure, and on Ctrl-C or SIGTERM too; kept (its URL printed) with BENCH_KEEP_DB=1.
import { createScratchDatabase } from '../chaos/lib/scratchDatabase.mjs';

export { pg, withClient } from '../chaos/lib/scratchDatabase.mjs';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';

/**
 * `label` names the database (`headcount_bench_${label}_<random>`). On SIGINT or SIGTERM, `beforeDrop()`
 * (stop a collector, close pools) runs first, then the drop, then the process exits with 130.
 */
export async function createBenchDatabase(label, { beforeDrop = async () => {} } = {}) {
  const scratch = await createScratchDatabase({ adminUrl: ADMIN_URL, prefix: `headcount_bench_${label}` });
  let kept = false;
  const drop = async () => {
    if (process.env.BENCH_KEEP_DB) {
      if (!kept) process.stdout.write(`kept the scratch database: ${scratch.url}\n`);
      kept = true;
      return;
    }
    await scratch.drop();
  };
  let interrupted = false;
  const onSignal = (signal) => {
    if (interrupted) return;
    interrupted = true;
    process.stdout.write(`\n${signal}: dropping ${scratch.name}\n`);
    void beforeDrop()
      .catch(() => {})
      .then(drop)
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { name: scratch.name, url: scratch.url, drop };
}
