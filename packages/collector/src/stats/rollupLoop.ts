import type { Logger } from '../logger';
import { startPeriodicPasses, type PassOptions } from '../maintenance/periodicPasses';
import type { Database } from '../storage/database';
import { refreshRollups } from './refreshRollups';

export type RollupOptions = PassOptions;

/**
 * Every few seconds: readers count the hours changed since from the visits themselves (exact, but slower), so
 * the sooner they are rolled up the cheaper a dashboard load is.
 */
export const DEFAULT_ROLLUP_OPTIONS: RollupOptions = { everyMs: 5_000, firstAfterMs: 1_000 };

/** Keeps the dashboard's rollups up to date with what was stored (src/stats/refreshRollups.ts). Returns the stop function. */
export function startRollups(db: Database, log: Logger, options: Partial<RollupOptions> = {}): () => Promise<void> {
  return startPeriodicPasses(
    () => refreshRollups(db),
    { ...DEFAULT_ROLLUP_OPTIONS, ...options },
    (err) => log('warn', 'rolling up the dashboard figures failed; retrying at the next pass', { error: String(err) }),
  );
}
