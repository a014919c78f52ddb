import { describe, expect, it } from 'vitest';
import { SeasonalModel } from '../../../agents/base/detector/brains/index.js';
import { SeasonalProfile } from '../../../agents/base/detector/brains/seasonal-profile.js';
import { DAY, STEP_MS, T0 } from './synthetic.js';

const DAY_MS = 86_400_000;

/** A profile of one bucket per hour that keeps `periods` days, fed `days` (one level per day, every 5 minutes). */
function feed(periods: number, days: number[]): { profile: SeasonalProfile; last: ReturnType<SeasonalProfile['next']> } {
  const profile = new SeasonalProfile({ periodMs: DAY_MS, bucketMs: 3_600_000, periods, toleranceMs: 0, smooth: 1 });
  let last: ReturnType<SeasonalProfile['next']>;
  days.forEach((level, d) => {
    for (let i = 0; i < DAY; i++) last = profile.next(level, T0 + (d * DAY + i) * STEP_MS);
  });
  return { profile, last };
}

describe('seasonal profile (typed-array ring of exemplars)', () => {
  it('expects the nearest of the kept days: a level seen within `periods` days is at distance 0', () => {
    const { last } = feed(3, [10, 50, 10, 50]);
    expect(last?.expected).toBe(50);
    expect(last?.distance).toBe(0);
    expect(last?.average).toBe(30);
  });

  it('forgets the oldest day once `periods` days are kept', () => {
    // Day 0 (level 10) is evicted by day 3; day 4 at level 10 is then 40 away from the nearest (50).
    const { last } = feed(3, [10, 50, 50, 50, 10]);
    expect(last?.expected).toBe(50);
    expect(last?.distance).toBe(40);
  });

  it('has no expectation before an earlier period exists, and its state counts the buckets learnt', () => {
    const { profile, last } = feed(2, [7]);
    expect(last).toBeUndefined();
    expect(profile.state()).toMatchObject({ bucketsLearnt: 24, scored: 0 });
  });

  it('SeasonalModel: the default period is daily (no weekly profile)', () => {
    expect(new SeasonalModel().state()).toMatchObject({ weekly: null });
    expect(new SeasonalModel({ period: 'auto' }).state()).not.toMatchObject({ weekly: null });
  });
});
