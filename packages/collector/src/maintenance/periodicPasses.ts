export interface PassOptions {
  /** Between ticks. */
  everyMs: number;
  /** First tick after start, so a fleet restarting together does not all try at once at boot. */
  firstAfterMs: number;
}

// A pass that left work behind is followed by another at once, up to this many, then waits for the next tick.
const MAX_PASSES_PER_TICK = 100;

/**
 * Runs `pass` every tick, again at once while it reports more work (a backlog), never two ticks at once; a pass
 * that throws ends its tick (`onError`) and the next tick tries again. Returns the stop function, which waits
 * for a pass in progress.
 */
export function startPeriodicPasses(
  pass: () => Promise<{ more: boolean }>,
  { everyMs, firstAfterMs }: PassOptions,
  onError: (err: unknown) => void,
): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | undefined;

  const tick = async () => {
    for (let n = 0; n < MAX_PASSES_PER_TICK && !stopped; n++) {
      try {
        if (!(await pass()).more) return;
      } catch (err) {
        onError(err);
        return;
      }
    }
  };
  const schedule = () => {
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
