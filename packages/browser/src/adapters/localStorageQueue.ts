/** The queue's first fallback: one JSON list in localStorage, capped well under the origin's quota. */
import { listStore } from '../core/durableQueue';
import type { QueueStore } from '../core/ports';

export function localStorageQueue(key = 'hc_q', cap = 1000): QueueStore {
  return listStore(
    () => JSON.parse(localStorage.getItem(key) || '[]'),
    (items) => localStorage.setItem(key, JSON.stringify(items)),
    cap,
  );
}
