/** A localStorage stand-in for Node tests, with an optional quota in characters. */
export function memoryStorage(quota = Infinity): Storage {
  const data = new Map<string, string>();
  const used = () => [...data].reduce((n, [k, v]) => n + k.length + v.length, 0);
  return {
    get length() {
      return data.size;
    },
    key: (i) => [...data.keys()][i] ?? null,
    getItem: (k) => data.get(k) ?? null,
    setItem(k, v) {
      const next = used() - (data.get(k)?.length ?? 0) + String(v).length + (data.has(k) ? 0 : k.length);
      if (next > quota) throw new DOMException('quota', 'QuotaExceededError');
      data.set(k, String(v));
    },
    removeItem: (k) => void data.delete(k),
    clear: () => data.clear(),
  };
}
