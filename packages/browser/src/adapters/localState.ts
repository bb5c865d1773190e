/**
 * The visitor's ids, opt-out and session in localStorage (no cookies), in memory when unavailable or
 * asked. A key whose last write failed (quota, blocked storage) is read from memory, so a full
 * localStorage never makes every call a new visitor.
 */
import type { KeyValue } from '../core/ports';

export function localState(memoryOnly: boolean): KeyValue {
  const memory: Record<string, string | null> = {};
  // Reaching `localStorage` can itself throw (blocked storage); every failure falls back to memory.
  const storage = () => (memoryOnly ? 0 : localStorage) as Storage;
  return {
    read(key) {
      try {
        return key in memory ? memory[key]! : storage().getItem(key);
      } catch {
        return null;
      }
    },
    write(key, value) {
      try {
        // Forgotten first: a failed write puts it back.
        delete memory[key];
        value == null ? storage().removeItem(key) : storage().setItem(key, value);
      } catch {
        memory[key] = value;
      }
    },
  };
}
