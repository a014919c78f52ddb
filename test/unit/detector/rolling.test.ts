import { describe, expect, it } from 'vitest';
import { EXTREME_BLOCKS, SlidingExtremes } from '../../../agents/base/detector/brains/rolling.js';
import { mulberry32 } from '../../../agents/base/detector/brains/prng.js';

/** Extremes of values[from..to] (inclusive), brute force. */
function extremes(values: number[], from: number, to: number): { min: number; max: number } {
  const part = values.slice(Math.max(0, from), to + 1);
  return { min: Math.min(...part), max: Math.max(...part) };
}

describe('SlidingExtremes', () => {
  it('is empty (NaN) before the first value', () => {
    const w = new SlidingExtremes(100);
    expect(w.max).toBeNaN();
    expect(w.min).toBeNaN();
    expect(w.count).toBe(0);
  });

  it('is exact while fewer than `size` values have been seen', () => {
    const rand = mulberry32(7);
    const size = 640;
    const w = new SlidingExtremes(size);
    const values: number[] = [];
    for (let i = 0; i < size; i++) {
      const v = rand() * 100 - 50;
      values.push(v);
      w.push(v);
      expect({ min: w.min, max: w.max }).toEqual(extremes(values, 0, i));
    }
    expect(w.count).toBe(size);
  });

  it('never forgets a value before `size` newer ones, and forgets it within two blocks after', () => {
    const rand = mulberry32(11);
    const size = 640;
    const w = new SlidingExtremes(size);
    const values: number[] = [];
    for (let i = 0; i < 5 * size; i++) {
      // Random walk with spikes: extremes of every age.
      const v = (values[i - 1] ?? 0) + rand() - 0.5 + (rand() < 0.01 ? 40 * (rand() - 0.5) : 0);
      values.push(v);
      w.push(v);
      const exact = extremes(values, i - size + 1, i);
      const widest = extremes(values, i - size - 2 * w.block + 1, i);
      expect(w.max).toBeGreaterThanOrEqual(exact.max);
      expect(w.max).toBeLessThanOrEqual(widest.max);
      expect(w.min).toBeLessThanOrEqual(exact.min);
      expect(w.min).toBeGreaterThanOrEqual(widest.min);
    }
  });

  it('forgets an old record: a spike leaves the window after its block does', () => {
    const size = 320;
    const w = new SlidingExtremes(size);
    w.push(1000);
    for (let i = 0; i < size + 2 * w.block; i++) w.push(i % 2);
    expect(w.max).toBe(1);
  });

  it('holds at most two numbers a block whatever the data (a monotone series too), none while young', () => {
    const size = 8640;
    const w = new SlidingExtremes(size);
    for (let i = 0; i < w.block - 1; i++) w.push(i);
    expect(w.stored).toBe(0);
    for (let i = 0; i < 3 * size; i++) w.push(-i);
    expect(w.stored).toBeLessThanOrEqual(2 + 2 * EXTREME_BLOCKS);
    expect(w.min).toBe(-(3 * size - 1));
    expect(w.max).toBeLessThanOrEqual(-(2 * size) + 2 * w.block);
  });
});

describe('SlidingExtremes window size', () => {
  it.each([0, -5, 2.5, Number.NaN])('refuses a window of %s values with a message', (size) => {
    expect(() => new SlidingExtremes(size)).toThrow(/window must be a whole number of values >= 1/);
  });

  it('a window of one value is the last value', () => {
    const w = new SlidingExtremes(1);
    for (const v of [3, 9, -2]) w.push(v);
    expect([w.min, w.max]).toEqual([-2, -2]);
  });
});
