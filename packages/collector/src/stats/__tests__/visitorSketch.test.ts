import { describe, expect, it } from 'vitest';
import { countSketch, decodeSketch, encodeSketch, mergeSketches, sketchOf, visitorHash } from '../visitorSketch';

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => visitorHash(`visitor-${from + i}`));

describe('visitor sketches', () => {
  it('count small sets exactly, merged in any order, and survive storage', () => {
    const a = sketchOf(ids(0, 300));
    const b = sketchOf(ids(200, 700));
    expect(countSketch(a)).toBe(300);
    expect(countSketch(mergeSketches(a, b))).toBe(700);
    expect(countSketch(mergeSketches(b, a))).toBe(700);
    const stored = decodeSketch(encodeSketch(mergeSketches(a, b)));
    expect(stored.kind).toBe('exact');
    expect(countSketch(stored)).toBe(700);
    expect(countSketch(sketchOf([]))).toBe(0);
  });

  it('estimate large sets within a few percent, and a union the same whichever way it is merged', () => {
    // Thirty days of 3,000 visitors each, a third of them coming back the next day.
    const days = Array.from({ length: 30 }, (_, d) => sketchOf(ids(d * 2_000, d * 2_000 + 3_000)));
    const truth = 29 * 2_000 + 3_000;
    const forward = days.reduce(mergeSketches);
    const backward = [...days].reverse().reduce(mergeSketches);
    expect(forward.kind).toBe('approximate');
    expect(Math.abs(countSketch(forward) - truth) / truth).toBeLessThan(0.05);
    expect(countSketch(backward)).toBe(countSketch(forward));
    expect(countSketch(decodeSketch(encodeSketch(forward)))).toBe(countSketch(forward));
    // Merging a set into itself changes nothing.
    expect(countSketch(mergeSketches(forward, days[3]!))).toBe(countSketch(forward));
  });

  it('turns an exact set into an estimate only past its exact size', () => {
    expect(sketchOf(ids(0, 1024)).kind).toBe('exact');
    expect(sketchOf(ids(0, 1025)).kind).toBe('approximate');
    const grown = mergeSketches(sketchOf(ids(0, 1000)), sketchOf(ids(1000, 1100)));
    expect(grown.kind).toBe('approximate');
    expect(Math.abs(countSketch(grown) - 1100)).toBeLessThan(40);
  });
});
