/**
 * The queue's fallback: one JSON list under `key` of the key-value state (localStorage, which keeps a
 * value it cannot write in memory), capped well under the origin's quota. Beyond the cap the list
 * lives in memory (and what localStorage still holds is sent again after a reload: the collector dedupes it).
 */
import type { ItemList } from '../core/durableQueue';
import type { Item, KeyValue } from '../core/ports';

export const localStorageList = (kv: KeyValue, key: string, cap: number): ItemList => {
  let memory: Item[] | false = false;
  return {
    load() {
      try {
        return memory || JSON.parse(kv.get(key)!) || [];
      } catch {
        return [];
      }
    },
    save(items) {
      (memory = items.length > cap && items) || kv.set(key, JSON.stringify(items));
    },
  };
};
