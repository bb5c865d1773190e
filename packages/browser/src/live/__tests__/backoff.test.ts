import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../backoff';

const policy = { baseMs: 1_000, maxMs: 30_000 };

describe('backoffDelay', () => {
  it('doubles the step per attempt, with half of it random', () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(500);
    expect(backoffDelay(0, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(1, policy, () => 0)).toBe(1_000);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(6_000);
  });

  it('never waits longer than the cap, nor less than half of it', () => {
    for (const random of [0, 0.3, 0.999]) {
      const delay = backoffDelay(20, policy, () => random);
      expect(delay).toBeGreaterThanOrEqual(15_000);
      expect(delay).toBeLessThanOrEqual(30_000);
    }
  });

  it('spreads clients apart (jitter)', () => {
    expect(backoffDelay(2, policy, () => 0.1)).not.toBe(backoffDelay(2, policy, () => 0.9));
  });
});
