import type { HeadcountEvent } from '@headcount/schema';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fallbackStore, memoryStore } from '../../core/durableQueue';
import type { Item, QueueStore } from '../../core/ports';
import { indexedDbQueue } from '../indexedDbQueue';
import { localState } from '../localState';
import { memoryStorage } from './memoryStorage';

const item = (k: string): Item => ({ k, e: { type: 'track', event: k, messageId: k, anonymousId: 'a' } as HeadcountEvent });
/** The queue as the SDK builds it: a store in front of the localStorage list (key `hc_q`). */
const withList = (first: QueueStore | false) => fallbackStore(first, localState(false), 'hc_q');
const keys = async (q: QueueStore, n = 100) => (await q.head(n)).map((i) => i.k);
const put = (q: QueueStore, items: Item[]) => q.write(items, []);
const del = (q: QueueStore, ks: string[]) => q.write([], ks);
const size = (q: QueueStore) => q.write([], []);

/** An IndexedDB whose open always fails, as in some private modes and locked-down webviews. */
const brokenIndexedDb = {
  open() {
    const req: { onerror?: () => void; error: Error } = { error: new Error('InvalidStateError') };
    setTimeout(() => req.onerror?.());
    return req;
  },
} as unknown as IDBFactory;

let storage: Storage;
beforeEach(() => {
  storage = memoryStorage();
  vi.stubGlobal('localStorage', storage);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe.each([
  ['indexedDbQueue', () => indexedDbQueue('headcount', new IDBFactory())],
  ['localStorage list', () => withList(false)],
  ['memoryStore', () => memoryStore()],
])('%s', (_name, make) => {
  it('keeps items oldest first by key, deletes and counts (every write answers the size after)', async () => {
    const q = make();
    const sizes = [];
    for (const k of ['b', 'd', 'a', 'c']) sizes.push(await put(q, [item(k)]));
    expect(sizes).toEqual([1, 2, 3, 4]);
    expect(await keys(q, 2)).toEqual(['a', 'b']);
    expect(await size(q)).toBe(4);
    expect(await del(q, ['a', 'c'])).toBe(2);
    expect(await keys(q)).toEqual(['b', 'd']);
    expect(await size(q)).toBe(2);
    expect((await q.head(1))[0]).toEqual(item('b'));
  });
});

describe('indexedDbQueue', () => {
  it('is shared by every tab of the origin and survives a reload', async () => {
    const idb = new IDBFactory();
    const tab1 = indexedDbQueue('headcount', idb);
    const tab2 = indexedDbQueue('headcount', idb);
    await put(tab1, [item('1')]);
    await put(tab2, [item('2')]);
    expect(await keys(tab1)).toEqual(['1', '2']);
    await del(tab2, ['1']);
    const reloaded = indexedDbQueue('headcount', idb);
    expect(await keys(reloaded)).toEqual(['2']);
  });

  it('tries to open again after a failed open', async () => {
    const idb = new IDBFactory();
    let fail = true;
    const flaky = { open: (name: string, v?: number) => (fail ? brokenIndexedDb.open(name, v) : idb.open(name, v)) } as IDBFactory;
    const q = indexedDbQueue('headcount', flaky);
    await expect(put(q, [item('1')])).rejects.toThrow();
    fail = false;
    await put(q, [item('2')]);
    expect(await keys(q)).toEqual(['2']);
  });

  it('tries to open again after open itself threw (a blocked IndexedDB throws rather than failing the request)', async () => {
    const idb = new IDBFactory();
    let fail = true;
    const throwing = {
      open(name: string, v?: number) {
        if (fail) throw new DOMException('IndexedDB is unavailable', 'InvalidStateError');
        return idb.open(name, v);
      },
    } as IDBFactory;
    const q = indexedDbQueue('headcount', throwing);
    await expect(put(q, [item('1')])).rejects.toThrow();
    fail = false;
    await put(q, [item('2')]);
    expect(await keys(q)).toEqual(['2']);
  });

  it('rejects when IndexedDB cannot open', async () => {
    await expect(put(indexedDbQueue('headcount', brokenIndexedDb), [item('x')])).rejects.toThrow();
  });
});

describe('localStorage list', () => {
  it('is capped: beyond 1,000 items the list lives in memory', async () => {
    const q = withList(false);
    const full = Array.from({ length: 1000 }, (_, i) => item(String(i).padStart(4, '0')));
    await put(q, full);
    await put(q, [item('1000')]);
    expect(JSON.parse(storage.getItem('hc_q')!)).toHaveLength(1000);
    expect(await keys(q, 2000)).toEqual([...full.map((i) => i.k), '1000']);
    await del(q, full.map((i) => i.k));
    expect(JSON.parse(storage.getItem('hc_q')!)).toEqual([item('1000')]);
  });
});

describe('fallback chain: IndexedDB, then localStorage, then memory', () => {
  it('uses IndexedDB while it works', async () => {
    const q = withList(indexedDbQueue('headcount', new IDBFactory()));
    await put(q, [item('1')]);
    expect(storage.getItem('hc_q')).toBeNull();
    expect(await keys(q)).toEqual(['1']);
  });

  it('falls back to localStorage when IndexedDB fails, then to memory when localStorage is full', async () => {
    storage = memoryStorage(600);
    vi.stubGlobal('localStorage', storage);
    const q = withList(indexedDbQueue('headcount', brokenIndexedDb));
    for (const k of ['1', '2', '3', '4', '5', '6', '7', '8']) await put(q, [item(k)]);
    expect(await put(q, [item('9')])).toBe(9);
    await del(q, ['9']);
    const inStorage = JSON.parse(storage.getItem('hc_q')!).map((i: Item) => i.k);
    expect(inStorage.length).toBeGreaterThan(0);
    expect(inStorage.length).toBeLessThan(8);
    // Reads merge every layer in key order.
    expect(await size(q)).toBe(8);
    expect(await keys(q, 3)).toEqual(['1', '2', '3']);
    await del(q, ['1', '8']);
    expect(await keys(q)).toEqual(['2', '3', '4', '5', '6', '7']);
  });

  it('sends after a reload what an earlier page left in localStorage, though IndexedDB works now', async () => {
    const earlier = withList(indexedDbQueue('headcount', brokenIndexedDb));
    await put(earlier, [item('1')]);
    const idb = new IDBFactory();
    const reloaded = withList(indexedDbQueue('headcount', idb));
    // Counts every store: one event in IndexedDB, one left in localStorage.
    expect(await put(reloaded, [item('2')])).toBe(2);
    expect(await keys(reloaded)).toEqual(['1', '2']);
    expect(await size(reloaded)).toBe(2);
    expect(await del(reloaded, ['1'])).toBe(1);
    expect(storage.getItem('hc_q')).toBe('[]');
  });

  it('falls back when localStorage itself is unreachable', async () => {
    vi.stubGlobal('localStorage', undefined);
    const q = withList(indexedDbQueue('headcount', brokenIndexedDb));
    await put(q, [item('1')]);
    await put(q, [item('2')]);
    expect(await keys(q)).toEqual(['1', '2']);
  });
});
