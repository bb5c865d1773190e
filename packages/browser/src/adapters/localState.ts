/** The visitor's ids, opt-out and session in localStorage (no cookies), in memory when unavailable or asked. */
import type { KeyValue } from '../core/ports';

export function localState(memoryOnly: boolean): KeyValue {
  const memory: Record<string, string | null> = {};
  // Reaching `localStorage` can itself throw (blocked storage); every failure falls back to memory.
  const storage = () => (memoryOnly ? undefined : localStorage) as Storage;
  return {
    get(key) {
      try {
        return storage().getItem(key);
      } catch {
        return memory[key] ?? null;
      }
    },
    set(key, value) {
      memory[key] = value;
      try {
        value == null ? storage().removeItem(key) : storage().setItem(key, value);
      } catch {}
    },
  };
}
