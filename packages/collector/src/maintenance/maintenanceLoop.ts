import type { Logger } from '../logger';
import type { Database } from '../storage/database';
import { startPeriodicPasses, type PassOptions } from './periodicPasses';
import { runMaintenance } from './runMaintenance';

export type MaintenanceOptions = PassOptions;

/** Hourly: retention is by days, an hour late costs nothing. */
export const DEFAULT_MAINTENANCE_OPTIONS: MaintenanceOptions = { everyMs: 3_600_000, firstAfterMs: 60_000 };

/**
 * The collector's one maintenance pipeline (partitions, retention, expired dead letters), run periodically; with several
 * collectors on one database the advisory lock lets one of them do it. Returns the stop function.
 */
export function startMaintenance(
  db: Database,
  now: () => Date,
  log: Logger,
  options: Partial<MaintenanceOptions> = {},
): () => Promise<void> {
  return startPeriodicPasses(async () => {
    const { skipped, more, partitions, compacted, compactionFailed, ...removed } = await runMaintenance(db, now());
    if (partitions === null && !skipped) log('warn', 'event partitions wait for the next pass: ingest held the table');
    if (partitions && partitions.created.length + partitions.dropped.length > 0) log('info', 'event partitions changed', { ...partitions });
    if (compacted) log('info', 'a closed month\'s event indexes were rebuilt packed', { partition: compacted });
    if (compactionFailed) log('warn', 'packing a closed month\'s event indexes failed; retrying at the next pass', { error: compactionFailed });
    if (Object.values(removed).some((n) => n > 0)) log('info', 'maintenance removed old data', removed);
    return { more: !skipped && more };
  }, { ...DEFAULT_MAINTENANCE_OPTIONS, ...options }, (err) => log('warn', 'maintenance failed; retrying at the next pass', { error: String(err) }));
}
