/**
 * Shares commits between concurrent requests: while `concurrency` flushes run, new submissions
 * wait and then go out together in one transaction. Nobody is answered before their flush commits,
 * and an idle writer flushes at once, so grouping adds no latency under light load.
 */
export function createGroupCommit<I extends { size: number }, R>(
  /** Commits the items together; answers each one (an item may fail alone), or throws for all. */
  flush: (items: I[]) => Promise<Array<PromiseSettledResult<R>>>,
  options: { concurrency: number; maxGroupSize: number },
) {
  type Waiter = { item: I; resolve: (r: R) => void; reject: (e: unknown) => void };
  let pending: Waiter[] = [];
  let running = 0;
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
      running++;
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
          running--;
          next();
          if (running === 0 && pending.length === 0) idle.splice(0).forEach((done) => done());
        });
    }
  }

  return {
    submit(item: I): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        next();
      });
    },
    /** Resolves once every submitted write has finished (graceful shutdown). */
    drain(): Promise<void> {
      return running === 0 && pending.length === 0 ? Promise.resolve() : new Promise((done) => idle.push(done));
    },
  };
}
