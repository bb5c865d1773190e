import type { Logger } from '../logger';
import type { Database } from '../storage/database';
import { runMaintenance, type MaintenanceResult } from './runMaintenance';

export interface MaintenanceOptions {
  /** Between passes (default hourly): retention is by days, an hour late costs nothing. */
  everyMs: number;
  /** First pass after start, so a fleet restarting together does not all try at once at boot. */
  firstAfterMs: number;
}

export const DEFAULT_MAINTENANCE_OPTIONS: MaintenanceOptions = { everyMs: 3_600_000, firstAfterMs: 60_000 };

// A pass with a full batch is followed by another at once, up to this many, then waits for the next tick.
const MAX_PASSES_PER_TICK = 100;

/**
 * The collector's one maintenance pipeline (retention, expired dead letters), run periodically; with several
 * collectors on one database the advisory lock lets one of them do it. Returns the stop function.
 */
export function startMaintenance(
  db: Database,
  now: () => Date,
  log: Logger,
  options: Partial<MaintenanceOptions> = {},
): () => Promise<void> {
  const { everyMs, firstAfterMs } = { ...DEFAULT_MAINTENANCE_OPTIONS, ...options };
  let stopped = false;
  let running: Promise<void> | undefined;

  const tick = async () => {
    for (let pass = 0; pass < MAX_PASSES_PER_TICK && !stopped; pass++) {
      let result: MaintenanceResult;
      try {
        result = await runMaintenance(db, now());
      } catch (err) {
        log('warn', 'maintenance failed; retrying at the next pass', { error: String(err) });
        return;
      }
      const { skipped, more, partitions, ...removed } = result;
      if (partitions === null && !skipped) log('warn', 'event partitions wait for the next pass: ingest held the table');
      if (partitions && partitions.created.length + partitions.dropped.length > 0) log('info', 'event partitions changed', { ...partitions });
      if (Object.values(removed).some((n) => n > 0)) log('info', 'maintenance removed old data', removed);
      if (skipped || !more) return;
    }
  };
  const schedule = () => {
    // A pass still running (a large backlog) is not joined by a second one.
    if (stopped || running) return;
    running = tick().finally(() => { running = undefined; });
  };
  const first = setTimeout(schedule, firstAfterMs);
  const timer = setInterval(schedule, everyMs);
  first.unref();
  timer.unref();
  return async () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
