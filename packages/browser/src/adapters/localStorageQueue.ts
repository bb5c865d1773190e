/** The queue's first fallback: one JSON list in localStorage, capped well under the origin's quota. */
import { listStore } from '../core/durableQueue';
import type { QueueStore } from '../core/ports';

const KEY = 'hc_q';

export function localStorageQueue(cap = 1000): QueueStore {
  return listStore(
    () => JSON.parse(localStorage.getItem(KEY) || '[]'),
    (items) => localStorage.setItem(KEY, JSON.stringify(items)),
    cap,
  );
}
