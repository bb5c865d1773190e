/** Queue stores that need no DOM: a list store (memory, or any load/save pair) and a fallback chain. */
import type { Item, QueueStore } from './ports';

const byKey = (a: Item, b: Item): number => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0);

/**
 * A store over a whole list that `load` reads and `save` writes (memory, localStorage).
 * `put` rejects beyond `cap` items so a fallback chain moves on to the next store.
 */
export function listStore(load: () => Item[], save: (items: Item[]) => void, cap: number): QueueStore {
  const run = async <T>(fn: (items: Item[]) => T): Promise<T> => fn(load());
  return {
    put: (item) =>
      run((items) => {
        if (items.length >= cap) throw Error('full');
        items.push(item);
        save(items.sort(byKey));
      }),
    head: (n) => run((items) => items.slice(0, n)),
    del: (keys) => run((items) => save(items.filter((i) => !keys.includes(i.k)))),
    size: () => run((items) => items.length),
  };
}

export function memoryStore(cap = Infinity): QueueStore {
  let list: Item[] = [];
  return listStore(() => list, (items) => (list = items), cap);
}

/**
 * Uses `first` while it works; an item it cannot take goes to `second`, and reads merge both.
 * Chained, this gives IndexedDB, then localStorage, then memory.
 */
export function fallbackStore(first: QueueStore, second: QueueStore): QueueStore {
  let used = false;
  const both = <T>(fn: (s: QueueStore) => Promise<T>) =>
    Promise.all([fn(first).catch(() => undefined), used ? fn(second) : undefined]);
  return {
    put: (item) => first.put(item).catch(() => ((used = true), second.put(item))),
    head: async (n) => {
      const [a = [], b = []] = await both((s) => s.head(n));
      return a.concat(b).sort(byKey).slice(0, n);
    },
    del: (keys) => both((s) => s.del(keys)),
    size: async () => {
      const [a = 0, b = 0] = await both((s) => s.size());
      return a + b;
    },
  };
}
