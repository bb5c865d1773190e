import { afterEach, describe, expect, it, vi } from 'vitest';
import { localState } from '../localState';
import { memoryStorage } from './memoryStorage';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('localState', () => {
  it('persists in localStorage (no cookies), shared by tabs', () => {
    const storage = memoryStorage();
    vi.stubGlobal('localStorage', storage);
    const tab1 = localState(false);
    tab1.write('hc_a', 'visitor');
    expect(storage.getItem('hc_a')).toBe('visitor');
    expect(localState(false).read('hc_a')).toBe('visitor');
    tab1.write('hc_a', null);
    expect(storage.getItem('hc_a')).toBeNull();
  });

  it('falls back to memory when localStorage throws', () => {
    vi.stubGlobal('localStorage', {
      getItem() {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    const kv = localState(false);
    kv.write('hc_o', '1');
    expect(kv.read('hc_o')).toBe('1');
  });

  it('keeps what it could not write (quota exceeded) in memory, so one visitor stays one visitor', () => {
    const storage = memoryStorage();
    vi.stubGlobal('localStorage', {
      getItem: (k: string) => storage.getItem(k),
      setItem() {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
      removeItem: (k: string) => storage.removeItem(k),
    });
    const kv = localState(false);
    expect(kv.read('hc_a')).toBeNull();
    kv.write('hc_a', 'visitor');
    expect(kv.read('hc_a')).toBe('visitor');
    kv.write('hc_a', null); // a removal works again: storage is read again
    expect(kv.read('hc_a')).toBeNull();
  });

  it("storage: 'memory' never touches localStorage", () => {
    const storage = memoryStorage();
    vi.stubGlobal('localStorage', storage);
    const kv = localState(true);
    kv.write('hc_a', 'x');
    expect(kv.read('hc_a')).toBe('x');
    expect(storage.length).toBe(0);
  });
});
