import { IDBDatabase, IDBFactory } from 'fake-indexeddb';
import { afterEach, expect, it, vi } from 'vitest';
import { createWorld } from '../../core/__tests__/harness';
import { indexedDbQueue } from '../indexedDbQueue';

afterEach(() => {
  vi.restoreAllMocks();
});

// Issue 16: the queue write and the count that follows it (status().queued, the full-batch check) share one transaction.
it('every track runs one IndexedDB transaction, which writes the event and counts the queue', async () => {
  const transaction = vi.spyOn(IDBDatabase.prototype, 'transaction');
  const queue = indexedDbQueue('headcount', new IDBFactory());
  // No flush during the test: only the writes open transactions.
  const tab = createWorld().tab({ flushInterval: 3600, batchSize: 100 }, { queue });
  const { client } = tab.core;
  client.track('First'); // starts the session: Session Started and First
  await vi.waitFor(() => expect(client.status().queued).toBe(2));
  transaction.mockClear();

  for (let n = 1; n <= 5; n++) {
    client.track('Tap', { n });
    await vi.waitFor(() => expect(client.status().queued).toBe(2 + n));
  }

  expect(transaction).toHaveBeenCalledTimes(5);
  expect(transaction.mock.calls.every(([, mode]) => mode === 'readwrite')).toBe(true);
  expect(await queue.write([], [])).toBe(7);
});
