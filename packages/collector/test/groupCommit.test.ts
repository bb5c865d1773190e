import { describe, expect, it } from 'vitest';
import { createGroupCommit, WriteQueueFullError } from '../src/ingest/groupCommit';

type Item = { size: number; name: string };

/** A flush that never finishes until told: a database stuck on a lock. */
function stuckFlush() {
  const flushed: string[][] = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const flush = async (items: Item[]) => {
    flushed.push(items.map((i) => i.name));
    await released;
    return items.map((i) => ({ status: 'fulfilled', value: i.name }) as const);
  };
  return { flush, flushed, release };
}

describe('group commit: bounded waiting', () => {
  it('refuses a write at once when the queue behind a stuck commit is full, and takes writes again once it drains', async () => {
    const stuck = stuckFlush();
    const commits = createGroupCommit<Item, string>(stuck.flush, { concurrency: 1, maxGroupSize: 100, maxQueuedSize: 250 });
    const first = commits.submit({ size: 100, name: 'in flight' });
    const queued = [commits.submit({ size: 100, name: 'a' }), commits.submit({ size: 100, name: 'b' })];
    await expect(commits.submit({ size: 100, name: 'one too many' })).rejects.toBeInstanceOf(WriteQueueFullError);
    // Smaller writes still fit in what is left.
    queued.push(commits.submit({ size: 50, name: 'c' }));
    stuck.release();
    await expect(Promise.all([first, ...queued])).resolves.toEqual(['in flight', 'a', 'b', 'c']);
    await expect(commits.submit({ size: 100, name: 'after' })).resolves.toBe('after');
    expect(stuck.flushed.flat()).not.toContain('one too many');
  });

  it('always takes a write into an empty queue, however large', async () => {
    const stuck = stuckFlush();
    const commits = createGroupCommit<Item, string>(stuck.flush, { concurrency: 1, maxGroupSize: 100, maxQueuedSize: 10 });
    const big = [commits.submit({ size: 1000, name: 'in flight' }), commits.submit({ size: 1000, name: 'queued alone' })];
    stuck.release();
    await expect(Promise.all(big)).resolves.toEqual(['in flight', 'queued alone']);
  });

  it('reports how long the oldest commit in flight has been running', async () => {
    let now = 1000;
    const stuck = stuckFlush();
    const commits = createGroupCommit<Item, string>(stuck.flush, { concurrency: 2, maxGroupSize: 1, clock: () => now });
    expect(commits.oldestFlushAgeMs()).toBe(0);
    const first = commits.submit({ size: 1, name: 'first' });
    now += 4000;
    const second = commits.submit({ size: 1, name: 'second' });
    now += 8000;
    expect(commits.oldestFlushAgeMs()).toBe(12_000);
    stuck.release();
    await Promise.all([first, second]);
    expect(commits.oldestFlushAgeMs()).toBe(0);
  });
});
