/** The durable queue in IndexedDB: one object store keyed by the time-ordered item key, shared by all tabs. */
import type { Item, QueueStore } from '../core/ports';

const STORE = 'q';

export const indexedDbQueue = (name: string, factory?: IDBFactory): QueueStore => {
  let db: Promise<IDBDatabase> | 0 = 0;
  /** One transaction; resolves with the request's result once the transaction commits. */
  const run = <T>(fn: (store: IDBObjectStore) => IDBRequest<T>, mode?: IDBTransactionMode) =>
    (db ||= new Promise<IDBDatabase>((resolve, reject) => {
      // Resolved here, not as a default: where IndexedDB is missing this rejects and the chain falls back.
      const req = (factory || indexedDB).open(name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'k' });
      req.onsuccess = () => {
        // Closed by the browser (storage cleared, version change): reopen on next use.
        req.result.onclose = () => (db = 0);
        resolve(req.result);
      };
      req.onerror = reject;
    }).catch((e) => {
      // A failed open (an error event, or open itself throwing) is tried again on next use: a fallback store takes the items meanwhile.
      db = 0;
      throw e;
    })).then(
      (d) =>
        new Promise<T>((resolve, reject) => {
          // Strict: a tap is on disk before the send that could be answered, even across a power cut. No mode: read-only.
          const tx = d.transaction(STORE, mode, { durability: 'strict' });
          const req = fn(tx.objectStore(STORE));
          tx.oncomplete = () => resolve(req.result);
          // A failed request aborts its transaction (nothing here prevents that): abort covers every failure.
          tx.onabort = reject;
        }),
    );
  return {
    // Changes and counts in one transaction: a `track` costs one.
    write: (items, keys) =>
      run((s) => (items.forEach((i) => s.put(i)), keys.forEach((k) => s.delete(k)), s.count()), 'readwrite'),
    head: (n) => run<Item[]>((s) => s.getAll(null, n)),
  };
};
