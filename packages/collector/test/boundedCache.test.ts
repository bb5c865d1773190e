import { describe, expect, it } from 'vitest';
import { createBoundedCache, keyBytes } from '../src/http/boundedCache';

describe('a cache bounded by entries and bytes', () => {
  it('forgets the least recently used entries once over its byte budget', () => {
    const cache = createBoundedCache<string>({ maxEntries: 100, maxBytes: 3 * (keyBytes('a') + 100) });
    cache.set('a', 'A', 100);
    cache.set('b', 'B', 100);
    cache.set('c', 'C', 100);
    expect(cache.get('a')).toBe('A'); // now the most recent: b is the oldest
    cache.set('d', 'D', 100);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual(['A', undefined, 'C', 'D']);
    expect(cache.bytes).toBe(3 * (keyBytes('a') + 100));
  });

  it('forgets the oldest entries once over its entry count', () => {
    const cache = createBoundedCache<number>({ maxEntries: 2, maxBytes: 1_000_000 });
    cache.set('a', 1, 0);
    cache.set('b', 2, 0);
    cache.set('c', 3, 0);
    expect([cache.size, cache.get('a'), cache.get('c')]).toEqual([2, undefined, 3]);
  });

  it('never keeps a value larger than the whole budget, and counts a replaced value once', () => {
    const cache = createBoundedCache<string>({ maxEntries: 10, maxBytes: 1000 });
    cache.set('small', 's', 10);
    cache.set('huge', 'h', 5000);
    expect([cache.get('huge'), cache.get('small')]).toEqual([undefined, 's']);
    cache.set('small', 't', 20);
    expect(cache.bytes).toBe(keyBytes('small') + 20);
    cache.delete('small');
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
  });
});
