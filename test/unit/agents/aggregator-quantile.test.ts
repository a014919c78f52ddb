import { quantileSorted as reference } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { quantileSorted } from '../../../agents/intermediate/aggregator/window.js';
import { mulberry32 } from '../../../agents/base/detector/brains/index.js';

describe('aggregator window quantiles', () => {
  it('equal simple-statistics\' quantileSorted exactly (type 7), for 1 to 300 values and every quantile the windows publish', () => {
    const rnd = mulberry32(3);
    for (let n = 1; n <= 300; n++) {
      const values = Float64Array.from({ length: n }, () => Math.round(rnd() * 1e6) / 1e3).sort();
      for (const p of [0, 0.5, 0.9, 0.99, 1]) expect(quantileSorted(values, p)).toBe(reference([...values], p));
    }
  });

  it('interpolates between the two nearest ranks', () => {
    expect(quantileSorted(Float64Array.of(10, 20), 0.5)).toBe(15);
    expect(quantileSorted(Float64Array.of(1, 2, 3, 4, 5), 0.9)).toBeCloseTo(4.6, 12);
  });
});
