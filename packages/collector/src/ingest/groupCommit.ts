/** The queue of writes waiting for a commit is full (the database is slower than the traffic): retry later. */
export class WriteQueueFullError extends Error {
  override readonly name = 'WriteQueueFullError';
}

/**
 * Shares commits between concurrent requests: while `concurrency` flushes run, new submissions
 * wait and then go out together in one transaction. Nobody is answered before their flush commits,
 * and an idle writer flushes at once, so grouping adds no latency under light load.
 */
export function createGroupCommit<I extends { size: number }, R>(
  /** Commits the items together; answers each one (an item may fail alone), or throws for all. */
  flush: (items: I[]) => Promise<Array<PromiseSettledResult<R>>>,
  options: {
    concurrency: number;
    maxGroupSize: number;
    /** Most item sizes waiting for a flush; a submission beyond it fails at once with WriteQueueFullError. */
    maxQueuedSize?: number;
    clock?: () => number;
  },
) {
  type Waiter = { item: I; resolve: (r: R) => void; reject: (e: unknown) => void };
  const maxQueuedSize = options.maxQueuedSize ?? Math.max(options.maxGroupSize * 4, 20_000);
  const clock = options.clock ?? (() => performance.now());
  let pending: Waiter[] = [];
  let queuedSize = 0;
  let running = 0;
  /** Start times of the flushes in flight (a stuck one shows in `oldestFlushAgeMs`). */
  const flights = new Set<{ startedAt: number }>();
  const idle: Array<() => void> = [];

  function next(): void {
    while (running < options.concurrency && pending.length > 0) {
      let size = 0;
      let count = 0;
      while (count < pending.length && (count === 0 || size + pending[count]!.item.size <= options.maxGroupSize)) {
        size += pending[count]!.item.size;
        count++;
      }
      const group = pending.slice(0, count);
      pending = pending.slice(count);
      queuedSize -= size;
      running++;
      const flight = { startedAt: clock() };
      flights.add(flight);
      flush(group.map((w) => w.item))
        .then(
          (results) => group.forEach((w, i) => {
            const result = results[i];
            if (result?.status === 'fulfilled') w.resolve(result.value);
            else w.reject(result ? result.reason : new Error('no result for a grouped write'));
          }),
          (err) => group.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          flights.delete(flight);
          running--;
          next();
          if (running === 0 && pending.length === 0) idle.splice(0).forEach((done) => done());
        });
    }
  }

  return {
    submit(item: I): Promise<R> {
      // Bounded waiting: past this, a request would wait for minutes behind the others; it is better retried.
      if (pending.length > 0 && queuedSize + item.size > maxQueuedSize) {
        return Promise.reject(new WriteQueueFullError(`${queuedSize} events are already waiting for a commit`));
      }
      return new Promise<R>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        queuedSize += item.size;
        next();
      });
    },
    /** How long the oldest flush in flight has been running (0 when none is). */
    oldestFlushAgeMs(): number {
      let oldest = 0;
      const now = clock();
      for (const flight of flights) oldest = Math.max(oldest, now - flight.startedAt);
      return oldest;
    },
    /** Resolves once every submitted write has finished (graceful shutdown). */
    drain(): Promise<void> {
      return running === 0 && pending.length === 0 ? Promise.resolve() : new Promise((done) => idle.push(done));
    },
  };
}
