/**
 * A least-recently-used map bounded by entry count and by (estimated) bytes: whatever callers put in,
 * it never holds more than `maxBytes`. A value larger than the whole budget is not kept at all.
 */
export interface BoundedCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V, bytes: number): void;
  delete(key: string): void;
  /** Estimated bytes held now (keys and values). */
  readonly bytes: number;
  readonly size: number;
}

// What V8 spends on a Map entry and a small wrapper object beyond the key's characters.
const ENTRY_OVERHEAD_BYTES = 80;

/** Bytes a string key costs at most (two per UTF-16 unit) plus the entry itself. */
export const keyBytes = (key: string): number => key.length * 2 + ENTRY_OVERHEAD_BYTES;

export function createBoundedCache<V>(limits: { maxEntries: number; maxBytes: number }): BoundedCache<V> {
  const entries = new Map<string, { value: V; bytes: number }>();
  let bytes = 0;

  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.bytes;
  };

  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      // Re-inserting moves it to the end: Map order is the recency order.
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, valueBytes) {
      remove(key);
      const cost = keyBytes(key) + valueBytes;
      if (cost > limits.maxBytes) return;
      entries.set(key, { value, bytes: cost });
      bytes += cost;
      for (const oldest of entries.keys()) {
        if (entries.size <= limits.maxEntries && bytes <= limits.maxBytes) break;
        remove(oldest);
      }
    },
    delete: remove,
    get bytes() {
      return bytes;
    },
    get size() {
      return entries.size;
    },
  };
}
