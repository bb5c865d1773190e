import { afterEach, describe, expect, it, vi } from 'vitest';
import { heldLocks, webLock } from '../webLocks';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('webLock', () => {
  it('runs the sender under the named Web Lock', async () => {
    const order: string[] = [];
    let tail = Promise.resolve();
    const request = vi.fn((_name: string, fn: () => Promise<void>) => {
      const run = tail.then(fn);
      tail = run;
      return run;
    });
    vi.stubGlobal('navigator', { locks: { request } });
    const lock = webLock('headcount');
    const slow = (id: string) => async () => {
      order.push(`${id} start`);
      await new Promise((r) => setTimeout(r, 5));
      order.push(`${id} end`);
    };
    await Promise.all([lock('q', slow('tab1')), lock('q', slow('tab2'))]);
    expect(request.mock.calls.map((c) => c[0])).toEqual(['headcountq', 'headcountq']);
    expect(order).toEqual(['tab1 start', 'tab1 end', 'tab2 start', 'tab2 end']);
  });

  it('runs unlocked where Web Locks are missing or refuse', async () => {
    const fn = vi.fn(async () => {});
    vi.stubGlobal('navigator', {});
    await webLock('headcount')('q', fn);
    vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(new DOMException('opaque origin', 'SecurityError')) } });
    await webLock('headcount')('q', fn);
    expect(fn).toHaveBeenCalledTimes(2);
  });
});

describe('heldLocks', () => {
  it("lists the session announcements held under its own prefix (names that continue with '['), without the prefix", async () => {
    const held = ['headcount[{"i":"s1"},"a1"]', 'headcountq', 'headcounts', 'other[{"i":"s2"},"a2"]', '[{"i":"s3"},"a3"]'];
    vi.stubGlobal('navigator', { locks: { query: async () => ({ held: held.map((name) => ({ name })), pending: [] }) } });
    expect(await heldLocks('headcount')()).toEqual(['[{"i":"s1"},"a1"]']);
  });

  it('answers undefined without Web Locks and an empty list when the query fails', async () => {
    vi.stubGlobal('navigator', {});
    expect(heldLocks('headcount')()).toBeUndefined();
    vi.stubGlobal('navigator', { locks: { query: () => Promise.reject(new DOMException('opaque origin', 'SecurityError')) } });
    expect(await heldLocks('headcount')()).toEqual([]);
  });
});
