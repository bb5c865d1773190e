import { IDBDatabase, IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createWorld } from '../../core/__tests__/harness';
import { fallbackStore } from '../../core/durableQueue';
import { indexedDbQueue } from '../indexedDbQueue';
import { localState } from '../localState';
import { memoryStorage } from './memoryStorage';

beforeEach(() => {
  vi.stubGlobal('localStorage', memoryStorage());
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

/** Lets every pending write (and any transaction it might still open) finish. */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 50));

// Issue 16: the queue write and the count that follows it (status().queued, the full-batch check) share one
// transaction, and so do the events of a track that starts a session. The queue is composed as browserEnv composes it:
// IndexedDB in front of the localStorage list.
it('every track runs one IndexedDB transaction, which writes its events and counts the queue', async () => {
  const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');
  const queue = fallbackStore(indexedDbQueue('headcount', new IDBFactory()), localState(false), 'hc_q');
  // No flush during the test: only the writes open transactions.
  const tab = createWorld().tab({ flushInterval: 3600, batchSize: 100 }, { queue });
  const { client } = tab.core;
  await quiet(); // the start-up count
  transaction.mockClear();

  client.track('First'); // starts the session: Session Started and First, written together
  await vi.waitFor(() => expect(client.status().queued).toBe(2));
  await quiet();
  expect(transaction).toHaveBeenCalledTimes(1);

  for (let n = 1; n <= 5; n++) {
    client.track('Tap', { n });
    await vi.waitFor(() => expect(client.status().queued).toBe(2 + n));
    await quiet();
    expect(transaction).toHaveBeenCalledTimes(1 + n);
  }

  expect(transaction.mock.calls.every(([, mode]) => mode === 'readwrite')).toBe(true);
  // Nothing went to the fallback list: IndexedDB took every event.
  expect(localStorage.getItem('hc_q')).toBeNull();
  expect(await queue.write([], [])).toBe(7);
});
