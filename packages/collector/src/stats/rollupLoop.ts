import type { Logger } from '../logger';
import { startPeriodicPasses, type PassOptions } from '../maintenance/periodicPasses';
import type { Database } from '../storage/database';
import { refreshRollups, type RollupPacing } from './refreshRollups';

export interface RollupOptions extends PassOptions {
  /** An hour that ended but keeps changing is counted again at most this often (RollupPacing in refreshRollups.ts). */
  minGapMs: number;
}

/**
 * Every few seconds: readers count the hours changed since from the visits themselves (exact, but slower), so
 * the sooner a quiet hour is rolled up the cheaper a dashboard load is. An hour still changing waits a minute
 * between counts, and the hour going on is left to the readers.
 */
export const DEFAULT_ROLLUP_OPTIONS: RollupOptions = { everyMs: 5_000, firstAfterMs: 1_000, minGapMs: 60_000 };

/** Keeps the dashboard's rollups up to date with what was stored (src/stats/refreshRollups.ts). Returns the stop function. */
export function startRollups(db: Database, log: Logger, options: Partial<RollupOptions> = {}): () => Promise<void> {
  const { minGapMs, ...passes } = { ...DEFAULT_ROLLUP_OPTIONS, ...options };
  const pacing: RollupPacing = { minGapMs, rolledAt: new Map() };
  return startPeriodicPasses(
    () => refreshRollups(db, new Date(), undefined, pacing),
    passes,
    (err) => log('warn', 'rolling up the dashboard figures failed; retrying at the next pass', { error: String(err) }),
  );
}
