import { afterEach, expect, it, vi } from 'vitest';
import { createHeadcount } from '../src/index';

afterEach(() => {
  vi.useRealTimers();
});

it('outside a browser, createHeadcount returns a client that does nothing and never throws', async () => {
  vi.useFakeTimers();
  const client = createHeadcount({ writeKey: 'wk' });
  expect(vi.getTimerCount()).toBe(0);
  expect(() => {
    client.track('A');
    client.page();
    client.identify('u');
    client.alias('u2');
    client.reset();
    client.startSession();
    client.endSession();
    client.optOut();
    client.optIn();
    client.on('drop', () => {})();
    client.destroy();
  }).not.toThrow();
  await expect(client.flush()).resolves.toBeUndefined();
  expect(client.status()).toEqual({ sessionId: null, anonymousId: null, queued: 0, sent: 0, dropped: 0, online: false });
});
