import { describe, expect, it } from 'vitest';
import { createDetector, mulberry32, thresholdForSensitivity } from '../../../agents/base/detector/brains/index.js';
import { SeasonalExemplars } from '../../../agents/base/detector/brains/seasonal-exemplars.js';
import { SeasonalProfile } from '../../../agents/base/detector/brains/seasonal-profile.js';
import { alerts, daily, DAY, STEP_MS, T0 } from './synthetic.js';

const DAY_MS = 86_400_000;

/** The eager layout the lazy one replaced: every ring allocated up front, bucket-major. */
class EagerExemplars {
  private readonly periodOf: Int32Array;
  private readonly sum: Float64Array;
  private readonly count: Int32Array;
  private readonly held: Uint16Array;
  private readonly oldest: Uint16Array;

  constructor(private readonly buckets: number, private readonly periods: number) {
    this.periodOf = new Int32Array(buckets * periods);
    this.sum = new Float64Array(buckets * periods);
    this.count = new Int32Array(buckets * periods);
    this.held = new Uint16Array(buckets);
    this.oldest = new Uint16Array(buckets);
  }

  private slot(b: number, k: number): number { return b * this.periods + ((this.oldest[b] + k) % this.periods); }

  nearest(value: number, period: number, bucket: number, neighbours: number): number | undefined {
    let best: number | undefined;
    for (let d = -neighbours; d <= neighbours; d++) {
      const b = (((bucket + d) % this.buckets) + this.buckets) % this.buckets;
      for (let k = 0; k < this.held[b]; k++) {
        const s = this.slot(b, k);
        if (this.periodOf[s] === period) continue;
        const mean = this.sum[s] / this.count[s];
        if (best === undefined || Math.abs(value - mean) < Math.abs(value - best)) best = mean;
      }
    }
    return best;
  }

  average(period: number, bucket: number): number {
    let total = 0;
    let n = 0;
    for (let k = 0; k < this.held[bucket]; k++) {
      const s = this.slot(bucket, k);
      if (this.periodOf[s] === period) continue;
      total += this.sum[s] / this.count[s];
      n++;
    }
    return n > 0 ? total / n : Number.NaN;
  }

  learn(value: number, period: number, bucket: number): boolean {
    const n = this.held[bucket];
    if (n > 0 && this.periodOf[this.slot(bucket, n - 1)] === period) {
      this.sum[this.slot(bucket, n - 1)] += value;
      this.count[this.slot(bucket, n - 1)]++;
      return false;
    }
    const s = n < this.periods ? this.slot(bucket, n) : this.slot(bucket, 0);
    if (n < this.periods) this.held[bucket] = n + 1;
    else this.oldest[bucket] = (this.oldest[bucket] + 1) % this.periods;
    this.periodOf[s] = period;
    this.sum[s] = value;
    this.count[s] = 1;
    return n === 0;
  }
}

describe('seasonal exemplars (allocated as history comes)', () => {
  it('grow a layer at a time up to the full rings a layer at a time up to the full rings', () => {
    const profile = new SeasonalProfile({ periodMs: DAY_MS, bucketMs: 300_000, periods: 7, toleranceMs: 1_800_000, smooth: 10 });
    const sizes: number[] = [];
    for (let d = 0; d < 9; d++) {
      for (let i = 0; i < DAY; i++) profile.next(50 + (i % 7), T0 + (d * DAY + i) * STEP_MS);
      sizes.push(profile.arrayBytes);
    }
    // 288 buckets: the first day's log becomes one layer of rings once it holds 72 buckets, then 2, 4 and 7 layers.
    const layer = 288 * 16;
    expect(sizes).toEqual([1, 2, 4, 4, 7, 7, 7, 7, 7].map((n) => n * layer + 4 * 288));
  });

  it('a young series that touched a few buckets keeps a log of them, not the rings', () => {
    const profile = new SeasonalProfile({ periodMs: DAY_MS, bucketMs: 300_000, periods: 7, toleranceMs: 1_800_000, smooth: 10 });
    for (let i = 0; i < 360; i++) profile.next(20, T0 + i * 10_000); // one hour of 10-s samples: 12 buckets
    expect(profile.arrayBytes).toBe(0);
    expect(profile.state()).toMatchObject({ bucketsLearnt: 12, scored: 0 });
  });

  it('answer exactly as the eager layout, with gaps, out-of-order times and wrapped rings', () => {
    const rnd = mulberry32(42);
    const buckets = 48;
    const lazy = new SeasonalExemplars(buckets, 5);
    const eager = new EagerExemplars(buckets, 5);
    let t = 0;
    for (let i = 0; i < 20_000; i++) {
      // Mostly forward in time, sometimes a jump back (same or earlier period) or a gap of days.
      const r = rnd();
      t = r < 0.02 ? Math.max(0, t - Math.floor(rnd() * 3 * buckets)) : r < 0.03 ? t + Math.floor(rnd() * 4 * buckets) : t + 1;
      const period = Math.floor(t / buckets);
      const bucket = t % buckets;
      const value = Math.round(rnd() * 1000) / 10;
      expect(lazy.nearest(value, period, bucket, 2)).toBe(eager.nearest(value, period, bucket, 2));
      expect(lazy.average(period, bucket)).toBe(eager.average(period, bucket));
      expect(lazy.learn(value, period, bucket)).toBe(eager.learn(value, period, bucket));
    }
  });

  it('flags a missing plateau on the fourth day, while the rings are still growing', () => {
    const brain = createDetector('seasonal', { warmup: 2 * DAY });
    const s = daily(5, 11, (i) => (Math.floor(i / DAY) === 3 && i % DAY >= 130 && i % DAY < 200 ? 20 : undefined));
    const found = alerts(s.values.map((v, i) => brain.observe(v, s.times[i]).score), thresholdForSensitivity(0.5));
    expect(found).toHaveLength(1);
    expect(found[0]).toBeGreaterThanOrEqual(3 * DAY + 130);
    expect(found[0]).toBeLessThan(3 * DAY + 150);
  });
});
