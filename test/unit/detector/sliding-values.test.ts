import { describe, expect, it } from 'vitest';
import { SlidingValues, VALUE_BLOCKS } from '../../../agents/base/detector/brains/rolling.js';
import { mulberry32 } from '../../../agents/base/detector/brains/prng.js';

/** Nearest of values[from..to] (inclusive) at or below / at or above v, brute force. */
function neighbours(values: number[], from: number, to: number, v: number): { below: number; above: number } {
  const part = values.slice(Math.max(0, from), to + 1);
  return { below: Math.max(-Infinity, ...part.filter((x) => x <= v)), above: Math.min(Infinity, ...part.filter((x) => x >= v)) };
}

describe('SlidingValues', () => {
  it('is empty before the first value: no neighbours, NaN extremes', () => {
    const w = new SlidingValues(100);
    expect(w.neighbours(3)).toEqual({ below: -Infinity, above: Infinity });
    expect(w.min).toBeNaN();
    expect(w.max).toBeNaN();
  });

  it('finds the exact nearest values while fewer than `size` values have been seen', () => {
    const rand = mulberry32(5);
    const size = 640;
    const w = new SlidingValues(size);
    const values: number[] = [];
    for (let i = 0; i < size; i++) {
      const v = Math.round(rand() * 1000) / 10; // repeats too: a value equal to v is its own neighbour
      if (i > 0) expect(w.neighbours(v)).toEqual(neighbours(values, 0, i - 1, v));
      values.push(v);
      w.push(v);
      expect([w.min, w.max]).toEqual([Math.min(...values), Math.max(...values)]);
    }
  });

  it('never forgets a value before `size` newer ones, and forgets it within two blocks after', () => {
    const rand = mulberry32(9);
    const size = 320;
    const block = Math.ceil(size / VALUE_BLOCKS);
    const w = new SlidingValues(size);
    const values: number[] = [];
    for (let i = 0; i < 5 * size; i++) {
      const v = (values[i - 1] ?? 0) + rand() - 0.5;
      if (i > 0) {
        const got = w.neighbours(v);
        const exact = neighbours(values, i - size, i - 1, v);
        const widest = neighbours(values, i - size - 2 * block, i - 1, v);
        // Everything the last `size` values hold, nothing older than two more blocks.
        expect(got.below).toBeGreaterThanOrEqual(exact.below);
        expect(got.below).toBeLessThanOrEqual(widest.below);
        expect(got.above).toBeLessThanOrEqual(exact.above);
        expect(got.above).toBeGreaterThanOrEqual(widest.above);
      }
      values.push(v);
      w.push(v);
    }
  });

  it('holds at most one block more than its window, and little while young', () => {
    const w = new SlidingValues(8640);
    const block = 8640 / VALUE_BLOCKS;
    for (let i = 0; i < 40; i++) w.push(i);
    expect(w.stored).toBeLessThanOrEqual(2 * 40);
    for (let i = 0; i < 3 * 8640; i++) w.push(-i);
    expect(w.stored).toBeLessThanOrEqual(8640 + block);
    expect(w.max).toBeLessThanOrEqual(-(2 * 8640) + 2 * block);
  });

  it('with a tolerance, stops at the newest block holding a value that near', () => {
    const w = new SlidingValues(640);
    const block = 640 / VALUE_BLOCKS;
    w.push(10); // the nearest value to 10.01, in the oldest block
    for (let i = 1; i < 4 * block; i++) w.push(i < 2 * block ? 50 : 10.5);
    expect(w.neighbours(10.01)).toEqual({ below: 10, above: 10.5 });
    expect(w.neighbours(10.01, 1)).toEqual({ below: -Infinity, above: 10.5 });
    expect(w.neighbours(10.01, 0.1)).toEqual({ below: 10, above: 10.5 });
  });

  it.each([0, -5, 2.5, Number.NaN])('refuses a window of %s values with a message', (size) => {
    expect(() => new SlidingValues(size)).toThrow(/window must be a whole number of values >= 1/);
  });
});
