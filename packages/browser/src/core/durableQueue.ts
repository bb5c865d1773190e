/** The durable queue without a DOM: a store that works (IndexedDB) in front of a whole-list fallback (localStorage, memory). */
import type { Item, KeyValue, QueueStore } from './ports';

/** Keys are unique: no two items compare equal. */
const byKey = (a: Item, b: Item): number => (a.k < b.k ? -1 : 1);

/**
 * Uses `first` while it works; items it cannot take go to a list kept whole as JSON under `key` of `kv`
 * (localStorage, which keeps in memory what it cannot write), and reads always merge both, so events a
 * fallback took on an earlier page are sent whichever store works now. Without `first` (`storage: 'memory'`,
 * tests) the list is the whole queue. Beyond 1,000 items the list lives in memory, well under the origin's
 * quota (what localStorage still holds is sent again after a reload: the collector dedupes it).
 */
export const fallbackStore = (first: QueueStore | false, kv: KeyValue, key: string): QueueStore => {
  let memory: Item[] | false | undefined;
  const load = (): Item[] => {
    try {
      return memory || JSON.parse(kv.read(key)!) || [];
    } catch {
      return [];
    }
  };
  const save = (items: Item[]) => (memory = items.length > 1e3 && items) || kv.write(key, JSON.stringify(items));
  /** `first`'s answer, or `none` when it fails (or there is none). */
  const ask = <T>(fn: (q: QueueStore) => Promise<T>, none: T) => (first ? fn(first).catch(() => none) : none);
  return {
    write: async (items, keys) => {
      const all = load();
      const rest = all.filter((i) => !keys.includes(i.k));
      // Saves only on a change: acknowledgements must not rewrite (or fail on) a full localStorage.
      if (rest.length < all.length) save(rest);
      let n = await ask((q) => q.write(items, keys), -1);
      if (n < 0) {
        // Read again after the wait: this tab may have changed the list meanwhile.
        items[0] && save(load().concat(items));
        n = await ask((q) => q.write([], keys), 0);
      }
      return n + load().length;
    },
    head: async (n) => (await ask((q) => q.head(n), [] as Item[])).concat(load()).sort(byKey).slice(0, n),
  };
};

/** The queue in memory only (tests). */
export function memoryStore(): QueueStore {
  const values: Record<string, string | null> = {};
  return fallbackStore(false, { read: (k) => values[k] ?? null, write: (k, v) => (values[k] = v) }, 'q');
}
