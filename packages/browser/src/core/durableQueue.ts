/** Queue stores that need no DOM: a list store (memory, or any load/save pair) and a fallback chain. */
import type { Item, QueueStore } from './ports';

const byKey = (a: Item, b: Item): number => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0);

/** A store over a whole list that `load` reads and `save` writes (memory, localStorage). */
export function listStore(load: () => Item[], save: (items: Item[]) => void): QueueStore {
  const run = async <T>(fn: (items: Item[]) => T): Promise<T> => fn(load());
  return {
    put: (add) => run((items) => (save((items = items.concat(add).sort(byKey))), items.length)),
    head: (n) => run((items) => items.slice(0, n)),
    del: (keys) =>
      run((items) => {
        const rest = items.filter((i) => !keys.includes(i.k));
        // Saves only on a change: acknowledgements must not rewrite (or fail on) a full localStorage.
        if (rest.length < items.length) save(rest);
        return rest.length;
      }),
    size: () => run((items) => items.length),
  };
}

export function memoryStore(): QueueStore {
  let list: Item[] = [];
  return listStore(
    () => list,
    (items) => (list = items),
  );
}

/**
 * Uses `first` while it works; items it cannot take go to `second`, and reads always merge both, so
 * events a fallback took on an earlier page are sent whichever store works now.
 * IndexedDB first, then localStorage (which keeps what it cannot hold in memory).
 */
export function fallbackStore(first: QueueStore, second: QueueStore): QueueStore {
  const both = <T>(fn: (s: QueueStore) => Promise<T>) => Promise.all([fn(first).catch(() => undefined), fn(second)]);
  const total = async (fn: (s: QueueStore) => Promise<number>) => {
    const [a = 0, b] = await both(fn);
    return a + b;
  };
  return {
    put: (items) =>
      first.put(items).then(
        async (n) => n + (await second.size()),
        async () => (await second.put(items)) + (await first.size().catch(() => 0)),
      ),
    head: async (n) => {
      const [a = [], b] = await both((s) => s.head(n));
      return a.concat(b).sort(byKey).slice(0, n);
    },
    del: (keys) => total((s) => s.del(keys)),
    size: () => total((s) => s.size()),
  };
}
