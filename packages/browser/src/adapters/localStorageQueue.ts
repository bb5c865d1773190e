/**
 * The queue's fallback: one JSON list in localStorage, capped well under the origin's quota. Beyond
 * the cap, or when localStorage fails, the list lives in memory (and what localStorage still holds
 * is sent again after a reload: the collector dedupes it).
 */
import { listStore } from '../core/durableQueue';
import type { Item, QueueStore } from '../core/ports';

export function localStorageQueue(key = 'hc_q', cap = 1000): QueueStore {
  let memory: Item[] | 0 = 0;
  return listStore(
    () => {
      try {
        return memory || JSON.parse(localStorage.getItem(key) || '[]');
      } catch {
        return [];
      }
    },
    (items) => {
      try {
        if (items.length > cap) throw 0;
        localStorage.setItem(key, JSON.stringify(items));
        memory = 0;
      } catch {
        memory = items;
      }
    },
  );
}
