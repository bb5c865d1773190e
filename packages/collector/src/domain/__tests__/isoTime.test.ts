import { describe, expect, it } from 'vitest';
import { isoTime } from '../copyRow';

/** A seeded generator in [0, 1): the same times on every run, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe('isoTime', () => {
  it('writes what toISOString writes, across days, years and the edges of the range', () => {
    const edges = [
      0, -1, 1, 86_399_999, 86_400_000, -86_400_000, -86_400_001, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2024, 2, 1),
      Date.UTC(1969, 11, 31, 23, 59, 59, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10_000, 0, 1), Date.UTC(-1, 5, 15, 12, 30, 45, 5),
      -62_198_755_200_000, 8.64e15, -8.64e15,
    ];
    // A pseudo-random walk, in order and out of order, so the cached day changes both ways.
    const random = seeded(42);
    const walk = Array.from({ length: 20_000 }, () => Math.round((random() - 0.5) * 2 * 4e12));
    let t = Date.UTC(2026, 11, 1, 23, 59, 0);
    const burst = Array.from({ length: 5_000 }, () => (t += Math.round(random() * 50)));
    for (const ms of [...edges, ...walk, ...burst, ...edges.reverse()]) {
      const date = new Date(ms);
      expect(isoTime(date), String(ms)).toBe(date.toISOString());
    }
  });

  it('gives the right text when times repeat, share a second, or take turns in one slot of its table', () => {
    // A request's sentAt and receivedAt between each of its events' times, and seconds 16 apart (the same slot).
    const sentAt = Date.UTC(2026, 11, 2, 4, 31, 7, 250);
    const receivedAt = sentAt + 16_000;
    const random = seeded(7);
    const times: number[] = [];
    for (let i = 0; i < 3_000; i++) {
      const event = sentAt - Math.round(random() * 40_000);
      times.push(event, event - Math.round(random() * 3), sentAt, receivedAt, event + 16_000, event, -event);
    }
    for (const ms of times) {
      const date = new Date(ms);
      expect(isoTime(date), String(ms)).toBe(date.toISOString());
    }
  });

  it('refuses an invalid date as toISOString does, even right after a valid one', () => {
    isoTime(new Date(0));
    expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
  });
});
