import { performance } from 'node:perf_hooks';

/**
 * A task run on request, at most once per `minIntervalMs` (a number, or asked before each run); requests made
 * meanwhile fold into one later run.
 */
export interface PacedTask {
  request(): void;
  /** Cancels a waiting run; a run in progress finishes. */
  stop(): void;
  /** Resolves when no run is in progress. */
  idle(): Promise<void>;
}

export function paceTask(run: () => Promise<void>, minIntervalMs: number | (() => number)): PacedTask {
  let pending = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastStart = -Infinity;
  let stopped = false;

  function pump(): void {
    if (stopped || running || timer || !pending) return;
    const wait = lastStart + (typeof minIntervalMs === 'number' ? minIntervalMs : minIntervalMs()) - performance.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        pump();
      }, wait);
      // Pacing must never keep a process alive on its own.
      timer.unref();
      return;
    }
    pending = false;
    lastStart = performance.now();
    running = run()
      .catch(() => {})
      .finally(() => {
        running = undefined;
        pump();
      });
  }

  return {
    request() {
      pending = true;
      pump();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
    idle: async () => void (await running),
  };
}
